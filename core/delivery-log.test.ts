import { describe, expect, it } from 'vitest';
import { DELIVERY_LOG_LENGTH, decodeDeliveryLog, encodeDeliveryLog, withAttempt, type DeliveryAttempt } from './delivery-log.js';

const NOW = new Date('2026-12-06T12:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const at = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * DAY).toISOString();

describe('delivery log', () => {
  it('keeps the newest attempts first, at most ten', () => {
    let log: DeliveryAttempt[] = [];
    for (let i = 0; i < 15; i++) log = withAttempt(log, { at: at(15 - i), outcome: 'delivered', fields: [`f${i}`] }, NOW);
    expect(log).toHaveLength(DELIVERY_LOG_LENGTH);
    expect(log[0]!.fields).toEqual(['f14']);
    expect(log.at(-1)!.fields).toEqual(['f5']);
  });

  it('drops attempts older than 90 days when written and when read', () => {
    const old: DeliveryAttempt = { at: at(91), outcome: 'rejected', fields: [], reason: 'refused' };
    const recent: DeliveryAttempt = { at: at(1), outcome: 'delivered', fields: ['email'] };
    expect(decodeDeliveryLog(encodeDeliveryLog([recent, old]), NOW)).toEqual([recent]);
    expect(withAttempt([old], recent, NOW)).toEqual([{ ...recent, at: recent.at.replace(/\.\d+Z$/, 'Z') }]);
  });

  it('round-trips through its stored form and reads anything unreadable as no log', () => {
    const log: DeliveryAttempt[] = [
      { at: at(0), outcome: 'retrying', fields: ['email'], reason: 'Klaviyo unavailable: 503' },
      { at: at(1), outcome: 'skipped-consent', fields: [], reason: 'no email_marketing consent' },
    ];
    expect(decodeDeliveryLog(encodeDeliveryLog(log), NOW)).toEqual(log);
    expect(decodeDeliveryLog('{not json', NOW)).toEqual([]);
    expect(decodeDeliveryLog('[{"a":1}]', NOW)).toEqual([]);
    expect(decodeDeliveryLog(undefined, NOW)).toEqual([]);
  });

  it('caps the field names of an attempt, consent and the person first, so that a first push of every field stays small', () => {
    const fields = [...Array.from({ length: 60 }, (_, i) => `field${i}`), 'email', 'consentEmailMarketing'];
    const [entry] = withAttempt([], { at: at(0), outcome: 'delivered', fields }, NOW);
    expect(entry!.fields).toHaveLength(13);
    expect(entry!.fields.slice(0, 3)).toEqual(['consentEmailMarketing', 'email', 'field0']);
    expect(entry!.fields.at(-1)).toBe('+50 more');
  });
});
