// Opens and clicks in the control-group report: the share of each group that opened or clicked a campaign's mail
// within the measuring window. Comparable only when the holdout receives mail too (holdout `generic-mail`: the same
// mail without the personalised content, as the Praxis story measured personalised against generic newsletters).
import type { Profile } from '../profile.js';
import type { CampaignDefinition } from './config.js';

export interface EngagementCounts {
  profiles: number;
  /** Opened (or clicked: a click without a tracked open, images blocked, is an open too). */
  opened: number;
  clicked: number;
  openRate: number | null;
  clickRate: number | null;
}

export interface EngagementUplift {
  /** False for a `no-mail` holdout: it receives nothing to open, so only the exposed rates are shown. */
  comparable: boolean;
  holdout: EngagementCounts;
  exposed: EngagementCounts;
  /** Relative to the holdout: 1 is "+100 % opens against the control group". */
  openUplift: number | null;
  clickUplift: number | null;
}

/** Whether an engagement's campaign (a name, or Copernica's comma-separated tags) is one of the campaign's mails. */
function countsFor(campaign: CampaignDefinition, engagedCampaign: string | undefined): boolean {
  const mails = campaign.mails ?? [];
  if (mails.length === 0) return true;
  if (engagedCampaign === undefined) return false;
  const names = new Set([engagedCampaign, ...engagedCampaign.split(',').map((t) => t.trim())]);
  return mails.some((m) => names.has(m));
}

/** What one profile did with the campaign's mails in [from, until). */
export function engagementOf(
  profile: Profile,
  campaign: CampaignDefinition,
  from: string,
  until: string,
): { opened: boolean; clicked: boolean } {
  let opened = false;
  let clicked = false;
  for (const a of profile.activity) {
    if (a.kind !== 'email.engaged' || a.at < from || a.at >= until || !countsFor(campaign, a.detail.campaign)) continue;
    if (a.detail.kind === 'click') clicked = opened = true;
    if (a.detail.kind === 'open') opened = true;
  }
  return { opened, clicked };
}

const rate = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 10_000) / 10_000 : null);
const relative = (exposed: number | null, holdout: number | null) =>
  exposed !== null && holdout !== null && holdout > 0 ? Math.round(((exposed - holdout) / holdout) * 10_000) / 10_000 : null;

export function engagementCounts(profiles: number, opened: number, clicked: number): EngagementCounts {
  return { profiles, opened, clicked, openRate: rate(opened, profiles), clickRate: rate(clicked, profiles) };
}

export function engagementUplift(campaign: CampaignDefinition, holdout: EngagementCounts, exposed: EngagementCounts): EngagementUplift {
  const comparable = campaign.holdout === 'generic-mail';
  return {
    comparable,
    holdout,
    exposed,
    openUplift: comparable ? relative(exposed.openRate, holdout.openRate) : null,
    clickUplift: comparable ? relative(exposed.clickRate, holdout.clickRate) : null,
  };
}
