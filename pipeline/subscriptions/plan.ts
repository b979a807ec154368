// What `syncline connect` must do so that the vendor delivers every topic to this stack's URL: pure, from what the
// vendor lists. A subscription is ours when it delivers to our URL, or to our path on another host (an earlier tunnel
// or API address); ours are corrected, never duplicated.
import type { WebhookSubscription } from '../../connectors/sdk/index.js';

export type PlannedChange =
  | { action: 'keep'; id: string; topics: string[] }
  | { action: 'create'; topics: string[] }
  | { action: 'update'; id: string; topics: string[]; reason: string };

export interface PlanInput {
  url: string;
  topics: readonly string[];
  grouping: 'per-topic' | 'combined';
  existing: readonly WebhookSubscription[];
  /** False when the signing secret the vendor holds is unknown here: every subscription we keep must be given it again. */
  secretKnown: boolean;
}

const pathOf = (url: string) => (URL.canParse(url) ? new URL(url).pathname.replace(/\/+$/, '') : url);

/** Why `subscription` needs an update to deliver `topics` to `url`, or undefined when it is right. */
function drift(subscription: WebhookSubscription, url: string, topics: readonly string[], secretKnown: boolean): string | undefined {
  const reasons: string[] = [];
  if (subscription.url !== url) reasons.push(`delivers to ${subscription.url}`);
  if (!subscription.active) reasons.push(`is ${subscription.status}`);
  const missing = topics.filter((t) => !subscription.topics.includes(t));
  if (missing.length > 0) reasons.push(`lacks ${missing.join(', ')}`);
  if (!secretKnown) reasons.push('signs with a secret this stack does not hold');
  else if (subscription.secretMatches === false) reasons.push("signs with a secret that no longer matches the instance's secret");
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** Exact URL first, then an active one, then any on our path. */
function ours(existing: readonly WebhookSubscription[], url: string, covers: (s: WebhookSubscription) => boolean) {
  const candidates = existing.filter((s) => covers(s) && (s.url === url || pathOf(s.url) === pathOf(url)));
  const rank = (s: WebhookSubscription) => (s.url === url ? 0 : 2) + (s.active ? 0 : 1);
  return [...candidates].sort((a, b) => rank(a) - rank(b))[0];
}

export function planSubscriptions(input: PlanInput): PlannedChange[] {
  const { url, topics, existing, secretKnown } = input;
  const change = (found: WebhookSubscription | undefined, wanted: string[]): PlannedChange => {
    if (!found) return { action: 'create', topics: wanted };
    const reason = drift(found, url, wanted, secretKnown);
    const all = [...new Set([...found.topics, ...wanted])];
    return reason ? { action: 'update', id: found.id, topics: all, reason } : { action: 'keep', id: found.id, topics: found.topics };
  };
  if (input.grouping === 'combined')
    return [
      change(
        ours(existing, url, () => true),
        [...topics],
      ),
    ];
  return topics.map((topic) =>
    change(
      ours(existing, url, (s) => s.topics.includes(topic)),
      [topic],
    ),
  );
}
