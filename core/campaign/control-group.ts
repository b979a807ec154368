// Control groups: a deterministic hash of (tenant, campaign, profile) puts a stable share of profiles in a holdout.
import { createHash } from 'node:crypto';

/** A number in [0, 1) fixed for ever by tenant, campaign and profile. */
export function holdoutPosition(tenantId: string, campaignId: string, profileId: string): number {
  const digest = createHash('sha256').update(`${tenantId}\u0000${campaignId}\u0000${profileId}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

export function inHoldout(tenantId: string, campaignId: string, profileId: string, share: number): boolean {
  return holdoutPosition(tenantId, campaignId, profileId) < share;
}

/** The projected field that tells a destination to leave the person out of a campaign: `holdoutWinBack` for `win-back`. */
export function holdoutField(campaignId: string): string {
  return `holdout${campaignId
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('')}`;
}
