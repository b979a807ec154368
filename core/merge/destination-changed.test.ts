// The merge's sync decision and the campaign sweep's skip (core/campaign/clock-changes.ts) together: a change the clock
// made lately, which the sweep has not served yet, reaches the destinations through the merge that replaces its due time.
import { describe, expect, it } from 'vitest';
import { nextDueAt } from '../campaign/due-time.js';
import { build, config, line, NOW } from '../../test/support/campaign-profiles.js';
import { tenant } from '../../test/support/events.js';
import { projectProfile } from '../projection.js';
import { destinationChanged } from './merge-service.js';

const campaigns = config();
const shop = { ...tenant(), campaigns };
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
/** A cart last touched `m` minutes ago: abandoned once the tenant's window (60 minutes) has passed. */
const cartFrom = (m: number) =>
  build({
    type: 'cart.updated',
    occurredAt: minutesAgo(m),
    data: { cartId: 'c1', currency: 'EUR', lines: [line('R8', 'cameras', 1899)], recoveryUrl: 'https://shop.example/c1' },
  });
/** The same person after an event that changes nothing a destination sees (a new version only). */
const touched = (p: ReturnType<typeof build>) => ({ ...p, version: p.version + 1 });
const projected = (p: ReturnType<typeof build>, at: Date) => projectProfile(p, { campaigns, now: at });

describe('destinationChanged', () => {
  it('syncs a profile whose cart the clock abandoned minutes ago, before the sweep served it', () => {
    const before = cartFrom(70);
    // The abandonment happened 10 minutes ago; the sweep's due time for it lies up to 75 minutes later.
    expect(projected(before, new Date(NOW.getTime() - 11 * 60_000)), 'the clock changed the projection').not.toEqual(
      projected(before, NOW),
    );
    expect(Date.parse(nextDueAt(before, campaigns, new Date(NOW.getTime() - 11 * 60_000))!)).toBeGreaterThanOrEqual(
      NOW.getTime() - 10 * 60_000,
    );
    expect(destinationChanged(shop, before, touched(before), { now: NOW })).toBe(true);
  });

  it('does not sync for a clock change the sweep has surely served (longer ago than its period and the grid)', () => {
    const before = cartFrom(60 + 180);
    expect(destinationChanged(shop, before, touched(before), { now: NOW })).toBe(false);
  });

  it('does not sync a profile the clock has not changed lately, and syncs a changed one', () => {
    const before = cartFrom(20);
    expect(destinationChanged(shop, before, touched(before), { now: NOW })).toBe(false);
    const bigger = cartFrom(20);
    const emptied = build({ type: 'cart.updated', occurredAt: minutesAgo(5), data: { cartId: 'c1', currency: 'EUR', lines: [] } });
    expect(destinationChanged(shop, bigger, emptied, { now: NOW })).toBe(true);
  });
});
