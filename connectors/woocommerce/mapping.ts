// WooCommerce customers and orders → canonical event drafts. Pure: the same resource always gives the same events.
import {
  PayloadInvalid,
  phoneInCountry,
  type Address as CanonicalAddress,
  type EventDraft,
  type Identifier,
  type OrderLine,
} from '../sdk/index.js';
import type { Address, Customer, LineItem, Order } from './schemas.js';

export interface MappingContext {
  /** The connector instance: scopes WooCommerce customer ids (`customerId:<instance>`). */
  instance: string;
  /** Last resort for occurredAt when the resource carries no time. */
  now: Date;
}

/** Order statuses that are not (yet) an order: the block checkout's draft, the trash. */
const NOT_AN_ORDER = new Set(['checkout-draft', 'auto-draft', 'draft', 'trash']);

/** Reads a WooCommerce `_gmt` time (no offset means UTC) as a UTC ISO string. */
export function gmtTime(value: string, field: string): string {
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const millis = Date.parse(withZone);
  if (Number.isNaN(millis)) throw new PayloadInvalid(`${field} is not a time WooCommerce documents`, [`${field}: unreadable time`]);
  return new Date(millis).toISOString();
}

const present = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  '#039': "'",
  ndash: '–',
  mdash: '—',
  nbsp: ' ',
  hellip: '…',
};

/** Product names arrive HTML-escaped ("Ship Your Idea &ndash; Color: Black"): decode the entities WordPress emits. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+|#039);/gi, (whole, code: string) => {
    if (code in ENTITIES) return ENTITIES[code] as string;
    if (/^#x/i.test(code)) return String.fromCodePoint(parseInt(code.slice(2), 16));
    if (/^#\d+$/.test(code)) return String.fromCodePoint(Number(code.slice(1)));
    return whole;
  });
}

export function personIdentifiers(
  context: MappingContext,
  person: { customerId?: number | null; email?: string | null; phone?: string | null; country?: string | null | undefined },
): Identifier[] {
  const ids: Identifier[] = [];
  // customer_id 0 is a guest checkout: no account, no id.
  if (typeof person.customerId === 'number' && person.customerId > 0)
    ids.push({ type: `customerId:${context.instance}`, value: String(person.customerId) });
  if (present(person.email)) ids.push({ type: 'email', value: person.email.trim() });
  // A national number is read in the billing country; without one it stays as given, and no identifier comes of it.
  if (present(person.phone)) ids.push({ type: 'phone', value: phoneInCountry(person.phone, person.country) ?? person.phone.trim() });
  return ids.filter((id) => id.value.length <= 320);
}

export function address(a: Address | null | undefined): CanonicalAddress | undefined {
  if (!a) return undefined;
  const out: CanonicalAddress = {};
  if (present(a.address_1)) out.line1 = a.address_1;
  if (present(a.address_2)) out.line2 = a.address_2;
  if (present(a.city)) out.city = a.city;
  if (present(a.postcode)) out.postalCode = a.postcode;
  if (present(a.state)) out.region = a.state;
  if (present(a.country)) out.country = a.country;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The event id is the resource and its modification time: the same for a webhook and a poll that saw the same
 * version (so they deduplicate), and for a redelivery. WooCommerce's X-WC-Webhook-Delivery-ID cannot serve: it is
 * a fresh hash on every delivery attempt.
 */
export function resourceEventId(kind: 'customer' | 'order' | 'product', id: number, version: string): string {
  return `${kind}/${id}@${version}`;
}

export function mapCustomer(c: Customer, context: MappingContext): EventDraft[] {
  const modified = present(c.date_modified_gmt) ? gmtTime(c.date_modified_gmt, 'date_modified_gmt') : undefined;
  const created = present(c.date_created_gmt) ? gmtTime(c.date_created_gmt, 'date_created_gmt') : undefined;
  const at = modified ?? created ?? context.now.toISOString();
  const email = present(c.email) ? c.email : c.billing?.email;
  const phone = c.billing?.phone;
  return [
    {
      type: 'customer.upserted',
      sourceEventId: resourceEventId('customer', c.id, modified ?? created ?? 'unknown'),
      occurredAt: at,
      identifiers: personIdentifiers(context, { customerId: c.id, email, phone, country: c.billing?.country }),
      data: {
        firstName: present(c.first_name) ? c.first_name : present(c.billing?.first_name) ? c.billing.first_name : null,
        lastName: present(c.last_name) ? c.last_name : present(c.billing?.last_name) ? c.billing.last_name : null,
        email: present(email) ? email : null,
        phone: present(phone) ? phone : null,
        ...(address(c.billing) ? { address: address(c.billing) } : {}),
        ...(created ? { createdAt: created } : {}),
      },
    },
  ];
}

function orderStatus(status: string): 'placed' | 'paid' | 'fulfilled' | 'cancelled' | 'refunded' {
  switch (status) {
    case 'processing':
      return 'paid';
    case 'completed':
      return 'fulfilled';
    case 'cancelled':
    case 'failed':
      return 'cancelled';
    case 'refunded':
      return 'refunded';
    default:
      // pending, on-hold and statuses plugins add: placed, not yet paid.
      return 'placed';
  }
}

function line(item: LineItem): OrderLine {
  // `price` is the unit price after discounts; older payloads lack it, then total / quantity is the same thing.
  const price =
    typeof item.price === 'number'
      ? item.price
      : item.total !== null && item.total !== undefined && item.quantity > 0
        ? item.total / item.quantity
        : 0;
  return {
    ...(item.product_id ? { productId: String(item.product_id) } : {}),
    ...(item.variation_id ? { variantId: String(item.variation_id) } : {}),
    ...(present(item.sku) ? { sku: item.sku } : {}),
    name: decodeEntities(item.name),
    quantity: item.quantity,
    price: Math.round(price * 10_000) / 10_000,
  };
}

/** A name compared letters and digits only, case- and accent-insensitively. */
const nameKey = (a: Address | null | undefined) =>
  [a?.first_name, a?.last_name]
    .filter(present)
    .join(' ')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * A parcel sent somewhere other than the billing address, or to someone other than the buyer (checkout's "Ship to a
 * different address?" with another name): a hint that the order is a gift. Core WooCommerce carries no gift field
 * (gift wrap and gift messages come from plugins, each with its own meta keys), so nothing else is read.
 */
function shippedElsewhere(o: Order): boolean {
  const ship = o.shipping;
  if (!ship || !present(ship.address_1)) return false;
  const key = (a: Address | null | undefined) =>
    [a?.address_1, a?.postcode, a?.country].map((v) => (v ?? '').trim().toLowerCase()).join('|');
  const recipient = nameKey(ship);
  const buyer = nameKey(o.billing);
  return key(ship) !== key(o.billing) || (recipient !== '' && buyer !== '' && recipient !== buyer);
}

/**
 * `kind` says which event: `placed` for order.created, `updated` for order.updated; a poll passes `auto` and gets
 * `placed` for an order never modified since it was created. Both types merge the same way.
 */
export function mapOrder(o: Order, context: MappingContext, kind: 'placed' | 'updated' | 'auto'): EventDraft[] {
  if (NOT_AN_ORDER.has(o.status)) return [];
  const created = gmtTime(o.date_created_gmt, 'date_created_gmt');
  const modified = present(o.date_modified_gmt) ? gmtTime(o.date_modified_gmt, 'date_modified_gmt') : created;
  const identifiers = personIdentifiers(context, {
    customerId: o.customer_id,
    email: o.billing?.email,
    phone: o.billing?.phone,
    country: o.billing?.country,
  });
  const type = kind === 'placed' || (kind === 'auto' && modified === created) ? 'order.placed' : 'order.updated';
  const channel = /\bpos\b/i.test(o.created_via ?? '') ? 'pos' : 'web';
  return [
    {
      type,
      sourceEventId: resourceEventId('order', o.id, modified),
      occurredAt: modified,
      identifiers,
      data: {
        orderId: String(o.id),
        ...(present(o.number) ? { orderNumber: o.number } : {}),
        channel,
        currency: o.currency.toUpperCase(),
        total: o.total,
        placedAt: created,
        status: orderStatus(o.status),
        lines: o.line_items.map(line),
        ...(shippedElsewhere(o) ? { shippedToOtherAddress: true } : {}),
      },
    },
  ];
}
