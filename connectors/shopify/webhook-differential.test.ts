// Our verifier against Shopify's own (@shopify/shopify-api 13, the last line for Node 20): they must agree.
import '@shopify/shopify-api/adapters/web-api';
import { ApiVersion, LogSeverity, shopifyApi } from '@shopify/shopify-api';
import { describe, expect, it } from 'vitest';
import { SignatureInvalid } from '../sdk/index.js';
import { verifyShopifyWebhook } from './webhook.js';
import { deliveryHeaders, fixtureText, secrets, WEBHOOK_URL } from './test-support.js';
import { signShopifyWebhook } from './simulator.js';

const official = shopifyApi({
  apiKey: 'syncline-test',
  apiSecretKey: secrets.webhookSecret,
  apiVersion: ApiVersion.October25,
  hostName: 'hooks.syncline.example',
  isEmbeddedApp: false,
  logger: { level: LogSeverity.Error, log: async () => {} },
});

async function theyAgree(body: Buffer, headers: Record<string, string>): Promise<boolean> {
  const ours = (() => {
    try {
      verifyShopifyWebhook({ method: 'POST', url: WEBHOOK_URL, headers, rawBody: body }, secrets);
      return true;
    } catch (error) {
      if (!(error instanceof SignatureInvalid)) throw error;
      return false;
    }
  })();
  const request = new Request(WEBHOOK_URL, { method: 'POST', headers, body });
  const theirs = await official.webhooks.validate({ rawBody: body.toString('utf8'), rawRequest: request });
  // The official check also wants its routing headers; we compare only what the signature decides.
  const theirsValid = theirs.valid || (theirs as { reason?: string }).reason === 'missing_headers';
  expect(ours, `ours vs @shopify/shopify-api (${JSON.stringify(theirs)})`).toBe(theirsValid);
  return ours;
}

const files = ['customers-create.json', 'orders-create.json', 'checkouts-create.json', 'customers-redact.json', 'shop-redact.json'];

describe('Shopify webhook verification agrees with @shopify/shopify-api', () => {
  for (const file of files) {
    it(`on ${file}: genuine, tampered, wrong secret, unsigned`, async () => {
      const body = Buffer.from(fixtureText(file));
      const headers = deliveryHeaders('customers/create');
      const signature = signShopifyWebhook(body, secrets.webhookSecret);
      expect(await theyAgree(body, { ...headers, ...signature })).toBe(true);

      const tampered = Buffer.from(body);
      tampered[10] = (tampered[10] ?? 0) ^ 1;
      expect(await theyAgree(tampered, { ...headers, ...signature })).toBe(false);
      expect(await theyAgree(body, { ...headers, ...signShopifyWebhook(body, 'another-secret') })).toBe(false);
      expect(await theyAgree(body, headers)).toBe(false);
    });
  }

  it('on the un-prefixed header of Events deliveries', async () => {
    const body = Buffer.from(fixtureText('orders-create.json'));
    const hmac = signShopifyWebhook(body, secrets.webhookSecret)['x-shopify-hmac-sha256']!;
    const events = { 'shopify-hmac-sha256': hmac, 'shopify-topic': 'orders/create', 'shopify-shop-domain': 'syncline-demo.myshopify.com' };
    expect(await theyAgree(body, events)).toBe(true);
    expect(await theyAgree(body, { ...events, 'shopify-hmac-sha256': signShopifyWebhook(body, 'x')['x-shopify-hmac-sha256']! })).toBe(
      false,
    );
  });
});
