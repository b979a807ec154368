// One merged profile as an operator reads it: every field with the source that set it, identifiers, consent, and the
// campaign projection's segments and suggestions. Shared by `syncline profile` and the status page's search.
import type { TenantConfig } from '../core/config.js';
import type { FieldValue } from '../core/destination.js';
import { identifierKey, normaliseEmail } from '../core/identifiers.js';
import type { ProfileRepository } from '../core/ports.js';
import type { Profile } from '../core/profile.js';
import { projectProfile } from '../core/projection.js';
import { liveProfile } from '../core/live-profile.js';
import type { TenantStats } from '../core/campaign/tenant-stats.js';

export interface ProfileQuery {
  email?: string;
  id?: string;
}

/** `anna@example.com` is an e-mail address, anything else a profile id. */
export function profileQuery(emailOrId: string): ProfileQuery {
  return emailOrId.includes('@') ? { email: emailOrId } : { id: emailOrId };
}

/** The live profile an e-mail address or profile id leads to, following merge tombstones. */
export async function findProfile(
  profiles: Pick<ProfileRepository, 'lookup' | 'get'>,
  tenantId: string,
  query: ProfileQuery,
): Promise<Profile | undefined> {
  let profileId = query.id;
  if (!profileId && query.email) {
    const email = normaliseEmail(query.email);
    if (!email) return undefined;
    const id = { type: 'email' as const, value: email };
    profileId = (await profiles.lookup(tenantId, [id])).get(identifierKey(id));
  }
  return profileId === undefined ? undefined : liveProfile(profiles, tenantId, profileId);
}

export interface SourcedValue {
  name: string;
  value: FieldValue;
  source: string;
  at: string;
}

export interface ProfileView {
  tenantId: string;
  profileId: string;
  firstSeenAt: string;
  lastSeenAt: string;
  identifiers: { type: string; value: string; source: string; at: string }[];
  fields: SourcedValue[];
  consent: { purpose: string; granted: boolean; source: string; at: string }[];
  orders: { count: number; sources: string[] };
  openCarts: number;
  segments: string[];
  suggestions: { sku: string; name: string | null; reason: string | null }[];
  mergedFrom: string[];
}

export function viewProfile(profile: Profile, tenant: TenantConfig, stats: TenantStats | undefined, now = new Date()): ProfileView {
  const projected = projectProfile(profile, { campaigns: tenant.campaigns, now, stats });
  const suggestions: ProfileView['suggestions'] = [];
  for (let i = 1; projected[`crossSell${i}Sku`] !== undefined; i++) {
    const sku = projected[`crossSell${i}Sku`];
    if (typeof sku === 'string')
      suggestions.push({ sku, name: asText(projected[`crossSell${i}Name`]), reason: asText(projected[`crossSell${i}Reason`]) });
  }
  const segments = typeof projected.segments === 'string' ? projected.segments.split(',') : [];
  const orders = Object.values(profile.orders);
  return {
    tenantId: profile.tenantId,
    profileId: profile.profileId,
    firstSeenAt: profile.firstSeenAt,
    lastSeenAt: profile.lastSeenAt,
    identifiers: profile.identifiers.map(({ type, value, source, at }) => ({ type, value, source, at })),
    fields: Object.entries(profile.fields)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, f]) => ({ name, value: f.value, source: f.source, at: f.at })),
    consent: Object.entries(profile.consent).map(([purpose, c]) => ({ purpose, granted: c!.granted, source: c!.source, at: c!.at })),
    orders: { count: orders.length, sources: [...new Set(orders.map((o) => o.source))].sort() },
    openCarts: Object.values(profile.carts).filter((c) => !c.completedAt).length,
    segments,
    suggestions,
    mergedFrom: profile.mergedFrom,
  };
}

function asText(value: FieldValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

/** Segment membership of one profile (the projection's `segments`), for counts per tenant. */
export function segmentsOf(profile: Profile, tenant: TenantConfig, stats: TenantStats | undefined, now = new Date()): string[] {
  const projected = projectProfile(profile, { campaigns: tenant.campaigns, now, stats });
  return typeof projected.segments === 'string' ? projected.segments.split(',') : [];
}
