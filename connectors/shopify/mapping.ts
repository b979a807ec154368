// Shopify webhook payloads → canonical event drafts. Pure: the same payload and delivery always give the same events.
import type { Address, EventDraft, Identifier, OrderLine } from '../sdk/index.js';
import { PayloadInvalid, phoneInCountry } from '../sdk/index.js';
import type {
  CheckoutPayload,
  CustomerPayload,
  CustomersDataRequestPayload,
  CustomersRedactPayload,
  EmailMarketingConsentPayload,
  LineItem,
  MailingAddress,
  OrderPayload,
  ShopRedactPayload,
} from './schemas.js';
import { DEFAULT_GIFT_WORDS, hasGiftAttribute, shipsToAnotherPerson } from './gifts.js';

/** What the webhook headers tell us about one delivery. */
export interface Delivery {
  topic: string;
  /** X-Shopify-Event-Id, else X-Shopify-Webhook-Id: the same on every retry of a delivery. */
  deliveryId?: string;
  /** X-Shopify-Triggered-At, normalised to UTC. */
  triggeredAt?: string;
}

export interface MappingContext {
  /** The connector instance: scopes Shopify customer ids (`customerId:<instance>`). */
  instance: string;
  /** Last resort for occurredAt when neither payload nor headers carry a time. */
  now: Date;
  /** Whether orders Shopify marks `test: true` become events (ShopifySettings.testOrders); left out unless "include". */
  testOrders?: 'exclude' | 'include';
  /** The shop's myshopify.com domain: a product's storefront URL is /products/<handle> on it. */
  shopDomain?: string;
  /** Words that make a note attribute a gift attribute (ShopifySettings.giftAttributeWords). */
  giftAttributeWords?: readonly string[];
}

/** A test order counts only where the instance includes test orders. */
export const skipTestOrder = (test: boolean | null | undefined, context: MappingContext) =>
  test === true && context.testOrders !== 'include';

/** The identifier that ties an anonymous checkout to the order that completes it (which carries checkout_token). */
export const checkoutIdentifier = (token: string): Identifier => ({ type: 'anonymousId', value: `shopify-checkout:${token}` });

/** Parses a Shopify time (any offset, up to nanoseconds) into a UTC ISO string. */
export function utcTime(value: string, field: string): string {
  const millis = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  if (Number.isNaN(millis)) throw new PayloadInvalid(`${field} is not a time Shopify documents`, [`${field}: unreadable time`]);
  return new Date(millis).toISOString();
}

const present = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/** The numeric id inside `gid://shopify/Customer/123`, exact even where the JSON number was not. */
export function numericId(id: string, gid?: string | null): string {
  const fromGid = gid ? /\/(\d+)$/.exec(gid)?.[1] : undefined;
  return fromGid ?? id;
}

export function personIdentifiers(
  context: MappingContext,
  person: { customerId?: string | undefined; email?: string | null; phone?: string | null; country?: string | null | undefined },
): Identifier[] {
  const ids: Identifier[] = [];
  if (present(person.customerId)) ids.push({ type: `customerId:${context.instance}`, value: person.customerId });
  if (present(person.email)) ids.push({ type: 'email', value: person.email.trim() });
  // A national number is read in the address's country; without one it stays as given, and no identifier comes of it.
  if (present(person.phone)) ids.push({ type: 'phone', value: phoneInCountry(person.phone, person.country) ?? person.phone.trim() });
  return ids.filter((id) => id.value.length <= 320);
}

export function address(a: MailingAddress | null | undefined): Address | null | undefined {
  if (a === undefined) return undefined;
  if (a === null) return null;
  const out: Address = {};
  if (present(a.address1)) out.line1 = a.address1;
  if (present(a.address2)) out.line2 = a.address2;
  if (present(a.city)) out.city = a.city;
  if (present(a.zip)) out.postalCode = a.zip;
  const region = a.province_code ?? a.province;
  if (present(region)) out.region = region;
  const country = a.country_code ?? a.country;
  if (present(country)) out.country = country;
  return out;
}

function line(item: LineItem): OrderLine {
  return {
    ...(present(item.product_id) ? { productId: item.product_id } : {}),
    ...(present(item.variant_id) ? { variantId: item.variant_id } : {}),
    ...(present(item.sku) ? { sku: item.sku } : {}),
    name: item.name ?? (present(item.variant_title) ? `${item.title} - ${item.variant_title}` : item.title),
    quantity: item.quantity,
    price: item.price,
    ...(item.gift_card === true ? { gift: true } : {}),
  };
}

/** The event id: topic, resource and delivery. Retries repeat the delivery id, so they repeat the event id. */
function eventId(delivery: Delivery, resourceId: string, fallback: string): string {
  return `${delivery.topic}/${resourceId}/${delivery.deliveryId ?? fallback}`.slice(0, 256);
}

function occurredAt(delivery: Delivery, context: MappingContext, ...candidates: (string | null | undefined)[]): string {
  const time = candidates.find(present);
  return time !== undefined ? utcTime(time, 'event time') : (delivery.triggeredAt ?? context.now.toISOString());
}

export function mapCustomer(c: CustomerPayload, delivery: Delivery, context: MappingContext): EventDraft[] {
  const customerId = numericId(c.id, c.admin_graphql_api_id);
  const at = occurredAt(delivery, context, c.updated_at, c.created_at);
  const createdAt = present(c.created_at) ? utcTime(c.created_at, 'created_at') : undefined;
  return [
    {
      type: 'customer.upserted',
      sourceEventId: eventId(delivery, customerId, at),
      occurredAt: at,
      identifiers: personIdentifiers(context, { customerId, email: c.email, phone: c.phone, country: c.default_address?.country_code }),
      data: {
        firstName: c.first_name,
        lastName: c.last_name,
        email: c.email,
        phone: c.phone,
        locale: c.locale,
        address: address(c.default_address),
        ...(createdAt ? { createdAt } : {}),
      },
    },
  ];
}

function orderStatus(o: OrderPayload): 'placed' | 'paid' | 'cancelled' | 'refunded' {
  if (present(o.cancelled_at) || o.financial_status === 'voided') return 'cancelled';
  if (o.financial_status === 'refunded') return 'refunded';
  if (o.financial_status === 'paid') return 'paid';
  return 'placed';
}

export function mapOrder(o: OrderPayload, delivery: Delivery, context: MappingContext): EventDraft[] {
  if (skipTestOrder(o.test, context)) return [];
  const orderId = numericId(o.id, o.admin_graphql_api_id);
  const customerId = o.customer ? numericId(o.customer.id, o.customer.admin_graphql_api_id) : undefined;
  const identifiers = personIdentifiers(context, {
    customerId,
    email: o.email ?? o.contact_email ?? o.customer?.email,
    phone: o.phone ?? o.customer?.phone,
    country: o.billing_address?.country_code ?? o.shipping_address?.country_code,
  });
  if (present(o.checkout_token)) identifiers.push(checkoutIdentifier(o.checkout_token));
  const at = occurredAt(delivery, context, o.updated_at, o.created_at);
  const id = eventId(delivery, orderId, at);
  const events: EventDraft[] = [
    {
      type: 'order.placed',
      sourceEventId: id,
      occurredAt: at,
      identifiers,
      data: {
        orderId,
        ...(present(o.name) ? { orderNumber: o.name } : {}),
        channel: o.source_name === 'pos' ? 'pos' : 'web',
        currency: o.currency,
        total: o.total_price,
        placedAt: utcTime(o.processed_at ?? o.created_at, 'processed_at'),
        status: orderStatus(o),
        lines: o.line_items.map(line),
        ...(present(o.checkout_token) ? { checkoutToken: o.checkout_token } : {}),
        ...(hasGiftAttribute(o.note_attributes, context.giftAttributeWords ?? DEFAULT_GIFT_WORDS) ? { gift: true } : {}),
        ...(shipsToAnotherPerson(o.shipping_address, o.billing_address, o.customer) ? { shippedToOtherAddress: true } : {}),
      },
    },
  ];
  // Ticking "email me with news and offers" at checkout is consent; leaving it unticked withdraws nothing. Given once,
  // at checkout: stamped with the order's creation time and the poll's id (graphql-mapping.ts), so a delivery of the
  // order edited after an unsubscribe (updated_at later) grants nothing again.
  if (o.buyer_accepts_marketing === true) {
    events.push({
      type: 'consent.changed',
      sourceEventId: `poll/orders/${orderId}#email_marketing`,
      occurredAt: occurredAt(delivery, context, o.created_at, o.updated_at),
      identifiers,
      data: { purpose: 'email_marketing', granted: true, method: 'shopify checkout: buyer_accepts_marketing', implied: true },
    });
  }
  return events;
}

export function mapCheckout(c: CheckoutPayload, delivery: Delivery, context: MappingContext): EventDraft[] {
  const customerId = c.customer ? numericId(c.customer.id, c.customer.admin_graphql_api_id) : undefined;
  const identifiers = personIdentifiers(context, {
    customerId,
    email: c.email ?? c.customer?.email,
    phone: c.phone ?? c.customer?.phone,
    country: c.billing_address?.country_code ?? c.shipping_address?.country_code,
  });
  // With neither e-mail nor customer, the token is all we have; the order that completes it carries it too.
  if (identifiers.length === 0) identifiers.push(checkoutIdentifier(c.token));
  const at = occurredAt(delivery, context, c.updated_at, c.created_at);
  const recoveryUrl =
    present(c.abandoned_checkout_url) && /^https?:\/\//.test(c.abandoned_checkout_url) && URL.canParse(c.abandoned_checkout_url)
      ? c.abandoned_checkout_url
      : undefined;
  return [
    {
      type: 'cart.updated',
      sourceEventId: eventId(delivery, c.token, at),
      occurredAt: at,
      identifiers,
      data: {
        cartId: c.token,
        ...(present(c.currency) ? { currency: c.currency } : {}),
        ...(typeof c.total_price === 'number' ? { total: c.total_price } : {}),
        lines: c.line_items.map(line),
        ...(recoveryUrl ? { recoveryUrl } : {}),
        completedAt: present(c.completed_at) ? utcTime(c.completed_at, 'completed_at') : null,
      },
    },
  ];
}

export function mapEmailConsent(p: EmailMarketingConsentPayload, delivery: Delivery, context: MappingContext): EventDraft[] {
  const consent = p.email_marketing_consent;
  const at = occurredAt(delivery, context, consent.consent_updated_at);
  return [
    {
      type: 'consent.changed',
      sourceEventId: eventId(
        delivery,
        p.customer_id,
        `${consent.state ?? 'none'}@${consent.consent_updated_at ?? delivery.triggeredAt ?? ''}`,
      ),
      occurredAt: at,
      identifiers: personIdentifiers(context, { customerId: p.customer_id, email: p.email_address }),
      data: {
        purpose: 'email_marketing',
        // Only "subscribed" is consent: pending (double opt-in not yet confirmed), unsubscribed, not_subscribed,
        // redacted and invalid are not.
        granted: consent.state === 'subscribed',
        method: present(consent.opt_in_level) ? `shopify: ${consent.opt_in_level}` : 'shopify',
      },
    },
  ];
}

export function mapCustomersRedact(p: CustomersRedactPayload, delivery: Delivery, context: MappingContext): EventDraft[] {
  const customerId = p.customer.id ?? undefined;
  const at = occurredAt(delivery, context);
  return [
    {
      type: 'erasure.requested',
      sourceEventId: eventId(delivery, customerId ?? 'unknown-customer', `${p.shop_id}`),
      occurredAt: at,
      identifiers: personIdentifiers(context, { customerId, email: p.customer.email, phone: p.customer.phone }),
      data: { scope: 'person' },
    },
  ];
}

/** Every profile this shop gave us must go: no person is named, the whole source is the subject. */
export function mapShopRedact(p: ShopRedactPayload, delivery: Delivery, context: MappingContext): EventDraft[] {
  return [
    {
      type: 'erasure.requested',
      sourceEventId: eventId(delivery, p.shop_id, 'shop'),
      occurredAt: occurredAt(delivery, context),
      identifiers: [],
      data: { scope: 'source', requestId: `shop/redact:${p.shop_id}` },
    },
  ];
}

export function mapDataRequest(p: CustomersDataRequestPayload, delivery: Delivery, context: MappingContext): EventDraft[] {
  return [
    {
      type: 'access.requested',
      sourceEventId: eventId(delivery, p.data_request.id, `${p.shop_id}`),
      occurredAt: occurredAt(delivery, context),
      identifiers: personIdentifiers(context, { customerId: p.customer.id ?? undefined, email: p.customer.email, phone: p.customer.phone }),
      data: { requestId: p.data_request.id },
    },
  ];
}
