import { describe, expect, it } from 'vitest';
import { holdoutPosition } from '../campaign/control-group.js';
import { computeTenantStats } from '../campaign/tenant-stats.js';
import type { CanonicalEvent } from '../events.js';
import { activity, build, config, daysAgo, line, NOW, order } from '../../test/support/campaign-profiles.js';
import { EMPTY_ANSWER, personalizeAnswer } from './answer.js';

const drill = line('DRILL', 'drills', 90, 'Drill');
const bits = line('BITS', 'drill-bits', 15, 'Drill bits');
const plugs = line('PLUGS', 'plugs', 5, 'Wall plugs');
const paint = line('PAINT', 'paint', 30, 'Paint');
const roller = line('ROLLER', 'paint-tools', 8, 'Roller');
const stats = computeTenantStats(
  'acme',
  [
    build(order(daysAgo(200), [drill, bits, plugs])),
    build(order(daysAgo(200), [drill, bits, plugs])),
    build(order(daysAgo(200), [paint, roller])),
    build(order(daysAgo(200), [paint, roller])),
  ],
  config(),
  NOW,
);
const consent = (purpose: string, granted = true) =>
  ({ type: 'consent.changed', occurredAt: daysAgo(30), data: { purpose, granted } }) as Pick<
    CanonicalEvent,
    'type' | 'data' | 'occurredAt'
  >;
const cart = (at: string, lines: ReturnType<typeof line>[]) =>
  ({
    type: 'cart.updated',
    occurredAt: at,
    data: { cartId: 'c-1', currency: 'EUR', lines, recoveryUrl: 'https://shop.example/cart/recover?token=secret' },
  }) as Pick<CanonicalEvent, 'type' | 'data' | 'occurredAt'>;
const answer = (p: ReturnType<typeof build>, campaigns = config()) => personalizeAnswer(p, { campaigns, now: NOW, stats });

describe('personalize answer', () => {
  it('suggests what others bought with the purchase, never what was just bought, each with its reason', () => {
    const a = answer(build(consent('personalisation'), order(daysAgo(2), [drill])));
    expect(a.suggestions).toEqual([
      { sku: 'BITS', name: 'Drill bits', reason: 'bought-with:Drill' },
      { sku: 'PLUGS', name: 'Wall plugs', reason: 'bought-with:Drill' },
    ]);
    expect(a.suggestions.map((s) => s.sku)).not.toContain('DRILL');
    expect(a.segments).toEqual(['new']);
  });

  it('leads with the category the visitor just looked at on the site', () => {
    const a = answer(
      build(consent('personalisation'), activity('product.viewed', daysAgo(0.1), { productId: 'PAINT', category: 'paint' })),
    );
    expect(a.suggestions[0]).toEqual({ sku: 'PAINT', name: 'Paint', reason: 'viewed:paint' });
  });

  it('answers nothing personal for a profile without personalisation consent, unless the tenant turned purpose consent off', () => {
    const p = build(order(daysAgo(2), [drill]));
    expect(answer(p)).toEqual(EMPTY_ANSWER);
    expect(answer(build(consent('personalisation', false), order(daysAgo(2), [drill])))).toEqual(EMPTY_ANSWER);
    expect(answer(p, config({ purposeConsent: false })).suggestions.length).toBeGreaterThan(0);
  });

  it('shows the open cart by SKU with no recovery URL, and its survey follow-up once the cart counts as abandoned', () => {
    const fresh = answer(build(consent('personalisation'), cart(new Date(NOW.getTime() - 5 * 60_000).toISOString(), [paint])));
    expect(fresh.cart).toEqual({
      lines: [{ sku: 'PAINT', name: 'Paint', quantity: 1, price: 30 }],
      value: 30,
      currency: 'EUR',
      reason: null,
      followUp: null,
    });
    const left = answer(
      build(
        consent('personalisation'),
        cart(daysAgo(1), [paint]),
        activity('survey.answered', daysAgo(0.5), { question: 'cart-abandon-reason', answer: 'Price' }),
      ),
    );
    expect(left.cart).toMatchObject({ reason: 'price', followUp: config().abandonedCart.followUps.price });
    expect(JSON.stringify(left)).not.toContain('recover');
  });

  it('drops the cart once an order follows it', () => {
    const a = answer(build(consent('personalisation'), cart(daysAgo(1), [paint]), order(daysAgo(0.5), [paint])));
    expect(a.cart).toBeNull();
  });

  it('gives the likely next job with its reason, and no e-mail, name, city or profile id', () => {
    const jobs = config({ nextJob: { jobs: [{ id: 'painting', categories: ['paint', 'paint-tools'] }], minConfidence: 0 } });
    const p = build(
      consent('personalisation'),
      activity('search.performed', daysAgo(1), { query: 'verf', category: 'paint' }),
      activity('product.viewed', daysAgo(1), { productId: 'ROLLER', category: 'paint-tools' }),
      {
        type: 'customer.upserted',
        occurredAt: daysAgo(1),
        data: { firstName: 'Ann', lastName: 'Visser', email: 'a@example.com', address: { city: 'Utrecht' } },
      } as Pick<CanonicalEvent, 'type' | 'data' | 'occurredAt'>,
    );
    const a = answer(p, jobs);
    expect(a.nextJob).toMatchObject({ job: 'painting' });
    expect(a.nextJob?.reason).toMatch(/paint/);
    for (const personal of ['a@example.com', 'Ann', 'Visser', 'Utrecht', p.profileId]) expect(JSON.stringify(a)).not.toContain(personal);
  });

  it('leaves out the next job for the control group of a campaign that personalises it', () => {
    const p = build(consent('personalisation'), activity('search.performed', daysAgo(1), { query: 'verf', category: 'paint' }));
    // A campaign id whose holdout hash puts this profile in a control group of half the audience.
    const id = ['diy', 'diy-2', 'diy-3', 'diy-4', 'diy-5', 'diy-6'].find((c) => holdoutPosition('acme', c, p.profileId) < 0.5)!;
    const jobs = (share: number) =>
      config({
        nextJob: { jobs: [{ id: 'painting', categories: ['paint'] }], minConfidence: 0 },
        campaigns: [{ id, controlShare: share, holdout: 'generic-mail', personalises: ['nextJob'] }],
      });
    expect(answer(p, jobs(0)).nextJob).toMatchObject({ job: 'painting' });
    expect(answer(p, jobs(0.5)).nextJob).toBeNull();
  });

  it('answers the empty answer for nobody', () => {
    expect(personalizeAnswer(undefined, { campaigns: config(), now: NOW, stats })).toEqual({
      segments: [],
      suggestions: [],
      cart: null,
      nextJob: null,
    });
  });
});
