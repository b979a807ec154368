// Square customers and orders → canonical event drafts. Pure: the same object always gives the same events.
import { PayloadInvalid, phoneInCountry, type Address, type EventDraft, type Identifier, type OrderLine } from '../sdk/index.js';
import type { Customer, LineItem, Money, Order } from './schemas.js';

export interface MappingContext {
  /** The connector instance: scopes Square customer ids (`customerId:<instance>`). */
  instance: string;
  now: Date;
}

const present = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/** RFC 3339 (any offset, up to nanoseconds) → UTC ISO. */
export function utcTime(value: string, field: string): string {
  const millis = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  if (Number.isNaN(millis)) throw new PayloadInvalid(`${field} is not a time Square documents`, [`${field}: unreadable time`]);
  return new Date(millis).toISOString();
}

/** Digits after the decimal point of a currency (JPY 0, EUR 2, BHD 3); 2 when the code is not ISO 4217. */
function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Square money is an integer in the smallest unit: 1599 USD cents is 15.99. */
export function amount(money: Money): number {
  const digits = minorDigits(money.currency);
  return Number((money.amount / 10 ** digits).toFixed(digits));
}

/**
 * The event id is the object and its version: the same for a notification and its retries (which repeat event_id
 * and the object), and for a poll that reads the same version, so webhook and poll deduplicate.
 */
export function objectEventId(
  kind: 'customer' | 'order',
  id: string,
  version: number | null | undefined,
  updatedAt: string | null | undefined,
): string {
  return `${kind}/${id}@${typeof version === 'number' ? `v${version}` : (updatedAt ?? 'unknown')}`.slice(0, 256);
}

function address(a: Customer['address']): Address | undefined {
  if (!a) return undefined;
  const out: Address = {};
  if (present(a.address_line_1)) out.line1 = a.address_line_1;
  if (present(a.address_line_2)) out.line2 = a.address_line_2;
  if (present(a.locality)) out.city = a.locality;
  if (present(a.postal_code)) out.postalCode = a.postal_code;
  if (present(a.administrative_district_level_1)) out.region = a.administrative_district_level_1;
  if (present(a.country) && a.country !== 'ZZ') out.country = a.country;
  return Object.keys(out).length > 0 ? out : undefined;
}

export function customerIdentifiers(
  context: MappingContext,
  c: { id?: string | null; email?: string | null; phone?: string | null; country?: string | null | undefined },
): Identifier[] {
  const ids: Identifier[] = [];
  if (present(c.id)) ids.push({ type: `customerId:${context.instance}`, value: c.id });
  if (present(c.email)) ids.push({ type: 'email', value: c.email.trim() });
  // A national number is read in the address's country; without one it stays as given, and no identifier comes of it.
  if (present(c.phone)) ids.push({ type: 'phone', value: phoneInCountry(c.phone, c.country) ?? c.phone.trim() });
  return ids.filter((id) => id.value.length <= 320);
}

export function mapCustomer(c: Customer, context: MappingContext): EventDraft[] {
  const at = present(c.updated_at)
    ? utcTime(c.updated_at, 'updated_at')
    : present(c.created_at)
      ? utcTime(c.created_at, 'created_at')
      : context.now.toISOString();
  const id = objectEventId('customer', c.id, c.version, c.updated_at);
  const identifiers = customerIdentifiers(context, {
    id: c.id,
    email: c.email_address,
    phone: c.phone_number,
    country: c.address?.country,
  });
  const birthdate =
    present(c.birthday) && /^\d{4}-\d{2}-\d{2}$/.test(c.birthday) && !c.birthday.startsWith('0000') ? c.birthday : undefined;
  const home = address(c.address);
  const events: EventDraft[] = [
    {
      type: 'customer.upserted',
      sourceEventId: id,
      occurredAt: at,
      identifiers,
      data: {
        firstName: c.given_name ?? null,
        lastName: c.family_name ?? null,
        email: c.email_address ?? null,
        phone: c.phone_number ?? null,
        ...(birthdate ? { birthdate } : {}),
        ...(home ? { address: home } : {}),
        ...(present(c.created_at) ? { createdAt: utcTime(c.created_at, 'created_at') } : {}),
      },
    },
  ];
  // Square's flag records an unsubscribe; `false` is the default for every profile, not an opt-in.
  if (c.preferences?.email_unsubscribed === true) {
    events.push({
      type: 'consent.changed',
      sourceEventId: `${id}#email_marketing`,
      occurredAt: at,
      identifiers,
      data: { purpose: 'email_marketing', granted: false, method: 'square: preferences.email_unsubscribed' },
    });
  }
  return events;
}

function line(item: LineItem): OrderLine {
  const quantity = Number(item.quantity);
  const whole = Number.isInteger(quantity);
  const unit = item.base_price_money ? amount(item.base_price_money) : 0;
  // Items sold by weight ("0.5") become one line of their total: canonical quantities are whole numbers.
  const price = whole ? unit : item.total_money ? amount(item.total_money) : Number((unit * quantity).toFixed(4));
  const name = [item.name, item.variation_name].filter(present).join(' - ') || 'Custom amount';
  // The variation sold is also the catalog product (catalog-mapping.ts): the line finds its category by it.
  return {
    ...(present(item.catalog_object_id) ? { productId: item.catalog_object_id, variantId: item.catalog_object_id } : {}),
    name,
    quantity: whole ? quantity : 1,
    price,
  };
}

function orderStatus(state: string): 'placed' | 'paid' | 'cancelled' {
  if (state === 'COMPLETED') return 'paid';
  if (state === 'CANCELED') return 'cancelled';
  return 'placed';
}

/** The customer an order names, on itself or on one of its tenders. */
export const orderCustomerId = (o: Order): string | undefined =>
  present(o.customer_id) ? o.customer_id : o.tenders?.map((t) => t.customer_id).find(present);

/**
 * A full Order (poll). DRAFT orders are not orders yet; an order with no customer on it or on its tenders is an
 * anonymous sale and gives no event: there is no one to attach it to, unless the buyer collected loyalty points on it
 * (`loyalty`: the identifiers of that loyalty account, loyalty-mapping.ts).
 */
export function mapOrder(o: Order, context: MappingContext, loyalty: readonly Identifier[] = []): EventDraft[] {
  if (o.state === 'DRAFT') return [];
  const customerId = orderCustomerId(o);
  if (!customerId && loyalty.length === 0) return [];
  const created = utcTime(o.created_at, 'created_at');
  const updated = utcTime(o.updated_at, 'updated_at');
  // Shipped and delivered orders come from Square Online; everything else was rung up at a register.
  const web = (o.fulfillments ?? []).some((f) => f.type === 'SHIPMENT' || f.type === 'DELIVERY');
  return [
    {
      type: created === updated ? 'order.placed' : 'order.updated',
      sourceEventId: objectEventId('order', o.id, o.version, updated),
      occurredAt: updated,
      identifiers: customerId ? customerIdentifiers(context, { id: customerId }) : [...loyalty],
      data: {
        orderId: o.id,
        channel: web ? 'web' : 'pos',
        currency: o.total_money.currency,
        total: amount(o.total_money),
        placedAt: created,
        status: orderStatus(o.state),
        lines: (o.line_items ?? []).map(line),
      },
    },
  ];
}
