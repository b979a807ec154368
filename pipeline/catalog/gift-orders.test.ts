// Gifts from WooCommerce and Lightspeed eCom orders reach the secondary profile: an order shipped to someone other
// than the buyer, delivered by the shop's signed webhook, categorised from the catalog at merge time, counts for
// revenue but its categories stay out of the buyer's own interests (core/campaign/secondary-profile.ts).
import { describe, expect, it } from 'vitest';
import { CampaignConfig } from '../../core/campaign/config.js';
import { computeTraits } from '../../core/campaign/traits.js';
import { SynclineConfig } from '../../core/config.js';
import type { CanonicalEvent } from '../../core/events.js';
import { InMemoryProfileRepository } from '../../core/identity/in-memory-profile-repository.js';
import type { PushMessage } from '../../core/ports.js';
import { lightspeedEcom } from '../../connectors/lightspeed-ecom/index.js';
import { generateSampleShop } from '../../connectors/lightspeed-ecom/sample-shop.js';
import * as ecom from '../../connectors/lightspeed-ecom/test-support.js';
import { woocommerce } from '../../connectors/woocommerce/index.js';
import * as woo from '../../connectors/woocommerce/test-support.js';
import { InMemoryCatalog } from '../../test/support/in-memory-catalog.js';
import { MemoryQueue, MemoryStatus, memoryLogger } from '../../test/support/memory-ports.js';
import { completeEvents } from '../complete-event.js';
import { createInstanceResolver } from '../instances.js';
import { mergeBatch } from '../merge-batch.js';

type Json = Record<string, unknown>;
const config = SynclineConfig.parse({
  tenants: [
    {
      id: 'acme',
      instances: [
        { id: 'woo', connector: 'woocommerce', webhooks: true, settings: { storeUrl: 'https://example.com/' } },
        { id: 'webshop', connector: 'lightspeed-ecom', webhooks: true, settings: { currency: 'EUR' } },
      ],
    },
  ],
});
const campaigns = CampaignConfig.parse({ giftSeasons: [] });

function setup() {
  const log = memoryLogger();
  const profiles = new InMemoryProfileRepository();
  const deps = {
    instances: createInstanceResolver({ config, connectors: { woocommerce, lightspeedEcom }, secrets: { get: async () => ({}) }, log }),
    profiles,
    push: new MemoryQueue<PushMessage>(),
    status: new MemoryStatus(),
    log,
    catalog: new InMemoryCatalog(),
  };
  let n = 0;
  const merge = async (events: CanonicalEvent[]) => {
    const result = await mergeBatch(
      deps,
      events.map((e) => ({ id: `m${n++}`, body: JSON.stringify(e) })),
    );
    expect(result.failedIds).toEqual([]);
  };
  const traitsOf = async (email: string, config = campaigns) => {
    const ids = await profiles.lookup('acme', [{ type: 'email', value: email }]);
    return computeTraits((await profiles.get('acme', [...ids.values()][0]!))!, config);
  };
  return { merge, traitsOf };
}

const complete = (connector: string, instance: string, drafts: Parameters<typeof completeEvents>[0]) =>
  completeEvents(drafts, { tenantId: 'acme', connector, instance, receivedAt: new Date('2026-03-10T12:00:00Z') });

describe('gift orders from WooCommerce and Lightspeed eCom feed the secondary profile', () => {
  it("WooCommerce: a parcel for Jane at John's address keeps its categories out of John's own", async () => {
    const { merge, traitsOf } = setup();
    const fromWoo = (topic: string, body: object) =>
      complete('woocommerce', 'woo', woocommerce.parseWebhook!(woo.signedRequest(topic, body), woo.contextFor()));
    const product = (id: number, name: string, slug: string) => ({
      ...(woo.fixture('product-created.json') as Json),
      id,
      categories: [{ id, name, slug }],
    });
    await merge([
      ...fromWoo('product.created', product(93, 'Sjaals', 'sjaals')),
      ...fromWoo('product.created', product(22, 'Truien', 'truien')),
    ]);
    const order = woo.fixture('order-created.json') as Json;
    const own = { ...order, id: 726, number: '726', line_items: (order.line_items as Json[]).slice(1) };
    const gift = { ...order, shipping: { ...(order.shipping as Json), first_name: 'Jane' } };
    await merge([...fromWoo('order.created', own), ...fromWoo('order.created', gift)]);
    const traits = await traitsOf('john.doe@example.com');
    expect(traits.orderCount).toBe(2);
    expect(traits.categories, 'his own purchase').toEqual(['truien']);
    expect(traits.secondaryCategories, 'the parcel for Jane').toEqual(['sjaals']);
    expect(traits.lines.filter((l) => l.secondary).map((l) => l.secondary)).toEqual(['other-address', 'other-address']);
  });

  it('WooCommerce: in the Sinterklaas season, a new category bought for the house stays out of the own interests', async () => {
    const { merge, traitsOf } = setup();
    const fromWoo = (topic: string, body: object) =>
      complete('woocommerce', 'woo', woocommerce.parseWebhook!(woo.signedRequest(topic, body), woo.contextFor()));
    const product = (id: number, name: string, slug: string) => ({
      ...(woo.fixture('product-created.json') as Json),
      id,
      categories: [{ id, name, slug }],
    });
    await merge([
      ...fromWoo('product.created', product(93, 'Speelgoed', 'speelgoed')),
      ...fromWoo('product.created', product(22, 'Truien', 'truien')),
    ]);
    const order = woo.fixture('order-created.json') as Json;
    const [toy, sweater] = order.line_items as Json[];
    const at = (date: string) => ({ date_created_gmt: date, date_modified_gmt: date });
    await merge([
      ...fromWoo('order.created', { ...order, id: 801, number: '801', ...at('2025-10-10T10:00:00'), line_items: [sweater] }),
      ...fromWoo('order.created', { ...order, id: 802, number: '802', ...at('2025-11-28T10:00:00'), line_items: [toy] }),
    ]);
    const sinterklaas = CampaignConfig.parse({ giftSeasons: [{ id: 'sinterklaas', from: '11-15', to: '12-05' }] });
    const traits = await traitsOf('john.doe@example.com', sinterklaas);
    expect(traits.categories).toEqual(['truien']);
    expect(traits.secondaryCategories).toEqual(['speelgoed']);
    expect(traits.giftSeasons).toEqual(['sinterklaas']);
  });

  it("Lightspeed eCom: an order shipped in another person's name is a gift; one in the buyer's own name is not", async () => {
    const { merge, traitsOf } = setup();
    const fromEcom = (body: object) =>
      complete('lightspeed-ecom', 'webshop', lightspeedEcom.parseWebhook!(ecom.signedRequest(body), ecom.contextFor()));
    const { catalog } = generateSampleShop({ customers: 0, orders: 0 });
    const embedded = (i: number, category: number) => ({
      product: {
        ...catalog!.products[i]!,
        variants: [catalog!.variants[i]],
        categories: catalog!.categories.filter((c) => c.id === category),
      },
    });
    await merge([...fromEcom(embedded(0, 801)), ...fromEcom(embedded(2, 803))]);
    const { order } = ecom.fixture<{ order: Json }>('orders-updated.json');
    const [beans, filters] = ecom.fixture<{ orderProducts: Json[] }>('order-products.json').orderProducts;
    const own = { ...order, id: 4567889, products: [filters] };
    const gift = { ...order, addressShippingName: 'Anna Stelder', products: [beans] };
    await merge([...fromEcom({ order: own }), ...fromEcom({ order: gift })]);
    const traits = await traitsOf('ruud@example.com');
    expect(traits.categories).toEqual(['filters']);
    expect(traits.secondaryCategories).toEqual(['koffiebonen']);
  });
});
