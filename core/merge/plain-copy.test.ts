import { describe, expect, it } from 'vitest';
import type { EventOf } from '../events.js';
import { emptyProfile } from '../profile.js';
import { event } from '../../test/support/events.js';
import { applyEvent, plainCopy, type ProfileEvent } from './merge-event.js';

// The records applyEvent builds onto `{}` (Object.assign, for a hidden class shared between records) must hold what the
// object spreads built: the same own properties, in the same order, with the same values.
describe('records built without a spread', () => {
  it('plainCopy keeps the own properties and their order, an own "__proto__" (from JSON.parse) included', () => {
    const parsed = JSON.parse('{"b":1,"__proto__":{"x":1},"a":[2]}') as Record<string, unknown>;
    expect(Object.hasOwn(plainCopy(parsed), '__proto__')).toBe(true);
    expect(JSON.stringify(plainCopy(parsed))).toBe(JSON.stringify({ ...parsed }));
    expect(Object.getPrototypeOf(plainCopy(parsed))).toBe(Object.prototype);
    const plain = { z: 1, y: undefined, x: 'x' };
    expect(Object.entries(plainCopy(plain))).toEqual(Object.entries({ ...plain }));
  });

  it('an order whose payload carries an own "__proto__" is stored as the spread stored it', () => {
    const data = JSON.parse(
      '{"orderId":"o1","__proto__":{"polluted":true},"channel":"web","currency":"EUR","total":5,"placedAt":"2026-03-01T10:00:00.000Z","status":"paid","lines":[]}',
    ) as EventOf<'order.placed'>['data'];
    // The event schema strips such a key: only an event that bypassed it (replayed from storage) can carry one.
    const parsed = event({
      type: 'order.placed',
      sourceEventId: 'o1',
      occurredAt: '2026-03-01T10:00:00.000Z',
      identifiers: [{ type: 'email', value: 'anna@example.com' }],
      data: { ...data },
    } as Omit<EventOf<'order.placed'>, 'tenantId' | 'receivedAt' | 'source'>);
    const order = { ...parsed, data } as ProfileEvent;
    const stored = Object.values(applyEvent(emptyProfile('acme', 'p1', '2026-01-01T00:00:00.000Z'), order, 0).orders)[0]!;
    expect(Object.hasOwn(stored, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
    expect(Object.keys(stored)).toEqual([
      'source',
      'at',
      'eventId',
      'priority',
      'orderId',
      '__proto__',
      'channel',
      'currency',
      'total',
      'placedAt',
      'status',
      'lines',
    ]);
  });
});
