// What a destination (email platform, DMP) receives from a merged profile: the contract between core and push connectors.
import type { ConsentPurpose } from './events.js';
import type { Identifier } from './identifiers.js';

export type FieldValue = string | number | boolean | null;

/** One profile's state as a destination sees it, with the names of the fields that changed since the last push. */
export interface ProfileChange {
  profileId: string;
  identifiers: Identifier[];
  /** The profile's primary e-mail address, when it has one: most destinations key on it. */
  email?: string;
  fields: Record<string, FieldValue>;
  changed: string[];
  consent: Partial<Record<ConsentPurpose, boolean>>;
  /** The e-mail address this destination last received, when the profile's address changed since: the old key there. */
  previousEmail?: string;
  /** The destination's own id for the person, as its last successful push reported it. */
  remoteId?: string;
}

export type PushOutcome =
  | { profileId: string; status: 'pushed'; remoteId?: string }
  | { profileId: string; status: 'failed'; reason: string; retryable: boolean };

/** Who must be erased at a destination: every identifier the profile had. */
export interface ErasureSubject {
  profileId: string;
  identifiers: Identifier[];
  email?: string;
  /** The destination's own id for the person, when a push learnt it: the only key no other person can share. */
  remoteId?: string;
}

export type ErasureOutcome =
  | { profileId: string; status: 'confirmed' | 'requested' | 'unsupported' }
  | { profileId: string; status: 'failed'; reason: string };
