// Lightspeed eCom customers and orders → canonical event drafts. Pure: the same record state always gives the
// same events, whether it came from a webhook or from the poll.
import type { Address, EventDraft, Identifier, OrderLine } from '../sdk/index.js';
import { PayloadInvalid, phoneInCountry } from '../sdk/index.js';
import type { Customer, Order, OrderProduct } from './schemas.js';

export interface MappingContext {
  /** The connector instance: scopes eCom customer ids (`customerId:<instance>`). */
  instance: string;
  /** The shop currency, for orders that do not name their own (and the catalog's prices). */
  currency: string;
  /** When the delivery arrived: the time of a deletion, whose body has none. */
  now?: Date;
}

const present = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/** eCom times ("2016-02-03T16:10:13+01:00") in UTC ISO. */
export function utcTime(value: string, field: string): string {
  const millis = Date.parse(value.trim().replace(' ', 'T'));
  if (Number.isNaN(millis)) throw new PayloadInvalid(`${field} is not a time Lightspeed documents`, [`${field}: unreadable time`]);
  return new Date(millis).toISOString();
}

const money = (amount: number) => Math.round(amount * 10_000) / 10_000;

export function personIdentifiers(
  context: MappingContext,
  person: {
    customerId?: number | null | undefined;
    email?: string | null;
    phones?: (string | null | undefined)[];
    country?: string | null | undefined;
  },
): Identifier[] {
  const ids: Identifier[] = [];
  if (typeof person.customerId === 'number' && person.customerId > 0)
    ids.push({ type: `customerId:${context.instance}`, value: String(person.customerId) });
  if (present(person.email)) ids.push({ type: 'email', value: person.email.trim() });
  // A national number is read in the billing country; without one it stays as given, and no identifier comes of it.
  for (const phone of person.phones ?? []) {
    const value = present(phone) ? (phoneInCountry(phone, person.country) ?? phone.trim()) : undefined;
    if (value !== undefined && !ids.some((id) => id.type === 'phone' && id.value === value)) ids.push({ type: 'phone', value });
  }
  return ids.filter((id) => id.value.length <= 320);
}

type Person = Pick<
  Customer,
  | 'addressBillingStreet'
  | 'addressBillingStreet2'
  | 'addressBillingNumber'
  | 'addressBillingExtension'
  | 'addressBillingZipcode'
  | 'addressBillingCity'
  | 'addressBillingRegion'
  | 'addressBillingCountry'
>;

/** The billing address: eCom splits street, house number and extension ("Keizersgracht" "313" "A"). */
function billingAddress(p: Person): Address | undefined {
  const street = [p.addressBillingStreet, p.addressBillingNumber, p.addressBillingExtension]
    .filter(present)
    .map((s) => s.trim())
    .join(' ');
  const parts: Record<keyof Address, string | null | undefined> = {
    line1: street,
    line2: p.addressBillingStreet2,
    city: p.addressBillingCity,
    postalCode: p.addressBillingZipcode,
    region: p.addressBillingRegion,
    country: p.addressBillingCountry?.code?.toUpperCase(),
  };
  const out: Address = {};
  for (const [key, value] of Object.entries(parts)) if (present(value)) out[key as keyof Address] = value.trim();
  return Object.keys(out).length > 0 ? out : undefined;
}

export function mapCustomer(customer: Customer, context: MappingContext): EventDraft[] {
  const at = utcTime(customer.updatedAt, 'customer.updatedAt');
  const place = billingAddress(customer);
  return [
    {
      type: 'customer.upserted',
      sourceEventId: `customers/${customer.id}/${at}`,
      occurredAt: at,
      identifiers: personIdentifiers(context, {
        customerId: customer.id,
        email: customer.email,
        phones: [customer.mobile, customer.phone],
        country: customer.addressBillingCountry?.code,
      }),
      data: {
        firstName: customer.firstname ?? null,
        lastName: [customer.middlename, customer.lastname].filter(present).join(' ') || null,
        email: present(customer.email) ? customer.email.trim() : null,
        phone: present(customer.mobile) ? customer.mobile.trim() : present(customer.phone) ? customer.phone.trim() : null,
        ...(present(customer.birthDate) && customer.birthDate !== '0000-00-00' ? { birthdate: customer.birthDate } : {}),
        ...(place ? { address: place } : {}),
        createdAt: utcTime(customer.createdAt, 'customer.createdAt'),
      },
    },
  ];
}

function orderStatus(order: Order): 'placed' | 'paid' | 'fulfilled' | 'cancelled' | 'refunded' {
  if (order.status?.startsWith('cancelled')) return 'cancelled';
  if (order.paymentStatus === 'refunded') return 'refunded';
  if (order.shipmentStatus === 'shipped' || order.status === 'completed_shipped') return 'fulfilled';
  if (order.paymentStatus === 'paid') return 'paid';
  return 'placed';
}

function line(item: OrderProduct): OrderLine {
  const name = [item.productTitle, item.variantTitle].filter(present).join(' - ');
  const productId = item.product?.resource.id;
  const variantId = item.variant?.resource.id;
  // An empty sku is common; the article code is the merchant's own product number then.
  const sku = present(item.sku) ? item.sku : item.articleCode;
  return {
    ...(typeof productId === 'number' ? { productId: String(productId) } : {}),
    ...(typeof variantId === 'number' ? { variantId: String(variantId) } : {}),
    ...(present(sku) ? { sku } : {}),
    name: name || `order product ${item.id}`,
    quantity: Math.max(0, item.quantityOrdered),
    price: money(item.priceIncl),
  };
}

/** A name compared letters and digits only, case- and accent-insensitively ("Ruud  Stelder" = "ruud stelder"). */
const nameKey = (name: string | null | undefined) =>
  (name ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * Whether the parcel goes to another person: the shipping name differs from the billing name (else the buyer's own
 * first and last name). Unknown (false) without a shipping name.
 */
export function shipsToAnotherPerson(order: Order): boolean {
  const recipient = nameKey(order.addressShippingName);
  const buyer = nameKey(order.addressBillingName) || nameKey([order.firstname, order.middlename, order.lastname].filter(present).join(' '));
  return recipient !== '' && buyer !== '' && recipient !== buyer;
}

/**
 * An order → order.placed on its first state (createdAt = updatedAt), order.updated on later ones. Its lines are
 * the order products: embedded in the payload, or fetched by the poll and passed in. Without them the order is
 * still reported, under an event id that sorts before the same state with lines, so that when both arrive the
 * merge keeps the one with lines (the larger event id wins a tie in time).
 */
export function mapOrder(order: Order, context: MappingContext, products?: OrderProduct[]): EventDraft[] {
  const at = utcTime(order.updatedAt, 'order.updatedAt');
  const items = products ?? (Array.isArray(order.products) ? order.products : undefined);
  const customerId = order.customer?.resource.id;
  return [
    {
      type: utcTime(order.createdAt, 'order.createdAt') === at ? 'order.placed' : 'order.updated',
      sourceEventId: `orders/${order.id}/${at}${items ? '/lines' : ''}`,
      occurredAt: at,
      identifiers: personIdentifiers(context, {
        customerId: typeof customerId === 'number' ? customerId : undefined,
        email: order.email,
        phones: [order.mobile, order.phone],
        country: order.addressBillingCountry?.code,
      }),
      data: {
        orderId: String(order.id),
        ...(present(order.number) ? { orderNumber: order.number } : {}),
        channel: 'web',
        currency: present(order.currency) && /^[A-Za-z]{3}$/.test(order.currency) ? order.currency.toUpperCase() : context.currency,
        total: money(order.priceIncl),
        placedAt: utcTime(order.createdAt, 'order.createdAt'),
        status: orderStatus(order),
        lines: (items ?? []).map(line),
        ...(shipsToAnotherPerson(order) ? { shippedToOtherAddress: true } : {}),
      },
    },
  ];
}
