// Builders of canonical events for tests: realistic defaults, override what the test is about.
import { CanonicalEvent } from '../../core/events.js';
import { SynclineConfig, type TenantConfig } from '../../core/config.js';

type Draft = Omit<CanonicalEvent, 'tenantId' | 'receivedAt' | 'source'> & { source?: CanonicalEvent['source'] };

const SHOP = { connector: 'shopify', instance: 'shop' } as const;

export function event(draft: Draft): CanonicalEvent {
  return CanonicalEvent.parse({ tenantId: 'acme', receivedAt: '2026-11-01T00:00:00Z', source: SHOP, ...draft });
}

export function tenant(overrides: Partial<TenantConfig> = {}): TenantConfig {
  const config = SynclineConfig.parse({
    tenants: [{ id: 'acme', sourcePriority: ['shop', 'pos'], instances: [{ id: 'shop', connector: 'shopify', webhooks: true }] }],
  });
  return { ...config.tenants[0]!, ...overrides };
}

export function customer(id: string, email: string, at: string, data: Record<string, unknown> = {}): CanonicalEvent {
  return event({
    type: 'customer.upserted',
    sourceEventId: `customer-${id}-${at}-${Object.values(data).join('-')}`,
    occurredAt: at,
    identifiers: [
      { type: 'email', value: email },
      { type: 'customerId:shop', value: id },
    ],
    data: { email, ...data },
  } as Draft);
}

export function order(
  orderId: string,
  ids: CanonicalEvent['identifiers'],
  at: string,
  total = 50,
  extra: Record<string, unknown> = {},
): CanonicalEvent {
  return event({
    type: 'order.placed',
    sourceEventId: `order-${orderId}-${at}`,
    occurredAt: at,
    identifiers: ids,
    data: {
      orderId,
      channel: 'web',
      currency: 'EUR',
      total,
      placedAt: at,
      status: 'paid',
      lines: [{ sku: 'SKU-1', name: 'Espresso beans 1kg', category: 'coffee', quantity: 1, price: total }],
      ...extra,
    },
  } as Draft);
}
