import { describe, expect, it } from 'vitest';
import { CampaignConfig } from '../config.js';
import { emptyProfile } from '../../profile.js';
import type { AbandonedCart } from '../abandoned-cart.js';
import { openSurveyAnswer } from './survey-token.js';
import { MAX_LINK_LENGTH, surveyLinkFields } from './survey-links.js';

const secret = Buffer.from('0123456789abcdef0123456789abcdef-survey-key');
const campaigns = CampaignConfig.parse({ survey: { enabled: true } });
const cart = {
  cart: { cartId: 'c1f3a9e0b7d24c8e9a5f6b1d2e3f4a5b', at: '2026-12-06T10:00:00Z', lines: [] },
  value: 10,
  lines: '1× Camera',
  reason: null,
  followUp: 'reminder',
} as unknown as AbandonedCart;
const BASE = 'https://abcdef1234.execute-api.eu-west-1.amazonaws.com/prod';

function profileWith(identifiers: { type: string; value: string }[]) {
  const at = '2026-12-01T00:00:00Z';
  return {
    ...emptyProfile('a-long-tenant-name-of-forty-characters-x', 'p1', at),
    identifiers: identifiers.map((i) => ({ ...i, source: 'shopify', at })),
  };
}

describe('survey answer links', () => {
  it('fits every link in a 255-character merge field and answers by the shop customer id before the e-mail address', () => {
    const profile = profileWith([
      { type: 'email', value: 'carla@camera.example' },
      { type: 'customerId:shopify', value: '207119551' },
    ]);
    const fields = surveyLinkFields(profile, cart, campaigns, { secret, baseUrl: `${BASE}/` });
    expect(Object.keys(fields).sort()).toEqual([
      'abandonedCartAnswerPriceUrl',
      'abandonedCartAnswerProductUrl',
      'abandonedCartAnswerSupplierUrl',
    ]);
    for (const url of Object.values(fields) as string[]) {
      expect(url.length).toBeLessThanOrEqual(MAX_LINK_LENGTH);
      expect(url.startsWith(`${BASE}/r/a-long-tenant-name-of-forty-characters-x/`)).toBe(true);
      const opened = openSurveyAnswer(secret, profile.tenantId, url.split('/').at(-1)!, new Date('2026-12-07T00:00:00Z'));
      expect(opened.ok && opened.claim.ref).toEqual({ type: 'customerId:shopify', value: '207119551' });
    }
  });

  it('falls back to another identifier when the first would make a link too long, and blanks the links when none fits', () => {
    const long = `${'x'.repeat(150)}@example.com`;
    const fits = surveyLinkFields(
      profileWith([
        { type: 'customerId:shopify', value: 'y'.repeat(160) },
        { type: 'email', value: 'carla@camera.example' },
      ]),
      cart,
      campaigns,
      { secret, baseUrl: BASE },
    );
    const token = (fits.abandonedCartAnswerPriceUrl as string).split('/').at(-1)!;
    const opened = openSurveyAnswer(secret, 'a-long-tenant-name-of-forty-characters-x', token, new Date('2026-12-07T00:00:00Z'));
    expect(opened.ok && opened.claim.ref.type).toBe('email');
    const none = surveyLinkFields(profileWith([{ type: 'email', value: long }]), cart, campaigns, { secret, baseUrl: BASE });
    expect(Object.values(none)).toEqual([null, null, null]);
  });
});
