import { describe, expect, it } from 'vitest';
import type { EventOf } from '../events.js';
import { emptyProfile, type Profile } from '../profile.js';
import { event } from '../../test/support/events.js';
import { applyEvent, type ProfileEvent } from './merge-event.js';

const consent = (id: string, at: string, granted: boolean, how: 'form' | 'unsubscribe' | 'order'): ProfileEvent =>
  event({
    type: 'consent.changed',
    sourceEventId: id,
    occurredAt: at,
    identifiers: [{ type: 'email', value: 'anna@example.com' }],
    data: {
      purpose: 'email_marketing',
      granted,
      method: how,
      ...(how === 'order' ? { implied: true as const } : {}),
    },
  } as Omit<EventOf<'consent.changed'>, 'tenantId' | 'receivedAt' | 'source'>) as ProfileEvent;

const apply = (events: readonly ProfileEvent[]): Profile =>
  events.reduce((p, e) => applyEvent(p, e, 0), emptyProfile('acme', 'p1', '2026-01-01T00:00:00.000Z'));
const granted = (events: readonly ProfileEvent[]) => apply(events).consent.email_marketing?.granted;

const permutations = <T>(items: readonly T[]): T[][] =>
  items.length <= 1
    ? [[...items]]
    : items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((r) => [x, ...r]));

const unsubscribe = consent('unsub', '2026-03-01T10:00:00Z', false, 'unsubscribe');
const lateOrder = consent('order', '2026-03-05T10:00:00Z', true, 'order');
const laterForm = consent('form', '2026-03-03T10:00:00Z', true, 'form');

describe('consent precedence (issue 22)', () => {
  it('an order-implied consent after an explicit unsubscribe grants nothing', () => {
    expect(granted([unsubscribe, lateOrder])).toBe(false);
    expect(granted([lateOrder, unsubscribe])).toBe(false);
  });

  it('an explicit grant made after the withdrawal overrides it, and an explicit withdrawal after an implied grant holds', () => {
    expect(granted([unsubscribe, laterForm])).toBe(true);
    expect(granted([consent('o', '2026-02-01T00:00:00Z', true, 'order'), unsubscribe])).toBe(false);
  });

  it('an implied grant counts when no explicit withdrawal stands (nothing explicit, or an explicit grant before it)', () => {
    expect(granted([lateOrder])).toBe(true);
    expect(apply([unsubscribe, laterForm, lateOrder]).consent.email_marketing).toMatchObject({ granted: true, eventId: 'order' });
  });

  it('ends in the same consent record whatever the order the facts arrive in', () => {
    const facts = [unsubscribe, laterForm, lateOrder, consent('unsub2', '2026-03-04T10:00:00Z', false, 'unsubscribe')];
    const results = permutations(facts).map((order) => apply(order).consent.email_marketing);
    expect(results[0]).toMatchObject({ granted: false, eventId: 'unsub2' });
    for (const result of results) expect(result).toEqual(results[0]);
  });
});
