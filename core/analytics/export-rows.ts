// The rows of the analytics layout (issue 20): what an export of the profiles table becomes so that an engine built
// for whole-tenant passes (Athena in AWS, DuckDB locally) can read it with plain SQL. Stored profiles and history are
// often deflated with a preset dictionary (aws/profile-codec.ts), which no SQL engine can open: the export is decoded
// once into these rows, one table per kind, partitioned by tenant (`tenant_id=<id>/`), and the SQL files in analytics/
// query them. Column names are snake_case, as both engines' catalogues want them.
import type { CampaignConfig } from '../campaign/config.js';
import { ownProducts } from '../campaign/tenant-stats.js';
import { computeTraits } from '../campaign/traits.js';
import { eventKey, type CanonicalEvent } from '../events.js';
import type { Profile } from '../profile.js';

/** A live profile, its document as JSON text (the engines' JSON functions or the core read it). */
export interface ProfileRow {
  profile_id: string;
  doc: string;
}

/** One recorded event under the profile it was applied to (the history an identity dry run replays). */
export interface EventRow {
  profile_id: string;
  event_key: string;
  event: string;
}

/** A product a customer bought for themselves (core/campaign/tenant-stats.ts ownProducts): what co-purchases count. */
export interface PurchaseRow {
  profile_id: string;
  product_key: string;
  name: string;
  category: string | null;
}

export const ANALYTICS_TABLES = ['profiles', 'events', 'purchases'] as const;
export type AnalyticsTable = (typeof ANALYTICS_TABLES)[number];

export interface AnalyticsRows {
  profiles: ProfileRow[];
  events: EventRow[];
  purchases: PurchaseRow[];
}

export const emptyRows = (): AnalyticsRows => ({ profiles: [], events: [], purchases: [] });

/** A live profile's rows: itself and its own purchases (by the tenant's campaign rules, which say what is a gift). */
export function profileRows(profile: Profile, campaigns: CampaignConfig): Pick<AnalyticsRows, 'profiles' | 'purchases'> {
  const purchases = [...ownProducts(computeTraits(profile, campaigns))].map(([product_key, info]) => ({
    profile_id: profile.profileId,
    product_key,
    name: info.name,
    category: info.category ?? null,
  }));
  return { profiles: [{ profile_id: profile.profileId, doc: JSON.stringify(profile) }], purchases };
}

export function eventRows(profileId: string, events: readonly CanonicalEvent[]): EventRow[] {
  return events.map((event) => ({ profile_id: profileId, event_key: eventKey(event), event: JSON.stringify(event) }));
}
