// Whether the clock alone changed what the push sends for a profile over a span of time (issue 15, stop 32): the
// campaign sweep queues a due profile's sync only then. About half of the due profiles reach a threshold that changes
// nothing the push projects (a job weight step that keeps the same job, a purchase leaving the cross-sell exclusion
// that leads to the same suggestions); their push would read the profile, its snapshots and the contact markers for
// nothing.
//
// Exact, not a heuristic. Between two clock thresholds (due-time.ts `clockThresholds`) the campaign fields stay as they
// are, so the projection is the same over the whole span when it is the same at its start and at every threshold
// inside it. The push projects with the tenant's catalog as well, which the sweep does not read: where the push would
// read some of it, the inputs through which its products enter the fields are compared too (`signature`).
import type { FieldValue } from '../destination.js';
import type { Profile } from '../profile.js';
import { projectProfile } from '../projection.js';
import { catalogCategoriesOf } from './catalog-view.js';
import type { CampaignConfig } from './config.js';
import { clockThresholds, excludedAsRecent, leadingBehaviour } from './due-time.js';
import type { TenantStats } from './tenant-stats.js';
import { computeTraits } from './traits.js';

/**
 * True when what the push projects for `profile` (with `stats` and any catalog) may differ at some moment of
 * [from, to] from what it projects at `from`; false only when it is the same at every moment of the span.
 */
export function changedByClock(profile: Profile, campaigns: CampaignConfig, stats: TenantStats | undefined, from: Date, to: Date): boolean {
  const start = from.getTime();
  const end = to.getTime();
  if (end <= start) return false;
  const reference = signature(profile, campaigns, stats, from);
  const moments = clockThresholds(profile, campaigns).filter((t) => t > start && t <= end);
  moments.push(end);
  return moments.some((t) => signature(profile, campaigns, stats, new Date(t)) !== reference);
}

/**
 * What the push projects at `now`, whatever the catalog holds. The push reads the catalog for the categories
 * `catalogCategoriesOf` names; when it names none the push's view is empty, which projects as no catalog at all, so the
 * projection is the push's own. Otherwise the catalog's products enter through those categories, what the purchases
 * inside the cross-sell exclusion keep out (`excludedAsRecent`) and the behaviour that leads the suggestions
 * (`leadingBehaviour`): the same at two moments gives the same fields with any catalog. Those are the very inputs whose
 * changes due-time.ts counts as thresholds, so between two thresholds this signature does not move either.
 */
function signature(profile: Profile, campaigns: CampaignConfig, stats: TenantStats | undefined, now: Date): string {
  const projected: Record<string, FieldValue> = projectProfile(profile, { campaigns, now, stats });
  const categories = catalogCategoriesOf(profile, campaigns, now);
  if (categories.length === 0) return JSON.stringify(projected);
  const recent = excludedAsRecent(computeTraits(profile, campaigns).lines, campaigns, now);
  const behaviour = leadingBehaviour(profile, campaigns, now);
  return `${JSON.stringify(projected)}|${JSON.stringify(categories)}|${JSON.stringify(recent)}|${behaviour.join(',')}`;
}
