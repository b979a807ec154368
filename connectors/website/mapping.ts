// A collect batch → canonical events: pure. Every event carries the visitor's anonymous id, so the merge keeps one
// profile per visitor and joins it to the person once an `identify` names them.
import { normaliseEmail, type ConsentPurpose, type EventDraft, type Identifier, type OrderLine } from '../sdk/index.js';
import type { CollectBatch, CollectEvent } from './schemas.js';
import type { WebsiteSettings } from './settings.js';

/** The site's purposes in canonical words: behaviour on a profile is profiling (GDPR art. 4(4)). */
const PURPOSE: Record<WebsiteSettings['purposes'][number], ConsentPurpose> = {
  analytics: 'profiling',
  personalisation: 'personalisation',
  advertising: 'advertising',
};

type Line = Extract<CollectEvent, { type: 'cart' }>['data']['lines'][number];

function orderLine(line: Line): OrderLine {
  return {
    sku: line.sku,
    productId: line.sku,
    name: line.name ?? line.sku,
    ...(line.category !== undefined ? { category: line.category } : {}),
    quantity: line.quantity,
    price: line.price ?? 0,
  };
}

function total(lines: readonly Line[]): number {
  return Math.round(lines.reduce((sum, l) => sum + (l.price ?? 0) * l.quantity, 0) * 100) / 100;
}

/**
 * Page views map to nothing: no profile field, segment or campaign reads them, and at 10–100× the other events they
 * would be most of the merge's work. They are accepted (the script sends them) and counted, not queued.
 */
export function mapCollectBatch(batch: CollectBatch, settings: WebsiteSettings): EventDraft[] {
  const visitor: Identifier = { type: 'anonymousId', value: batch.anonymousId };
  // One website cart per visitor: the script keeps it in the visitor's own storage.
  const cartId = `web-${batch.anonymousId}`;
  return batch.events.flatMap((event): EventDraft[] => {
    const envelope = { sourceEventId: `${batch.anonymousId}:${event.id}`, occurredAt: event.at, identifiers: [visitor] };
    switch (event.type) {
      case 'page':
        return [];
      case 'product': {
        const { sku, productId, ...rest } = event.data;
        return [
          { ...envelope, type: 'product.viewed', data: { productId: (productId ?? sku)!, ...(sku !== undefined ? { sku } : {}), ...rest } },
        ];
      }
      case 'search':
        return [{ ...envelope, type: 'search.performed', data: event.data }];
      case 'cart':
      case 'checkout': {
        const currency = event.data.currency;
        const lines = event.data.lines;
        return [
          {
            ...envelope,
            type: 'cart.updated',
            data: {
              cartId,
              ...(currency !== undefined ? { currency } : {}),
              total: event.type === 'checkout' && event.data.total !== undefined ? event.data.total : total(lines),
              lines: lines.map(orderLine),
              stage: event.type === 'checkout' ? 'checkout' : 'cart',
            },
          },
        ];
      }
      case 'identify': {
        const email = normaliseEmail(event.data.email);
        const ids: Identifier[] = [visitor];
        if (email) ids.push({ type: 'email', value: email });
        if (event.data.customerId && settings.customerIdInstance)
          ids.push({ type: `customerId:${settings.customerIdInstance}`, value: event.data.customerId });
        // Nothing that identifies anyone (a typo in a newsletter form): no event, rather than an empty join.
        if (ids.length === 1) return [];
        return [{ ...envelope, identifiers: ids, type: 'customer.upserted', data: email ? { email } : {} }];
      }
      case 'consent':
        return settings.purposes.flatMap((purpose) => {
          const granted = event.data[purpose];
          if (granted === undefined) return [];
          return [
            {
              ...envelope,
              sourceEventId: `${envelope.sourceEventId}:${purpose}`,
              type: 'consent.changed' as const,
              data: { purpose: PURPOSE[purpose], granted, method: 'website' },
            },
          ];
        });
    }
  });
}
