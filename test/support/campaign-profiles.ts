// Profiles for the campaign unit tests, built through the merge engine's own applyEvent so they are realistic.
import { CanonicalEvent } from '../../core/events.js';
import { applyEvent, type ProfileEvent } from '../../core/merge/merge-event.js';
import { emptyProfile, type Profile } from '../../core/profile.js';
import { CampaignConfig } from '../../core/campaign/config.js';

let seq = 0;
export const NOW = new Date('2026-06-15T12:00:00Z');
export const DAY = 24 * 60 * 60 * 1000;
export const daysAgo = (d: number, from = NOW) => new Date(from.getTime() - d * DAY).toISOString();
export const config = (overrides: Record<string, unknown> = {}) => CampaignConfig.parse({ giftSeasons: [], ...overrides });

export function line(sku: string, category: string, price = 10, name = sku) {
  return { sku, name, category, quantity: 1, price };
}

export function build(...events: Array<Pick<CanonicalEvent, 'type' | 'data' | 'occurredAt'>>): Profile {
  return events.reduce(
    (p, e) =>
      applyEvent(
        p,
        CanonicalEvent.parse({
          tenantId: 'acme',
          source: { connector: 'shopify', instance: 'shop' },
          sourceEventId: `t-${++seq}`,
          receivedAt: e.occurredAt,
          identifiers: [{ type: 'email', value: 'a@example.com' }],
          ...e,
        }) as ProfileEvent,
        0,
      ),
    emptyProfile('acme', 'p1', '2020-01-01T00:00:00.000Z'),
  );
}

export function order(at: string, lines: (ReturnType<typeof line> & { gift?: boolean })[], extra: Record<string, unknown> = {}) {
  return {
    type: 'order.placed',
    occurredAt: at,
    data: {
      orderId: `o-${++seq}`,
      channel: 'web',
      currency: 'EUR',
      total: lines.reduce((s, l) => s + l.price, 0),
      placedAt: at,
      status: 'paid',
      lines,
      ...extra,
    },
  } as Pick<CanonicalEvent, 'type' | 'data' | 'occurredAt'>;
}

export function activity(
  type: 'search.performed' | 'product.viewed' | 'email.engaged' | 'survey.answered',
  at: string,
  data: Record<string, string>,
) {
  return { type, occurredAt: at, data } as Pick<CanonicalEvent, 'type' | 'data' | 'occurredAt'>;
}
