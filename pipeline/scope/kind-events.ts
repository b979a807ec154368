// What a connector of each kind may claim: the event types its kind's connectors produce, and for a website only the
// consent purposes a cookie banner asks (profiling, personalisation, advertising), never e-mail or SMS marketing. A bug or a
// compromised producer cannot write a shop order, or an e-mail consent, into a tenant through its website instance.
// connectors/kinds.test.ts checks every connector's golden fixtures against this table: a connector that learns to
// produce a new type widens its kind here, on purpose.
import type { ConsentPurpose, EventType } from '../../core/events.js';
import type { ConnectorKind } from '../../connectors/sdk/define-connector.js';

const KIND_EVENTS: Readonly<Record<ConnectorKind, ReadonlySet<EventType>>> = {
  shop: new Set<EventType>([
    'customer.upserted',
    'order.placed',
    'order.updated',
    'cart.updated',
    'checkout.abandoned',
    'consent.changed',
    'product.upserted',
    'product.deleted',
    // Shopify's mandatory privacy webhooks (customers/redact, shop/redact, customers/data_request).
    'erasure.requested',
    'access.requested',
  ]),
  pos: new Set<EventType>(['customer.upserted', 'order.placed', 'order.updated', 'consent.changed', 'product.upserted', 'product.deleted']),
  // Klaviyo's "Viewed Product" metric is a product view.
  email: new Set<EventType>(['customer.upserted', 'email.engaged', 'consent.changed', 'product.viewed']),
  // Squeezely is a destination only.
  dmp: new Set<EventType>(),
  // Ad platforms' audiences (Meta, Google) only receive.
  ads: new Set<EventType>(),
  website: new Set<EventType>(['customer.upserted', 'cart.updated', 'product.viewed', 'search.performed', 'consent.changed']),
};

const KIND_PURPOSES: Readonly<Partial<Record<ConnectorKind, ReadonlySet<ConsentPurpose>>>> = {
  // A banner's marketing/targeting category is the advertising purpose (connectors/website/mapping.ts).
  website: new Set<ConsentPurpose>(['profiling', 'personalisation', 'advertising']),
};

/** Why a connector of this kind may not claim the event, or undefined when it may. Names types and purposes only. */
export function kindRefusal(kind: ConnectorKind, event: { type: EventType; data: unknown }): string | undefined {
  if (!KIND_EVENTS[kind].has(event.type)) return `a ${kind} connector does not produce ${event.type}`;
  const purposes = KIND_PURPOSES[kind];
  if (event.type === 'consent.changed' && purposes) {
    const purpose = (event.data as { purpose: ConsentPurpose }).purpose;
    if (!purposes.has(purpose)) return `a ${kind} connector does not produce ${purpose} consent`;
  }
  return undefined;
}
