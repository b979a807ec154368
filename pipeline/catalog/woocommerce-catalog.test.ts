// The merge and a WooCommerce catalog: WooCommerce's order lines carry no category; the merge gives them their
// product's, from a catalog filled by WooCommerce's product webhooks, and a variation's line its parent product's.
import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import type { CanonicalEvent } from '../../core/events.js';
import { InMemoryProfileRepository } from '../../core/identity/in-memory-profile-repository.js';
import type { PushMessage } from '../../core/ports.js';
import { woocommerce } from '../../connectors/woocommerce/index.js';
import { contextFor, fixture, signedRequest } from '../../connectors/woocommerce/test-support.js';
import { InMemoryCatalog } from '../../test/support/in-memory-catalog.js';
import { MemoryQueue, MemoryStatus, memoryLogger } from '../../test/support/memory-ports.js';
import { completeEvents } from '../complete-event.js';
import { createInstanceResolver } from '../instances.js';
import { mergeBatch } from '../merge-batch.js';

const config = SynclineConfig.parse({
  tenants: [
    { id: 'acme', instances: [{ id: 'woo', connector: 'woocommerce', webhooks: true, settings: { storeUrl: 'https://example.com/' } }] },
  ],
});

function setup() {
  const log = memoryLogger();
  const catalog = new InMemoryCatalog();
  const profiles = new InMemoryProfileRepository();
  const deps = {
    instances: createInstanceResolver({ config, connectors: { woocommerce }, secrets: { get: async () => ({}) }, log }),
    profiles,
    push: new MemoryQueue<PushMessage>(),
    status: new MemoryStatus(),
    log,
    catalog,
  };
  return { deps, catalog, profiles };
}

/** A body delivered as WooCommerce would, through the connector, completed as the webhook path does. */
function delivered(topic: string, body: object, deliveryId = topic): CanonicalEvent[] {
  const drafts = woocommerce.parseWebhook!(signedRequest(topic, body, { 'x-wc-webhook-delivery-id': deliveryId }), contextFor());
  return completeEvents(drafts, {
    tenantId: 'acme',
    connector: 'woocommerce',
    instance: 'woo',
    receivedAt: new Date('2026-03-10T12:00:00Z'),
  });
}

const messages = (events: readonly CanonicalEvent[], prefix: string) =>
  events.map((e, i) => ({ id: `${prefix}${i}`, body: JSON.stringify(e) }));

async function orderLines(profiles: InMemoryProfileRepository) {
  const ids = await profiles.lookup('acme', [{ type: 'email', value: 'john.doe@example.com' }]);
  const profile = await profiles.get('acme', [...ids.values()][0]!);
  return Object.values(profile!.orders).flatMap((o) => o.lines);
}

// The reference's order 727 has two lines: product 93 (no SKU) and product 22's variation 23 (SKU "Bar3").
const simple = { ...(fixture('product-created.json') as object), id: 93, categories: [{ id: 9, name: 'Clothing', slug: 'clothing' }] };
const variable = {
  ...(fixture('product-restored.json') as object),
  id: 22,
  categories: [{ id: 20, name: 'Hoodies &amp; sweaters', slug: 'hoodies-sweaters' }],
};

describe('a WooCommerce catalog in the merge', () => {
  it("categorises a WooCommerce order's lines, which have none, from the products the webhooks put in the catalog", async () => {
    const { deps, profiles } = setup();
    const products = await mergeBatch(
      deps,
      messages([...delivered('product.created', simple), ...delivered('product.created', variable)], 'p'),
    );
    expect(products.failedIds).toEqual([]);
    expect([...products.outcomes.values()]).toEqual(['catalogued', 'catalogued']);

    const order = delivered('order.created', fixture('order-created.json') as object);
    expect(
      order.flatMap((e) => (e.type === 'order.placed' ? e.data.lines.map((l) => l.category) : [])),
      'WooCommerce sends none',
    ).toEqual([undefined, undefined]);
    expect((await mergeBatch(deps, messages(order, 'o'))).failedIds).toEqual([]);
    // The variation's SKU is not in the catalog (a variable product lists its variations by id only): its line gets
    // the parent's category through the product_id it names.
    expect((await orderLines(profiles)).map((l) => [l.name, l.category])).toEqual([
      ['Woo Single #1', 'clothing'],
      ['Ship Your Idea – Color: Black, Size: M Test', 'hoodies-sweaters'],
    ]);
  });

  it('a product trashed before the order leaves its line without a category; restored, it categorises the next order', async () => {
    const { deps, profiles } = setup();
    await mergeBatch(deps, messages([...delivered('product.created', simple), ...delivered('product.created', variable)], 'p'));
    await mergeBatch(deps, messages(delivered('product.deleted', { id: 93 }, 'trash-1'), 'd'));
    await mergeBatch(deps, messages(delivered('order.created', fixture('order-created.json') as object), 'o'));
    expect((await orderLines(profiles)).map((l) => l.category)).toEqual([undefined, 'hoodies-sweaters']);

    await mergeBatch(deps, messages(delivered('product.restored', { ...simple, date_modified_gmt: '2026-03-10T12:30:00' }), 'r'));
    const later = { ...(fixture('order-created.json') as object), id: 728, number: '728' };
    await mergeBatch(deps, messages(delivered('order.created', later), 'l'));
    expect((await orderLines(profiles)).filter((l) => l.name === 'Woo Single #1').map((l) => l.category)).toEqual([undefined, 'clothing']);
  });
});
