import { describe, expect, it } from 'vitest';
import type { WebhookSubscription } from '../../connectors/sdk/index.js';
import { planSubscriptions, type PlanInput } from './plan.js';

const URL_NOW = 'https://api.example/webhooks/acme/shop';
const sub = (id: string, topics: string[], extra: Partial<WebhookSubscription> = {}): WebhookSubscription => ({
  id,
  url: URL_NOW,
  topics,
  active: true,
  status: 'active',
  ...extra,
});
const plan = (existing: WebhookSubscription[], extra: Partial<PlanInput> = {}) =>
  planSubscriptions({ url: URL_NOW, topics: ['a', 'b'], grouping: 'per-topic', existing, secretKnown: true, ...extra });

describe('planSubscriptions', () => {
  it('creates what is missing and keeps what is right, one per topic', () => {
    expect(plan([sub('1', ['a'])])).toEqual([
      { action: 'keep', id: '1', topics: ['a'] },
      { action: 'create', topics: ['b'] },
    ]);
  });

  it('changes nothing when every topic is subscribed, active and here', () => {
    expect(plan([sub('1', ['a']), sub('2', ['b'])]).every((c) => c.action === 'keep')).toBe(true);
  });

  it('reactivates a disabled subscription instead of adding a second one', () => {
    expect(plan([sub('1', ['a'], { active: false, status: 'disabled' }), sub('2', ['b'])])[0]).toEqual({
      action: 'update',
      id: '1',
      topics: ['a'],
      reason: 'is disabled',
    });
  });

  it('moves our subscription from an earlier address (same path) and leaves other apps alone', () => {
    const moved = sub('1', ['a'], { url: 'https://old-tunnel.example/webhooks/acme/shop' });
    const foreign = sub('9', ['b'], { url: 'https://someone-else.example/hook' });
    expect(plan([moved, foreign])).toEqual([
      { action: 'update', id: '1', topics: ['a'], reason: 'delivers to https://old-tunnel.example/webhooks/acme/shop' },
      { action: 'create', topics: ['b'] },
    ]);
  });

  it('prefers the exact, active subscription when there are several', () => {
    const stale = sub('1', ['a'], { url: 'https://old.example/webhooks/acme/shop' });
    expect(plan([stale, sub('2', ['a']), sub('3', ['b'])])[0]).toEqual({ action: 'keep', id: '2', topics: ['a'] });
  });

  it('adds missing event types to one combined subscription', () => {
    expect(plan([sub('1', ['a', 'x'])], { grouping: 'combined' })).toEqual([
      { action: 'update', id: '1', topics: ['a', 'x', 'b'], reason: 'lacks b' },
    ]);
    expect(plan([], { grouping: 'combined' })).toEqual([{ action: 'create', topics: ['a', 'b'] }]);
  });

  it('updates subscriptions that sign with a secret this stack does not hold', () => {
    expect(plan([sub('1', ['a']), sub('2', ['b'])], { secretKnown: false }).map((c) => c.action)).toEqual(['update', 'update']);
  });
});

describe('planSubscriptions and a secret the vendor shows', () => {
  it('updates a subscription whose secret no longer matches the instance secret', () => {
    expect(plan([sub('1', ['a'], { secretMatches: false }), sub('2', ['b'], { secretMatches: true })])).toEqual([
      { action: 'update', id: '1', topics: ['a'], reason: "signs with a secret that no longer matches the instance's secret" },
      { action: 'keep', id: '2', topics: ['b'] },
    ]);
  });
});
