// When a profile's campaign fields next change by the clock alone (issue 20): an abandoned-cart window ending or the
// cart going stale, a customer stopping to be new or becoming lapsed, an open or a search leaving its window, a
// purchase leaving the cross-sell exclusion. The merge writes it beside the profile (`dueAt`) and the campaign sweep
// reads only the profiles whose time has come, instead of every profile of the tenant. Changes that come from the
// tenant stats (RFM quintiles, co-purchases) are the stats pass's, not this.
import type { Profile } from '../profile.js';
import type { CampaignConfig, SegmentRules } from './config.js';
import { jobWeightSteps } from './next-job.js';
import { DAY_MS, daysBetween, openCarts, productKey } from './orders.js';
import type { ClassifiedLine } from './secondary-profile.js';
import { lapseThresholdDays } from './segments.js';
import { computeTraits } from './traits.js';

/**
 * Due times are rounded up to a grid (issue 15): the sweep serves a profile at its first run at or after the due time,
 * so a due time a little later changes little, while a due time on the grid keeps its index key when the merge's next
 * change moves the threshold by less than a step (a cart updated again within minutes), and thresholds of one person
 * or of many people that fall in the same step wake the sweep once, in one run. A rule counted in days (a new
 * customer, lapsing, the cross-sell exclusion, the job weights, an old cart) is served up to an hour late; the cart
 * window, counted in minutes, up to `minutes` late (never more than the tenant's sweep period). Never early.
 */
export const DUE_GRID = { minutes: 5 * 60_000, days: 60 * 60_000 } as const;

/**
 * The first moment after `now` at which campaignFields(profile, at that moment) can differ from now, or undefined
 * when the clock alone never changes them, rounded up to DUE_GRID. One millisecond after each threshold: most rules
 * compare with `<=` and `>`, so at the threshold itself the old value still holds (the cart window, `<`, is due at its
 * end). Never before the threshold; early only costs the sweep one read.
 */
export function nextDueAt(profile: Profile, config: CampaignConfig, now: Date): string | undefined {
  const at = now.getTime();
  let next = Number.POSITIVE_INFINITY;
  eachThreshold(profile, config, (threshold, grid) => {
    if (threshold <= at) return;
    const due = Math.ceil(threshold / grid) * grid;
    if (due < next) next = due;
  });
  return Number.isFinite(next) ? new Date(next).toISOString() : undefined;
}

/**
 * Every moment, past or future, at which campaignFields(profile) can change by the clock alone (the first instant of
 * the new value), unsorted and unrounded: between two of them the fields stay as they are. nextDueAt's thresholds.
 */
export function clockThresholds(profile: Profile, config: CampaignConfig): number[] {
  const out: number[] = [];
  eachThreshold(profile, config, (threshold) => out.push(threshold));
  return out;
}

/** The largest step a due time is rounded up by: a stored due time is less than this after its first threshold. */
export const DUE_GRID_MAX_MS = Math.max(DUE_GRID.minutes, DUE_GRID.days);

function eachThreshold(profile: Profile, config: CampaignConfig, visit: (threshold: number, grid: number) => void): void {
  const minuteGrid = Math.min(DUE_GRID.minutes, config.sweepEveryMinutes * 60_000);
  const gridOf = (ms: number) => (ms >= DAY_MS ? DUE_GRID.days : minuteGrid);
  const after = (fromIso: string | null | undefined, ms: number) => {
    if (fromIso === null || fromIso === undefined) return;
    const from = Date.parse(fromIso);
    if (Number.isNaN(from)) return;
    visit(from + ms + 1, gridOf(ms));
  };
  const days = (n: number) => n * DAY_MS;
  const { segments, abandonedCart, crossSell } = config;
  const traits = computeTraits(profile, config);

  after(traits.firstOrderAt, days(segments.newWithinDays));
  after(traits.lastOrderAt, days(lapseThresholdDays(traits, segments)));
  // Only cross-sell and the survey's follow-up look at the recent purchases and behaviour windows: a tenant with
  // neither has no sweep woken by them (issue 15).
  const suggests = crossSell.max > 0 || config.survey.enabled;
  if (suggests) for (const end of exclusionEnds(traits.lines, config)) visit(end, gridOf(days(crossSell.recentDays)));
  for (const end of engagementEnds(profile, segments)) visit(end, gridOf(days(segments.engagedWithinDays)));
  if (suggests) for (const end of behaviourEnds(profile, crossSell.behaviourDays)) visit(end, gridOf(days(crossSell.behaviourDays)));
  // The next job's signals weigh less by steps and leave its window: each step is a time its field may change.
  const jobSteps = (fromIso: string) => {
    // `after` adds a millisecond; these steps are already the first instant of the new weight.
    for (const step of jobWeightSteps(fromIso, config.nextJob)) after(fromIso, step - Date.parse(fromIso) - 1);
  };
  for (const a of profile.activity) if ((a.kind === 'search.performed' || a.kind === 'product.viewed') && a.detail.category) jobSteps(a.at);
  for (const { order, secondary } of traits.lines) if (!secondary) jobSteps(order.placedAt);
  // Only the candidate cart (abandoned-cart.ts: the newest open cart with lines) changes the fields by the clock; the
  // older ones wake no sweep (issue 15). An order or a completion that makes an older one the candidate again is a
  // merge, which computes the due time anew.
  const cart = openCarts(profile).find((c) => c.lines.length > 0);
  if (cart) {
    // `age < window`: abandoned at the window's end itself.
    after(cart.at, abandonedCart.windowMinutes * 60_000 - 1);
    after(cart.at, days(abandonedCart.maxAgeDays));
  }
}

/**
 * What the purchases inside the cross-sell exclusion (`crossSell.recentDays`) keep out at `now`: their products, and
 * their categories where cross-sell excludes whole categories. The only way those purchases enter the campaign fields
 * (cross-sell and the survey's follow-up), so two moments with the same sets give the same fields, whatever the stats
 * and the catalog.
 */
export function excludedAsRecent(
  lines: readonly ClassifiedLine[],
  config: CampaignConfig,
  now: Date,
): { products: string[]; categories: string[] } {
  const products = new Set<string>();
  const categories = new Set<string>();
  const withCategories = excludesCategories(config);
  for (const { order, line } of lines) {
    if (!(daysBetween(order.placedAt, now) <= config.crossSell.recentDays)) continue;
    products.add(productKey(line));
    if (withCategories && line.category !== undefined) categories.add(line.category);
  }
  return { products: [...products].sort(), categories: [...categories].sort() };
}

const excludesCategories = (config: CampaignConfig) => config.crossSell.max > 0 && config.crossSell.recentExclusion === 'category';

/**
 * The moments a purchase leaves the exclusion and `excludedAsRecent` changes (its first instant, a millisecond after
 * `recentDays`). A purchase whose products (and, by category, categories) a later purchase still excludes changes
 * nothing when it leaves: a shopper who buys coffee again every few weeks is due when the last coffee leaves, not at
 * every earlier one (issue 15). Exact, whatever the stats and the catalog.
 */
function exclusionEnds(lines: readonly ClassifiedLine[], config: CampaignConfig): number[] {
  const byTime = new Map<number, ClassifiedLine[]>();
  for (const l of lines) {
    const placed = Date.parse(l.order.placedAt);
    if (Number.isNaN(placed)) continue;
    const group = byTime.get(placed);
    if (group) group.push(l);
    else byTime.set(placed, [l]);
  }
  const withCategories = excludesCategories(config);
  const laterProducts = new Set<string>();
  const laterCategories = new Set<string>();
  const out: number[] = [];
  // Newest first: what is placed later is still inside the exclusion when an earlier purchase leaves it.
  for (const [placed, group] of [...byTime.entries()].sort((a, b) => b[0] - a[0])) {
    const changes = group.some(
      ({ line }) =>
        !laterProducts.has(productKey(line)) || (withCategories && line.category !== undefined && !laterCategories.has(line.category)),
    );
    if (changes) out.push(placed + config.crossSell.recentDays * DAY_MS + 1);
    for (const { line } of group) {
      laterProducts.add(productKey(line));
      if (line.category !== undefined) laterCategories.add(line.category);
    }
  }
  return out;
}

/**
 * The moments the engagement segments change (core/campaign/segments.ts): `engaged` ends when the newest open or click
 * leaves `engagedWithinDays`, and `unengaged` can only change then or when fewer than `unengagedMinSent` mails sent
 * are left inside the window (the moment that many-th newest one leaves). Two moments however many mails, opens and
 * clicks a person has; one per engagement event before (issue 15: a weekly newsletter woke the sweep every week).
 */
function engagementEnds(profile: Profile, rules: SegmentRules): number[] {
  let engaged = Number.NEGATIVE_INFINITY;
  const sent: number[] = [];
  for (const a of profile.activity) {
    if (a.kind !== 'email.engaged') continue;
    const at = Date.parse(a.at);
    if (Number.isNaN(at)) continue;
    if (a.detail.kind === 'open' || a.detail.kind === 'click') engaged = Math.max(engaged, at);
    else if (a.detail.kind === 'sent') sent.push(at);
  }
  const window = rules.engagedWithinDays * DAY_MS;
  const out: number[] = [];
  if (Number.isFinite(engaged)) out.push(engaged + window + 1);
  sent.sort((a, b) => b - a);
  const last = sent[rules.unengagedMinSent - 1];
  if (last !== undefined) out.push(last + window + 1);
  return out;
}

const isBehaviour = (a: Profile['activity'][number]) =>
  (a.kind === 'search.performed' || a.kind === 'product.viewed') && Boolean(a.detail.category);

/**
 * Which behaviour leads the suggestions at `now`: per category, the first view or search of it (in the activity's
 * order, newest first) inside `behaviourDays`, by its position in the activity. Cross-sell and the catalog slice read
 * behaviour only through these (the category, its order, the verb and price of that first record), so two moments
 * with the same positions give the same fields, whatever the stats and the catalog.
 */
export function leadingBehaviour(profile: Profile, config: CampaignConfig, now: Date): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  profile.activity.forEach((a, i) => {
    if (!isBehaviour(a) || seen.has(a.detail.category!) || !(daysBetween(a.at, now) <= config.crossSell.behaviourDays)) return;
    seen.add(a.detail.category!);
    out.push(i);
  });
  return out;
}

/**
 * The moments `leadingBehaviour` changes: a view or search leaving the window (a millisecond after `behaviourDays`),
 * unless one listed before it, of the same category and newer, is still inside then and leads instead. A category
 * viewed twenty times in a fortnight wakes the sweep once, when its newest view leaves, not twenty times (issue 15).
 * Records without a category lead nothing and wake nothing.
 */
function behaviourEnds(profile: Profile, behaviourDays: number): number[] {
  const newestBefore = new Map<string, number>();
  const out: number[] = [];
  for (const a of profile.activity) {
    if (!isBehaviour(a)) continue;
    const at = Date.parse(a.at);
    if (Number.isNaN(at)) continue;
    const category = a.detail.category!;
    const newer = newestBefore.get(category);
    if (newer === undefined || newer <= at) out.push(at + behaviourDays * DAY_MS + 1);
    if (newer === undefined || at > newer) newestBefore.set(category, at);
  }
  return out;
}
