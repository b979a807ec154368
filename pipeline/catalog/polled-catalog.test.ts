// A first sync by poll alone: the WooCommerce and Lightspeed eCom polls read the catalog before the orders, so the
// merge categorises every order line of the very first pass (lines that carry no category of their own).
import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import { InMemoryProfileRepository } from '../../core/identity/in-memory-profile-repository.js';
import type { PushMessage } from '../../core/ports.js';
import { onePageBudget } from '../../connectors/sdk/contract-kit.js';
import type { EventDraft } from '../../connectors/sdk/index.js';
import { drainPoll, withVendor } from '../../connectors/sdk/testing/index.js';
import { lightspeedEcom } from '../../connectors/lightspeed-ecom/index.js';
import { pollEcom } from '../../connectors/lightspeed-ecom/poll.js';
import { generateSampleShop, startEcomSimulator } from '../../connectors/lightspeed-ecom/simulator.js';
import * as ecom from '../../connectors/lightspeed-ecom/test-support.js';
import { woocommerce } from '../../connectors/woocommerce/index.js';
import { pollWooCommerce } from '../../connectors/woocommerce/poll.js';
import { generateSampleStore, startWooCommerceSimulator } from '../../connectors/woocommerce/simulator.js';
import * as woo from '../../connectors/woocommerce/test-support.js';
import { InMemoryCatalog } from '../../test/support/in-memory-catalog.js';
import { MemoryQueue, MemoryStatus, memoryLogger } from '../../test/support/memory-ports.js';
import { completeEvents } from '../complete-event.js';
import { createInstanceResolver } from '../instances.js';
import { mergeBatch } from '../merge-batch.js';

const config = SynclineConfig.parse({
  tenants: [
    {
      id: 'acme',
      instances: [
        { id: 'woo', connector: 'woocommerce', settings: { storeUrl: 'https://example.com/' } },
        { id: 'webshop', connector: 'lightspeed-ecom', settings: { currency: 'EUR' } },
      ],
    },
  ],
});

/** Merges the poll's pages in the order they came, one batch a page, as the poll function queues them. */
async function mergePolled(pages: { events: EventDraft[] }[], connector: string, instance: string) {
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
  for (const page of pages) {
    const events = completeEvents(page.events, { tenantId: 'acme', connector, instance, receivedAt: new Date('2026-03-10T12:00:00Z') });
    const merged = await mergeBatch(
      deps,
      events.map((e) => ({ id: `m${n++}`, body: JSON.stringify(e) })),
    );
    expect(merged.failedIds).toEqual([]);
  }
  const lines = [];
  for await (const profile of profiles.listProfiles('acme')) lines.push(...Object.values(profile.orders).flatMap((o) => o.lines));
  return lines;
}

describe('a first sync by poll categorises the order lines from the catalog read before them', () => {
  it('WooCommerce', () =>
    withVendor(
      startWooCommerceSimulator({ ...generateSampleStore({ customers: 4, orders: 8 }), settings: { pageSize: 3 } }),
      async (sim) => {
        const pages: { events: EventDraft[] }[] = [];
        await drainPoll(async (cursor) => {
          const page = await pollWooCommerce(woo.contextFor(sim.settings, sim.secrets), cursor, onePageBudget(), { minDelayMs: 1 });
          pages.push(page);
          return page;
        });
        const lines = await mergePolled(pages, 'woocommerce', 'woo');
        expect(lines.length).toBeGreaterThan(0);
        expect(new Set(lines.map((l) => l.category))).not.toContain(undefined);
        expect(Object.fromEntries(lines.map((l) => [l.sku, l.category]))).toMatchObject({ 'THEE-EARL-100': 'zwarte-thee' });
      },
    ));

  it('Lightspeed eCom', () =>
    withVendor(startEcomSimulator({ ...generateSampleShop({ customers: 3, orders: 6 }), pageSize: 2 }), async (sim) => {
      const pages: { events: EventDraft[] }[] = [];
      await drainPoll(async (cursor) => {
        const page = await pollEcom(ecom.contextFor(sim.settings, sim.secrets), cursor, onePageBudget(), { minDelayMs: 1 });
        pages.push(page);
        return page;
      });
      const lines = await mergePolled(pages, 'lightspeed-ecom', 'webshop');
      expect(Object.fromEntries(lines.map((l) => [l.sku, l.category]))).toEqual({
        'KOF-BON-1KG': 'koffiebonen',
        'KOF-MLK-OPS': 'apparaten',
        'FLT-PAP-100': 'filters',
      });
    }));
});
