import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import type { CanonicalEvent } from '../../core/events.js';
import { sealSurveyAnswer } from '../../core/campaign/survey/survey-token.js';
import { MemoryQueue, memoryLogger } from '../../test/support/memory-ports.js';
import { answerSurvey, isLinkScanner } from './answer-survey.js';

const NOW = new Date('2026-12-06T10:00:00Z');
const secret = Buffer.from('a-survey-key-of-at-least-32-characters!!');
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const config = SynclineConfig.parse({
  tenants: [
    {
      id: 'cameras',
      instances: [{ id: 'shopify', connector: 'shopify' }],
      campaigns: { survey: { enabled: true, thankYouUrl: 'https://camera.example/thanks' } },
    },
    { id: 'quiet', instances: [{ id: 'shopify', connector: 'shopify' }] },
  ],
});
const token = (answer = 'price', expires = NOW.getTime() / 1000 + 3600, tenant = 'cameras') =>
  sealSurveyAnswer(secret, tenant, {
    ref: { type: 'customerId:shopify', value: '207119551' },
    question: 'cart-abandon-reason',
    answer,
    cartId: 'cart-1',
    expires,
  });

function setup(fail = false) {
  const events = new MemoryQueue<CanonicalEvent>();
  if (fail) events.send = async () => Promise.reject(new Error('queue down'));
  const deps = { config, secret: async () => secret, events, log: memoryLogger(), now: () => NOW };
  const follow = (t: string, method = 'GET', userAgent: string | undefined = BROWSER, tenantId = 'cameras') =>
    answerSurvey(deps, { method, tenantId, token: t, userAgent });
  return { events, follow };
}

describe('answering the survey by a link', () => {
  it('records survey.answered for the sealed person, question and answer, and redirects 303 to the thank-you page', async () => {
    const { events, follow } = setup();
    const response = await follow(token());
    expect(response.statusCode).toBe(303);
    expect(response.headers).toMatchObject({
      location: 'https://camera.example/thanks',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    expect(events.sent).toEqual([
      expect.objectContaining({
        tenantId: 'cameras',
        source: { connector: 'survey', instance: 'survey' },
        type: 'survey.answered',
        identifiers: [{ type: 'customerId:shopify', value: '207119551' }],
        data: { question: 'cart-abandon-reason', answer: 'price' },
        occurredAt: NOW.toISOString(),
      }),
    ]);
  });

  it('gives a replay of the same link the same event id, and another answer another one', async () => {
    const { events, follow } = setup();
    await follow(token());
    await follow(token());
    await follow(token('product'));
    const ids = events.sent.map((e) => e.sourceEventId);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('answers a forged, truncated or foreign-tenant token with 404 and an expired one with 410, recording nothing', async () => {
    const { events, follow } = setup();
    const good = token();
    for (const bad of [`${good.slice(0, -2)}AA`, good.slice(0, 30), token('price', undefined, 'quiet'), 'not-a-token'])
      expect((await follow(bad)).statusCode, bad.slice(0, 12)).toBe(404);
    const expired = await follow(token('price', NOW.getTime() / 1000 - 1));
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('expired');
    expect(events.sent).toEqual([]);
  });

  it('answers an unknown tenant and a tenant without the survey like a bad token (404)', async () => {
    const { follow } = setup();
    expect((await follow(token(), 'GET', BROWSER, 'nobody')).statusCode).toBe(404);
    expect((await follow(token('price', undefined, 'quiet'), 'GET', BROWSER, 'quiet')).statusCode).toBe(404);
  });

  it('records nothing for HEAD nor for a link scanner, which gets a confirm page whose POST records the answer', async () => {
    const { events, follow } = setup();
    expect((await follow(token(), 'HEAD')).statusCode).toBe(200);
    for (const ua of ['Mozilla/5.0 (compatible; Proofpoint URL Defense)', 'Mozilla/5.0 (compatible; BingPreview/1.0b)', '']) {
      const page = await follow(token(), 'GET', ua);
      expect(page.statusCode, ua).toBe(200);
      expect(page.body, ua).toContain('<form method="post">');
    }
    expect(events.sent).toEqual([]);
    expect((await follow(token(), 'POST', 'Mozilla/5.0 (compatible; Proofpoint URL Defense)')).statusCode).toBe(303);
    expect(events.sent).toHaveLength(1);
  });

  it('tells scanners that name themselves from browsers', () => {
    expect(isLinkScanner(BROWSER)).toBe(false);
    expect(isLinkScanner('Mozilla/5.0 (compatible; BingPreview/1.0b)')).toBe(true);
    expect(isLinkScanner('python-requests/2.31')).toBe(true);
    expect(isLinkScanner('')).toBe(true);
  });

  it('answers 503 (retry) when the queue is down, never a bare 5xx from a bad token', async () => {
    const { follow } = setup(true);
    const response = await follow(token());
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('60');
  });
});
