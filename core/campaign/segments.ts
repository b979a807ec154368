// Segment rules with per-tenant thresholds. Time-dependent rules take `now`: the sweep re-evaluates them.
import type { Profile } from '../profile.js';
import type { SegmentRules } from './config.js';
import { daysBetween } from './orders.js';
import type { RfmScore } from './rfm.js';
import type { Traits } from './traits.js';

export interface Segments {
  new: boolean;
  repeat: boolean;
  loyal: boolean;
  lapsed: boolean;
  engaged: boolean;
  unengaged: boolean;
  /** Ids of the one-category rules the person matches. */
  oneCategory: string[];
}

/** Days without an order after which this customer counts as lapsed. */
export function lapseThresholdDays(traits: Pick<Traits, 'averageIntervalDays'>, rules: SegmentRules): number {
  if (traits.averageIntervalDays === null) return rules.lapsedDefaultDays;
  return Math.max(rules.lapsedMinDays, rules.lapsedIntervalMultiplier * traits.averageIntervalDays);
}

export function isNew(traits: Pick<Traits, 'firstOrderAt'>, rules: SegmentRules, now: Date): boolean {
  return traits.firstOrderAt !== null && daysBetween(traits.firstOrderAt, now) <= rules.newWithinDays;
}

export function isLapsed(traits: Pick<Traits, 'lastOrderAt' | 'averageIntervalDays'>, rules: SegmentRules, now: Date): boolean {
  return traits.lastOrderAt !== null && daysBetween(traits.lastOrderAt, now) > lapseThresholdDays(traits, rules);
}

function isLoyal(rfm: RfmScore | undefined, rules: SegmentRules): boolean {
  return (
    rfm !== undefined && rfm.recency >= rules.loyalMinScore && rfm.frequency >= rules.loyalMinScore && rfm.monetary >= rules.loyalMinScore
  );
}

/** Opens and clicks within the window say engaged; enough mails sent without either say unengaged. */
function engagement(profile: Profile, rules: SegmentRules, now: Date): { engaged: boolean; unengaged: boolean } {
  const inWindow = profile.activity.filter((a) => a.kind === 'email.engaged' && daysBetween(a.at, now) <= rules.engagedWithinDays);
  const engaged = inWindow.some((a) => a.detail.kind === 'open' || a.detail.kind === 'click');
  const sent = inWindow.filter((a) => a.detail.kind === 'sent').length;
  return { engaged, unengaged: !engaged && sent >= rules.unengagedMinSent };
}

export function computeSegments(profile: Profile, traits: Traits, rfm: RfmScore | undefined, rules: SegmentRules, now: Date): Segments {
  const bought = new Set(traits.categories);
  return {
    new: isNew(traits, rules, now),
    repeat: traits.orderCount >= rules.repeatMinOrders,
    loyal: isLoyal(rfm, rules),
    lapsed: isLapsed(traits, rules, now),
    ...engagement(profile, rules, now),
    oneCategory: rules.oneCategory.filter((r) => bought.has(r.bought) && !bought.has(r.never)).map((r) => r.id),
  };
}
