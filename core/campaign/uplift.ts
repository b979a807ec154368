// Control-group uplift: the audience at the campaign's start, split into holdout and exposed, and the share of each
// that ordered again within the measuring window, their revenue, and the share that opened and clicked its mails.
import type { FieldValue } from '../destination.js';
import type { Profile } from '../profile.js';
import { campaignFields } from './campaign-fields.js';
import type { CampaignConfig, CampaignDefinition } from './config.js';
import { inHoldout } from './control-group.js';
import { engagementCounts, engagementOf, engagementUplift, type EngagementUplift } from './engagement-uplift.js';
import { countedOrders, DAY_MS } from './orders.js';

export interface GroupResult {
  profiles: number;
  converted: number;
  rate: number | null;
  /** Revenue of the orders placed in the window, and per profile of the group. */
  revenue: number;
  revenuePerProfile: number | null;
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
  /** Revenue per profile, exposed against holdout, relative: 0.2 is "+20 % revenue per person". */
  revenueUplift: number | null;
  /** Opens and clicks of the campaign's mails in the window (see engagement-uplift.ts for what is compared). */
  engagement: EngagementUplift;
}

/** Revenue per profile, exposed against holdout, from the unrounded sums. */
function revenueUplift(exposed: { profiles: number; revenue: number }, holdout: { profiles: number; revenue: number }): number | null {
  if (exposed.profiles === 0 || holdout.profiles === 0 || holdout.revenue <= 0) return null;
  const perExposed = exposed.revenue / exposed.profiles;
  const perHoldout = holdout.revenue / holdout.profiles;
  return Math.round(((perExposed - perHoldout) / perHoldout) * 10_000) / 10_000;
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
  // Membership is judged on the fields as computed before any holdout blanking, or a generic-mail holdout would
  // drop out of an audience such as `nextJob` and the groups would no longer be alike.
  const unblanked: CampaignConfig = { ...config, campaigns: config.campaigns.map((c) => ({ ...c, personalises: [] })) };
  const group0 = () => ({ profiles: 0, converted: 0, revenue: 0, opened: 0, clicked: 0 });
  const groups = { holdout: group0(), exposed: group0() };
  for (const profile of profiles) {
    const before = asOf(profile, startsAt);
    const fields: Record<string, FieldValue> = {
      orderCount: countedOrders(before).length,
      ...campaignFields(before, { campaigns: unblanked, now: new Date(startsAt) }),
    };
    const member = fields[audience];
    if (member === undefined || member === null || member === false || member === 0) continue;
    const group = inHoldout(profile.tenantId, campaign.id, profile.profileId, campaign.controlShare) ? groups.holdout : groups.exposed;
    group.profiles++;
    const ordered = countedOrders(profile).filter((o) => o.placedAt >= startsAt && o.placedAt < until);
    if (ordered.length > 0) group.converted++;
    group.revenue += ordered.reduce((sum, o) => sum + o.total, 0);
    const engaged = engagementOf(profile, campaign, startsAt, until);
    if (engaged.opened) group.opened++;
    if (engaged.clicked) group.clicked++;
  }
  const result = (g: ReturnType<typeof group0>): GroupResult => ({
    profiles: g.profiles,
    converted: g.converted,
    rate: g.profiles > 0 ? g.converted / g.profiles : null,
    revenue: Math.round(g.revenue * 100) / 100,
    revenuePerProfile: g.profiles > 0 ? Math.round((g.revenue / g.profiles) * 100) / 100 : null,
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
    revenueUplift: revenueUplift(groups.exposed, groups.holdout),
    engagement: engagementUplift(
      campaign,
      engagementCounts(groups.holdout.profiles, groups.holdout.opened, groups.holdout.clicked),
      engagementCounts(groups.exposed.profiles, groups.exposed.opened, groups.exposed.clicked),
    ),
  };
}
