// Control-group uplift: the audience at the campaign's start, split into holdout and exposed, and the share of each
// that ordered again within the measuring window.
import type { FieldValue } from '../destination.js';
import type { Profile } from '../profile.js';
import { campaignFields } from './campaign-fields.js';
import type { CampaignConfig, CampaignDefinition } from './config.js';
import { inHoldout } from './control-group.js';
import { countedOrders, DAY_MS } from './orders.js';

export interface GroupResult {
  profiles: number;
  converted: number;
  rate: number | null;
}

export interface UpliftReport {
  campaign: string;
  audience: string;
  startsAt: string;
  measuredUntil: string;
  holdout: GroupResult;
  exposed: GroupResult;
  /** Exposed rate minus holdout rate, in percentage points. */
  absoluteUplift: number | null;
  /** Relative to the holdout rate: 0.15 is "+15 % repeat purchases against the control group". */
  relativeUplift: number | null;
}

/** The profile as it stood at `at`: only what happened before. */
function asOf(profile: Profile, at: string): Profile {
  return {
    ...profile,
    orders: Object.fromEntries(Object.entries(profile.orders).filter(([, o]) => o.placedAt < at)),
    carts: Object.fromEntries(Object.entries(profile.carts).filter(([, c]) => c.at < at)),
    activity: profile.activity.filter((a) => a.at < at),
  };
}

export function upliftReport(profiles: Iterable<Profile>, config: CampaignConfig, campaign: CampaignDefinition, now: Date): UpliftReport {
  if (!campaign.startsAt) throw new Error(`campaign "${campaign.id}" has no startsAt: the uplift is measured from the start`);
  const startsAt = new Date(campaign.startsAt).toISOString();
  const until = new Date(Math.min(Date.parse(startsAt) + campaign.measureDays * DAY_MS, now.getTime())).toISOString();
  const audience = campaign.audience ?? 'orderCount';
  const groups = { holdout: { profiles: 0, converted: 0 }, exposed: { profiles: 0, converted: 0 } };
  for (const profile of profiles) {
    const before = asOf(profile, startsAt);
    const fields: Record<string, FieldValue> = {
      orderCount: countedOrders(before).length,
      ...campaignFields(before, { campaigns: config, now: new Date(startsAt) }),
    };
    const member = fields[audience];
    if (member === undefined || member === null || member === false || member === 0) continue;
    const group = inHoldout(profile.tenantId, campaign.id, profile.profileId, campaign.controlShare) ? groups.holdout : groups.exposed;
    group.profiles++;
    if (countedOrders(profile).some((o) => o.placedAt >= startsAt && o.placedAt < until)) group.converted++;
  }
  const result = (g: { profiles: number; converted: number }): GroupResult => ({
    ...g,
    rate: g.profiles > 0 ? g.converted / g.profiles : null,
  });
  const holdout = result(groups.holdout);
  const exposed = result(groups.exposed);
  const both = holdout.rate !== null && exposed.rate !== null;
  return {
    campaign: campaign.id,
    audience,
    startsAt,
    measuredUntil: until,
    holdout,
    exposed,
    absoluteUplift: both ? Math.round((exposed.rate! - holdout.rate!) * 10_000) / 100 : null,
    relativeUplift: both && holdout.rate! > 0 ? Math.round(((exposed.rate! - holdout.rate!) / holdout.rate!) * 10_000) / 10_000 : null,
  };
}
