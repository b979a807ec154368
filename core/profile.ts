// The merged 360° profile: a join of everything known about one person, with the provenance of every value.
import type { CartData, ConsentPurpose, OrderData, OrderLine } from './events.js';
import type { Identifier } from './identifiers.js';
import type { FieldValue } from './destination.js';

/** Where a value came from and when the source says it was true; compared to pick a winner. */
export interface Provenance {
  /** Connector instance that reported the value. */
  source: string;
  /** Vendor time of the event (occurredAt). */
  at: string;
  /** Source event id, the last tie-breaker so that the winner never depends on arrival order. */
  eventId: string;
  /** Tenant-configured priority of the source: higher wins a tie on `at`. */
  priority: number;
}

export interface FieldRecord extends Provenance {
  value: FieldValue;
}

export interface ProfileIdentifier extends Identifier {
  source: string;
  at: string;
}

export interface RefusedIdentifier extends Identifier {
  reason: string;
  at: string;
}

/** The identity decisions behind a profile, so a wrong merge can be found, explained and undone. */
export type IdentityJournalEntry =
  | {
      kind: 'merged';
      /** Vendor time of the event that proved the two profiles to be one person. */
      at: string;
      eventKey: string;
      survivor: string;
      absorbed: string;
      /** The identifier of the event that the absorbed profile held. */
      identifier: Identifier;
      /** The tenant rule that allowed it, e.g. "email match (priority 3 of 5; at most 5 email)". */
      rule: string;
    }
  | {
      kind: 'unmerged';
      /** Wall-clock time of the unmerge. */
      at: string;
      identifier: Identifier;
      /** Every profile the unmerge left, this one included. */
      profiles: string[];
      reason?: string;
    };

export interface OrderRecord extends Provenance {
  orderId: string;
  orderNumber?: string;
  channel: OrderData['channel'];
  currency: string;
  total: number;
  placedAt: string;
  status: OrderData['status'];
  lines: OrderLine[];
  checkoutToken?: string;
  gift?: boolean;
  shippedToOtherAddress?: boolean;
  /** An older order (core/merge/bounds.ts): its lines are reduced to one per category. */
  compact?: boolean;
}

/** The sums of the orders folded out of the profile past its order limit (core/merge/bounds.ts). */
export interface OrderArchive {
  /** Counted orders (not cancelled or refunded) and their revenue. */
  count: number;
  revenue: number;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  /** The newest folded order: reports of orders at or before it are taken as counted here. */
  horizonAt: string;
  horizonKey: string;
  channels: string[];
  categories: string[];
}

export interface CartRecord extends Provenance {
  cartId: string;
  currency?: string;
  total?: number;
  lines: CartData['lines'];
  recoveryUrl?: string;
  completedAt?: string | null;
}

export interface ConsentRecord extends Provenance {
  granted: boolean;
  method?: string;
  /** A grant an order implied (the buyer accepted marketing at checkout), not an explicit act of the person. */
  implied?: true;
  /** Behind an implied grant that wins: the latest explicit fact (core/merge/consent.ts). */
  explicit?: ConsentRecord;
  /** Behind an explicit fact that wins: the latest implied grant (core/merge/consent.ts). */
  impliedGrant?: ConsentRecord;
}

/** Behaviour and engagement, kept as the most recent N entries by time. */
export interface ActivityRecord {
  key: string;
  at: string;
  kind: 'product.viewed' | 'search.performed' | 'email.engaged' | 'survey.answered';
  detail: Record<string, string>;
}

export interface Profile {
  tenantId: string;
  profileId: string;
  /** Optimistic-lock version: incremented by every committed write. */
  version: number;
  /** Earliest vendor time seen: the older profile survives a merge. */
  firstSeenAt: string;
  lastSeenAt: string;
  identifiers: ProfileIdentifier[];
  refusedIdentifiers: RefusedIdentifier[];
  fields: Record<string, FieldRecord>;
  consent: Partial<Record<ConsentPurpose, ConsentRecord>>;
  /** Keyed by `<instance>/<orderId>`; the newest full, older ones compact, the oldest folded into `orderArchive`. */
  orders: Record<string, OrderRecord>;
  orderArchive?: OrderArchive;
  /** Keyed by `<instance>/<cartId>`; the newest few. */
  carts: Record<string, CartRecord>;
  activity: ActivityRecord[];
  /** Recently applied `<instance>/<sourceEventId>` keys: a duplicate delivery costs no write. */
  recentEvents: string[];
  /** Profiles merged into this one: their events and tombstones belong to this profile. */
  mergedFrom: string[];
  /** Merges and unmerges of this profile (absent on profiles stored before the journal existed). */
  identityJournal?: IdentityJournalEntry[];
  /** identifierKeys this profile holds that may never join it with another profile (set by an unmerge). */
  unlinkable?: string[];
  /** Set on the tombstone of a profile that was merged into another. */
  mergedInto?: string;
}

export function emptyProfile(tenantId: string, profileId: string, at: string): Profile {
  return {
    tenantId,
    profileId,
    version: 0,
    firstSeenAt: at,
    lastSeenAt: at,
    identifiers: [],
    refusedIdentifiers: [],
    fields: {},
    consent: {},
    orders: {},
    carts: {},
    activity: [],
    recentEvents: [],
    mergedFrom: [],
  };
}

/**
 * The DIY project a person is about to start (core/campaign/next-job.ts), computed on every merge and sweep from the
 * profile (never stored apart from it), projected flat as `nextJob` (the job id from the tenant's `campaigns.nextJob.jobs`),
 * `nextJobReason` (e.g. "searched tiles ×2; viewed grout ×1", categories only, no personal data) and
 * `nextJobConfidence` (0–1, two decimals); all three null when nothing points to a job.
 */
export interface NextJob {
  job: string;
  reason: string;
  confidence: number;
}
