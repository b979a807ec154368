import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SynclineConfig } from '../../core/config.js';
import { defineConnector, type WebhookSubscription } from '../../connectors/sdk/index.js';
import { silentLogger } from '../../test/support/lambda-events.js';
import { connectInstance, type SecretWriter } from './connect.js';

const URL_HERE = 'https://api.example/webhooks/acme/shop';
const config = SynclineConfig.parse({
  tenants: [{ id: 'acme', instances: [{ id: 'shop', connector: 'fake', webhooks: true }] }],
});

/** A vendor that takes the secret syncline generates, and whose create can crash half-way (the process dies). */
function setup(options: { crashOnCreate?: boolean; issuedBy?: 'syncline' | 'vendor' } = {}) {
  const steps: string[] = [];
  const held: Record<string, Record<string, string>> = { 'acme/shop': { apiKey: 'key' } };
  const vendor: WebhookSubscription[] = [];
  const connector = defineConnector<Record<string, never>, { apiKey: string; webhookSecret: string }>({
    name: 'fake',
    kind: 'shop',
    description: 'a fake vendor',
    settingsSchema: z.object({}) as never,
    secretsSchema: z.object({ apiKey: z.string(), webhookSecret: z.string() }),
    verifyWebhook: () => {},
    parseWebhook: () => [],
    subscriptions: {
      topics: ['a'],
      grouping: 'combined',
      signingSecret: { key: 'webhookSecret', issuedBy: options.issuedBy ?? 'syncline' },
      list: async () => [...vendor],
      async create(_context, target) {
        steps.push(`create with ${target.secret === undefined ? 'no secret' : 'a secret'}`);
        const subscription = { id: '1', url: target.url, topics: target.topics, active: true, status: 'active' };
        vendor.push(subscription);
        if (options.crashOnCreate) throw new Error('the process died after the vendor created the subscription');
        return { subscription, ...(options.issuedBy === 'vendor' ? { issuedSecret: 'issued-by-vendor' } : {}) };
      },
      update: async () => {
        throw new Error('not used');
      },
    },
  });
  const writer: SecretWriter = {
    describe: (t, i) => `secrets "${t}/${i}"`,
    async merge(t, i, values) {
      steps.push(`store ${Object.keys(values).join(',')}`);
      held[`${t}/${i}`] = { ...held[`${t}/${i}`], ...values };
    },
  };
  const deps = {
    config,
    connectors: { fake: connector },
    secrets: { get: async (t: string, i: string) => held[`${t}/${i}`] },
    writer,
    log: silentLogger,
  };
  return { steps, held, vendor, connect: () => connectInstance(deps, 'acme', 'shop', URL_HERE, { apply: true }) };
}

describe('connectInstance stores the signing secret before the vendor holds a subscription signing with it', () => {
  it('stores a secret syncline generates before creating the subscription', async () => {
    const { steps, held, connect } = setup();
    const outcome = await connect();
    expect(steps).toEqual(['store webhookSecret', 'create with a secret']);
    expect(outcome).toMatchObject({ kind: 'applied', storedSecret: { key: 'webhookSecret' } });
    expect(held['acme/shop']?.webhookSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('keeps the secret when the process dies between the vendor creating the subscription and the answer', async () => {
    const { held, vendor, connect } = setup({ crashOnCreate: true });
    expect(await connect()).toMatchObject({ kind: 'vendor-failed' });
    // The vendor holds a subscription; the secret it signs with is in the instance's secret.
    expect(vendor).toHaveLength(1);
    expect(held['acme/shop']?.webhookSecret).toBeDefined();
  });

  it('stores a secret the vendor issues as soon as it is issued', async () => {
    const { steps, held, connect } = setup({ issuedBy: 'vendor' });
    await connect();
    expect(steps).toEqual(['create with no secret', 'store webhookSecret']);
    expect(held['acme/shop']?.webhookSecret).toBe('issued-by-vendor');
  });
});
