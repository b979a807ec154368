// The merge and the catalog: Shopify's orders/create lines carry no category; the merge gives them their product's,
// from a catalog filled by Shopify's products/create webhook, with one catalog read per batch.
import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import type { CanonicalEvent } from '../../core/events.js';
import { InMemoryProfileRepository } from '../../core/identity/in-memory-profile-repository.js';
import type { PushMessage } from '../../core/ports.js';
import { shopify } from '../../connectors/shopify/index.js';
import { contextFor, fixtureText, signedRequest } from '../../connectors/shopify/test-support.js';
import { InMemoryCatalog } from '../../test/support/in-memory-catalog.js';
import { MemoryQueue, MemoryStatus, memoryLogger } from '../../test/support/memory-ports.js';
import { completeEvents } from '../complete-event.js';
import { createInstanceResolver } from '../instances.js';
import { mergeBatch } from '../merge-batch.js';

const config = SynclineConfig.parse({ tenants: [{ id: 'acme', instances: [{ id: 'shop', connector: 'shopify', webhooks: true }] }] });

function setup() {
  const log = memoryLogger();
  const catalog = new InMemoryCatalog();
  const profiles = new InMemoryProfileRepository();
  const deps = {
    instances: createInstanceResolver({ config, connectors: { shopify }, secrets: { get: async () => ({}) }, log }),
    profiles,
    push: new MemoryQueue<PushMessage>(),
    status: new MemoryStatus(),
    log,
    catalog,
  };
  return { deps, catalog, profiles };
}

/** A fixture delivered as Shopify would, through the connector, completed as the webhook path does. */
function delivered(topic: string, fixture: string, body?: (json: Record<string, unknown>) => Record<string, unknown>): CanonicalEvent[] {
  const raw = fixtureText(fixture);
  const text = body ? JSON.stringify(body(JSON.parse(raw) as Record<string, unknown>)) : raw;
  const drafts = shopify.parseWebhook!(signedRequest(topic, text), contextFor());
  return completeEvents(drafts, { tenantId: 'acme', connector: 'shopify', instance: 'shop', receivedAt: new Date('2026-03-10T12:00:00Z') });
}

const messages = (events: readonly CanonicalEvent[], prefix: string) =>
  events.map((e, i) => ({ id: `${prefix}${i}`, body: JSON.stringify(e) }));

async function orderLines(profiles: InMemoryProfileRepository) {
  const ids = await profiles.lookup('acme', [{ type: 'email', value: 'bob.norman@hostmail.com' }]);
  const profile = await profiles.get('acme', [...ids.values()][0]!);
  return Object.values(profile!.orders).flatMap((o) => o.lines);
}

describe('the catalog in the merge', () => {
  it('categorises a Shopify orders/create line, which has none, from the product the catalog holds for its SKU', async () => {
    const { deps, catalog, profiles } = setup();
    const products = await mergeBatch(deps, messages(delivered('products/create', 'products-create.json'), 'p'));
    expect(products.failedIds).toEqual([]);
    expect([...products.outcomes.values()]).toEqual(['catalogued']);

    const order = delivered('orders/create', 'orders-create.json');
    expect(
      order.flatMap((e) => (e.type === 'order.placed' ? e.data.lines.map((l) => l.category) : [])),
      'Shopify sends no category',
    ).toEqual([undefined, undefined, undefined]);
    catalog.reads.length = 0;
    const merged = await mergeBatch(deps, messages(order, 'o'));
    expect(merged.failedIds).toEqual([]);
    expect((await orderLines(profiles)).map((l) => [l.sku, l.category])).toEqual([
      ['IPOD2008GREEN', 'cult-products'],
      ['IPOD2008RED', 'cult-products'],
      ['IPOD2008BLACK', 'cult-products'],
    ]);
    expect(catalog.reads, 'one catalog read for the whole batch').toHaveLength(1);
  });

  it('reads the catalog not at all when every line already has its category', async () => {
    const { deps, catalog } = setup();
    const order = delivered('orders/create', 'orders-create.json', (o) => ({
      ...o,
      line_items: [],
    }));
    await mergeBatch(deps, messages(order, 'o'));
    expect(catalog.reads).toEqual([]);
  });

  it('applies a catalog change from then on: an order merged before keeps the category it got', async () => {
    const { deps, profiles } = setup();
    await mergeBatch(deps, messages(delivered('products/create', 'products-create.json'), 'p'));
    await mergeBatch(deps, messages(delivered('orders/create', 'orders-create.json'), 'o'));
    const retyped = delivered('products/update', 'products-create.json', (p) => ({
      ...p,
      product_type: 'Music players',
      updated_at: '2011-10-21T10:00:00-04:00',
    }));
    await mergeBatch(deps, messages(retyped, 'u'));
    expect(new Set((await orderLines(profiles)).map((l) => l.category)), 'already merged: not re-categorised').toEqual(
      new Set(['cult-products']),
    );
    const later = delivered('orders/create', 'orders-create.json', (o) => ({
      ...o,
      id: 450789470,
      admin_graphql_api_id: 'gid://shopify/Order/450789470',
    }));
    await mergeBatch(deps, messages(later, 'l'));
    expect(new Set((await orderLines(profiles)).map((l) => l.category))).toEqual(new Set(['cult-products', 'music-players']));
  });

  it('fails the events that need the catalog when it cannot be read, so they are redelivered rather than merged without categories', async () => {
    const { deps, catalog } = setup();
    catalog.read = async () => {
      throw new Error('ProvisionedThroughputExceeded');
    };
    const merged = await mergeBatch(deps, messages(delivered('orders/create', 'orders-create.json'), 'o'));
    expect(merged.failedIds).toEqual(['o0']);
    expect(merged.reasons.get('o0')).toMatch(/could not read the catalog/);
  });
});
