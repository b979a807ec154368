// The catalog's part of a merge batch: product changes go to the tenant's catalog (they name no person), then the
// other events get their categories from it, with one read for the whole batch.
import type { CanonicalEvent, EventOf } from '../../core/events.js';
import type { CatalogStore } from '../../core/catalog/catalog-store.js';
import { categoriseBatch, needsCatalog } from '../../core/catalog/categorise.js';
import { catalogChangeOf } from '../../core/catalog/product.js';
import type { Logger } from '../../core/ports.js';
import { retryBriefly } from '../retry-briefly.js';

type ProductEvent = EventOf<'product.upserted'> | EventOf<'product.deleted'>;

export const isProductEvent = (event: CanonicalEvent): event is ProductEvent =>
  event.type === 'product.upserted' || event.type === 'product.deleted';

/** A throttled or lost catalog request is tried again within the batch (≈ 50 + 100 + 200 ms) before it fails. */
const CATALOG_RETRIES = { retries: 3, firstWaitMs: 50 } as const;

export interface CatalogStep<M> {
  /** The batch's other events, categorised, for the lanes. */
  rest: { message: M; event: CanonicalEvent }[];
  /** Message ids of the product changes stored. */
  catalogued: string[];
  /** Message ids that failed, with why: redelivered. */
  failed: Map<string, string>;
}

export async function catalogStep<M extends { id: string }>(
  catalog: CatalogStore,
  log: Logger,
  ready: readonly { message: M; event: CanonicalEvent }[],
): Promise<CatalogStep<M>> {
  const failed = new Map<string, string>();
  const catalogued: string[] = [];
  const byTenant = new Map<string, { message: M; event: ProductEvent }[]>();
  const others: { message: M; event: CanonicalEvent }[] = [];
  for (const item of ready) {
    const { event } = item;
    if (isProductEvent(event)) byTenant.set(event.tenantId, [...(byTenant.get(event.tenantId) ?? []), { message: item.message, event }]);
    else others.push(item);
  }
  // First the catalog changes, so a product and an order for it in one batch see each other.
  for (const [tenantId, items] of byTenant) {
    try {
      // Retried here before the messages are failed: a product change that waits for its redelivery lets orders of the
      // same moment merge without its category, for good (catalog changes apply from then on).
      await retryBriefly(
        () =>
          catalog.apply(
            tenantId,
            items.map((i) => catalogChangeOf(i.event)),
          ),
        CATALOG_RETRIES,
      );
      catalogued.push(...items.map((i) => i.message.id));
    } catch (error) {
      log.error('could not write catalog changes; failing them for redelivery', { tenantId, reason: (error as Error).message });
      for (const i of items) failed.set(i.message.id, `could not write the catalog: ${(error as Error).message}`);
    }
  }
  try {
    const categorised = await retryBriefly(
      () =>
        categoriseBatch(
          catalog,
          others.map((o) => o.event),
        ),
      CATALOG_RETRIES,
    );
    return { rest: others.map((o, i) => ({ message: o.message, event: categorised[i]! })), catalogued, failed };
  } catch (error) {
    // Merged now, they would keep no category for good: wait for the catalog instead.
    log.error('could not read the catalog; failing the events that need it', { reason: (error as Error).message });
    const rest: { message: M; event: CanonicalEvent }[] = [];
    for (const o of others) {
      if (needsCatalog(o.event)) failed.set(o.message.id, `could not read the catalog: ${(error as Error).message}`);
      else rest.push(o);
    }
    return { rest, catalogued, failed };
  }
}
