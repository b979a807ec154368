import { describe, expect, it } from 'vitest';
import { CampaignConfig, DestinationFieldMapping } from './config.js';
import { destinationName, selectFields, withPurposeConsent } from './field-mapping.js';
import { contactsWithin, triggeredCampaigns } from './frequency-cap.js';
import { NOW, daysAgo } from '../../test/support/campaign-profiles.js';

const at = { source: 'shop', at: '2026-01-01T00:00:00.000Z', eventId: 'e', priority: 0 };

describe('purpose consent', () => {
  const fields = { email: 'a@x', crossSell1Sku: 'WHEY', rfm: '555', segmentLoyal: true, segmentLapsed: true };
  it('blanks personalisation and profiling fields without that consent, keeps the rest', () => {
    expect(withPurposeConsent(fields, { email_marketing: { ...at, granted: true } }, 'email_marketing')).toEqual({
      email: 'a@x',
      crossSell1Sku: null,
      rfm: null,
      segmentLoyal: null,
      segmentLapsed: true,
    });
    expect(
      withPurposeConsent(fields, { personalisation: { ...at, granted: true }, profiling: { ...at, granted: true } }, 'email_marketing'),
    ).toEqual(fields);
  });
  it('treats the next job as personalisation: sent only with that consent', () => {
    const job = { nextJob: 'bathroom', nextJobReason: 'viewed tiles ×2', nextJobConfidence: 0.67 };
    expect(withPurposeConsent(job, { email_marketing: { ...at, granted: true } }, 'email_marketing')).toEqual({
      nextJob: null,
      nextJobReason: null,
      nextJobConfidence: null,
    });
    expect(withPurposeConsent(job, { personalisation: { ...at, granted: true } }, 'email_marketing')).toEqual(job);
  });
  it('needs no second consent when the destination’s own purpose is the field’s (a DMP for personalisation)', () => {
    expect(withPurposeConsent(fields, {}, 'personalisation').crossSell1Sku).toBe('WHEY');
  });
});

describe('field mapping', () => {
  const mapping = DestinationFieldMapping.parse({ fields: { segmentLapsed: 'WeMissYou', rfm: null } });
  it('renames and leaves out per destination; email and consent always travel', () => {
    expect(selectFields({ email: 'a', consentEmailMarketing: true, segmentLapsed: true, rfm: '555', other: 1 }, mapping)).toEqual({
      email: 'a',
      consentEmailMarketing: true,
      segmentLapsed: true,
      other: 1,
    });
    expect(selectFields({ email: 'a', consentEmailMarketing: true, segmentLapsed: true, other: 1 }, { ...mapping, only: true })).toEqual({
      email: 'a',
      consentEmailMarketing: true,
      segmentLapsed: true,
    });
    expect(destinationName('segmentLapsed', mapping)).toBe('WeMissYou');
  });
  it('refuses to rename a consent field', () => {
    expect(DestinationFieldMapping.safeParse({ fields: { consentEmailMarketing: 'optin' } }).success).toBe(false);
  });
  it('keeps existing configs valid: every campaign setting has a default', () => {
    expect(CampaignConfig.parse(undefined)).toMatchObject({
      segments: { newWithinDays: 30 },
      abandonedCart: { windowMinutes: 60 },
      crossSell: { max: 3 },
      frequency: { windowDays: 30 },
    });
  });
});

describe('frequency cap', () => {
  it('counts contacts within the window', () => {
    const contacts = [daysAgo(1), daysAgo(29), daysAgo(31)].map((t) => ({ campaign: 'c', instance: 'x', at: t }));
    expect(contactsWithin(contacts, NOW, 30)).toBe(2);
  });
  it('starts a campaign when its trigger turns truthy, not again while it stays so, never for the holdout', () => {
    const campaigns = [{ id: 'win-back', controlShare: 0.1, trigger: 'segmentLapsed', measureDays: 30 }];
    expect(triggeredCampaigns(campaigns, { segmentLapsed: false }, { segmentLapsed: true, holdoutWinBack: false })).toEqual(['win-back']);
    expect(triggeredCampaigns(campaigns, { segmentLapsed: true }, { segmentLapsed: true, holdoutWinBack: false })).toEqual([]);
    expect(triggeredCampaigns(campaigns, undefined, { segmentLapsed: true, holdoutWinBack: true })).toEqual([]);
  });
});
