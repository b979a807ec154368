// The simulated Klaviyo account behind the job endpoints: profiles with their e-mail consent, and bulk import jobs
// processed as Klaviyo documents them (an upsert by id or e-mail; per-profile errors readable from import-errors).
import { randomUUID } from 'node:crypto';

export interface SimulatedProfile {
  id: string;
  email: string;
  attributes: Record<string, unknown>;
  consent: 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'NEVER_SUBSCRIBED';
}

export interface ImportError {
  code: string;
  title: string;
  detail: string;
  /** The profile's place in the request: /data/attributes/profiles/data/{index}. */
  pointer: string;
  original_payload: Record<string, unknown>;
}

export interface ImportJob {
  id: string;
  total: number;
  errors: ImportError[];
  profileIds: string[];
  /** GETs of the job still to answer "processing" before "complete". */
  pendingReads: number;
}

export interface AccountOptions {
  /** A job reports "processing" to this many reads before it completes (default 0). */
  jobReadsUntilComplete?: number;
  /** Addresses whose import Klaviyo refuses with this detail (a stand-in for its own validation). */
  refuse?: Record<string, string>;
}

type ProfileData = { id?: unknown; attributes?: Record<string, unknown>; meta?: { patch_properties?: { unset?: unknown } } };

/** What an import changes: null never clears (the bulk import ignores it); `unset` removes custom properties. */
function applied(before: Record<string, unknown>, given: Record<string, unknown>, unset: unknown): Record<string, unknown> {
  const out = { ...before };
  for (const [key, value] of Object.entries(given)) {
    if (value === null) continue;
    if (key === 'properties' || key === 'location') {
      const nested = { ...((out[key] as Record<string, unknown> | undefined) ?? {}) };
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== null) nested[k] = v;
      out[key] = nested;
    } else out[key] = value;
  }
  if (Array.isArray(unset)) {
    const properties = { ...((out['properties'] as Record<string, unknown> | undefined) ?? {}) };
    for (const name of unset) delete properties[String(name)];
    out['properties'] = properties;
  }
  return out;
}

export class SimulatedAccount {
  readonly profiles = new Map<string, SimulatedProfile>();
  readonly importJobs = new Map<string, ImportJob>();

  constructor(private readonly options: AccountOptions = {}) {}

  byEmail(email: string): SimulatedProfile | undefined {
    const wanted = email.toLowerCase();
    return [...this.profiles.values()].find((p) => p.email === wanted);
  }

  seed(email: string, consent: SimulatedProfile['consent'] = 'NEVER_SUBSCRIBED'): SimulatedProfile {
    const profile: SimulatedProfile = {
      id: `01${randomUUID().replace(/-/g, '').slice(0, 24).toUpperCase()}`,
      email,
      attributes: {},
      consent,
    };
    this.profiles.set(profile.id, profile);
    return profile;
  }

  /**
   * An upsert per profile: by `id` when given (then the e-mail may change, unless another profile holds it), else
   * by e-mail. A refused profile becomes an import error; the others are imported.
   */
  runImport(data: ProfileData[]): ImportJob {
    const job: ImportJob = {
      id: randomUUID().replace(/-/g, ''),
      total: data.length,
      errors: [],
      profileIds: [],
      pendingReads: this.options.jobReadsUntilComplete ?? 0,
    };
    data.forEach((item, index) => {
      const attributes = { ...(item.attributes ?? {}) };
      const email = typeof attributes['email'] === 'string' ? attributes['email'].toLowerCase() : undefined;
      const refuse = (code: string, detail: string) =>
        job.errors.push({
          code,
          title: code === 'duplicate_profile' ? 'Conflict.' : 'Invalid input.',
          detail,
          pointer: `/data/attributes/profiles/data/${index}`,
          original_payload: attributes,
        });
      if (email === undefined || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return refuse('invalid', 'Invalid email address.');
      const refusal = this.options.refuse?.[email];
      if (refusal) return refuse('invalid', refusal);
      let profile: SimulatedProfile | undefined;
      if (typeof item.id === 'string') {
        profile = this.profiles.get(item.id);
        if (!profile) return refuse('not_found', `A profile with id ${item.id} does not exist.`);
        const holder = this.byEmail(email);
        if (holder && holder.id !== profile.id)
          return refuse('duplicate_profile', 'A profile already exists with one of these identifiers.');
      } else profile = this.byEmail(email) ?? this.seed(email);
      delete attributes['email'];
      profile.email = email;
      profile.attributes = applied(profile.attributes, attributes, item.meta?.patch_properties?.unset);
      job.profileIds.push(profile.id);
    });
    this.importJobs.set(job.id, job);
    return job;
  }

  /** A subscription job: the consent of each address's profile (a new profile for an unknown address). */
  setConsent(emails: string[], consent: 'SUBSCRIBED' | 'UNSUBSCRIBED'): void {
    for (const email of emails) (this.byEmail(email) ?? this.seed(email.toLowerCase())).consent = consent;
  }

  /** GET /api/profile-bulk-import-jobs/{id}: counts and status, "processing" until its reads are used up. */
  jobResource(job: ImportJob, base: string): unknown {
    const done = job.pendingReads <= 0;
    if (!done) job.pendingReads--;
    return {
      data: {
        type: 'profile-bulk-import-job',
        id: job.id,
        attributes: {
          status: done ? 'complete' : 'processing',
          total_count: job.total,
          completed_count: done ? job.total - job.errors.length : 0,
          failed_count: done ? job.errors.length : 0,
        },
        links: { self: `${base}/api/profile-bulk-import-jobs/${job.id}` },
      },
    };
  }
}
