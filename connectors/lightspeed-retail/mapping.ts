// Lightspeed Retail (X-Series) customers and sales → canonical event drafts. Pure: the same record version
// always gives the same events, whether it came from the change feed or from a webhook.
import type { Address, EventDraft, Identifier, OrderLine } from '../sdk/index.js';
import { customAttributesOf, PayloadInvalid, phoneInCountry } from '../sdk/index.js';
import type { Customer, LineItem, Sale } from './schemas.js';

export interface MappingContext {
  /** The connector instance: scopes Lightspeed customer ids (`customerId:<instance>`). */
  instance: string;
  /** The retailer's currency (sales carry none). */
  currency: string;
  anonymousCustomerIds: readonly string[];
  /** The instance's choice of custom attributes (LightspeedRetailSettings.customAttributes). */
  customAttributes?: Readonly<Record<string, Readonly<Record<string, string>>>> | undefined;
}

/**
 * Customer fields with no canonical place, kept unless the instance chooses others: the loyalty points balance,
 * the year's spend and the four free fields a retailer labels itself (a shoe size, a membership number).
 */
export const CUSTOMER_ATTRIBUTES = [
  'loyalty_balance',
  'year_to_date',
  'custom_field_1',
  'custom_field_2',
  'custom_field_3',
  'custom_field_4',
];

const present = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * Lightspeed times in UTC ISO. API 2.0 sends "2014-09-18T01:37:56+00:00"; API 1.0 payloads (webhooks) send
 * "2014-09-18 01:37:56", which Lightspeed documents as UTC.
 */
export function utcTime(value: string, field: string): string {
  let text = value.trim().replace(' ', 'T');
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text)) text += 'Z';
  const millis = Date.parse(text);
  if (Number.isNaN(millis)) throw new PayloadInvalid(`${field} is not a time Lightspeed documents`, [`${field}: unreadable time`]);
  return new Date(millis).toISOString();
}

/** Amounts to numbers without binary noise (4.30435 + 0.64565 is 4.95, not 4.949999…). */
export const money = (amount: number) => Math.round(amount * 10_000) / 10_000;

/** A record's change id: its version, the change feed's own sequence, else its update time. */
function changeId(record: { version?: number | null | undefined; updated_at?: string | null | undefined }, field: string): string {
  if (record.version !== undefined && record.version !== null) return `v${record.version}`;
  if (present(record.updated_at)) return utcTime(record.updated_at, `${field}.updated_at`);
  throw new PayloadInvalid(`${field} has neither version nor updated_at`, [`${field}: no version`]);
}

function recordTime(record: { updated_at?: string | null | undefined; created_at?: string | null | undefined }, field: string): string {
  const at = record.updated_at ?? record.created_at;
  if (!present(at)) throw new PayloadInvalid(`${field} has no updated_at`, [`${field}.updated_at: missing`]);
  return utcTime(at, `${field}.updated_at`);
}

export function personIdentifiers(
  context: MappingContext,
  person: {
    customerId?: string | null | undefined;
    email?: string | null | undefined;
    phones?: (string | null | undefined)[];
    customerCode?: string | null | undefined;
    /** The customer's country (ISO 3166-1 alpha-2): a national number ("06…") is read in it. */
    country?: string | null | undefined;
  },
): Identifier[] {
  if (present(person.customerId) && context.anonymousCustomerIds.includes(person.customerId)) return [];
  const ids: Identifier[] = [];
  if (present(person.customerId)) ids.push({ type: `customerId:${context.instance}`, value: person.customerId.trim() });
  if (present(person.email)) ids.push({ type: 'email', value: person.email.trim() });
  // A national number without a country stays as given, and the core matches nothing on it.
  for (const phone of person.phones ?? [])
    if (present(phone)) ids.push({ type: 'phone', value: phoneInCountry(phone, person.country) ?? phone.trim() });
  // The customer code is what a shopper shows at the till to claim loyalty: their loyalty id.
  if (present(person.customerCode)) ids.push({ type: 'loyaltyId', value: person.customerCode.trim() });
  // The same number often sits in both phone and mobile.
  const unique = new Map<string, Identifier>();
  for (const id of ids) if (id.value.length <= 320) unique.set(`${id.type}#${id.value}`, id);
  return [...unique.values()];
}

function address(c: Customer): Address | undefined {
  const line1 = c.physical_address_1 ?? c.physical_address1;
  const physical = [line1, c.physical_city, c.physical_postcode, c.physical_country_id].some(present);
  const pick = physical
    ? {
        line1,
        line2: c.physical_address_2 ?? c.physical_address2,
        city: c.physical_city,
        postalCode: c.physical_postcode,
        region: c.physical_state,
        country: c.physical_country_id,
      }
    : {
        line1: c.postal_address_1,
        line2: c.postal_address_2,
        city: c.postal_city,
        postalCode: c.postal_postcode,
        region: c.postal_state,
        country: c.postal_country_id,
      };
  const out: Address = {};
  for (const [key, value] of Object.entries(pick)) if (present(value)) out[key as keyof Address] = value.trim();
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A customer record → customer.upserted, plus the consent it states. Deleted customers give nothing. */
export function mapCustomer(customer: Customer, context: MappingContext): EventDraft[] {
  if (present(customer.deleted_at)) return [];
  const at = recordTime(customer, 'customer');
  const id = `customers/${customer.id}/${changeId(customer, 'customer')}`;
  const identifiers = personIdentifiers(context, {
    customerId: customer.id,
    email: customer.email,
    phones: [customer.mobile, customer.phone],
    customerCode: customer.customer_code,
    country: present(customer.physical_country_id) ? customer.physical_country_id : customer.postal_country_id,
  });
  const place = address(customer);
  const attributes = customAttributesOf(customer, CUSTOMER_ATTRIBUTES, context.customAttributes?.customer);
  const events: EventDraft[] = [
    {
      type: 'customer.upserted',
      sourceEventId: id,
      occurredAt: at,
      identifiers,
      data: {
        firstName: customer.first_name ?? null,
        lastName: customer.last_name ?? null,
        email: present(customer.email) ? customer.email.trim() : null,
        phone: present(customer.mobile) ? customer.mobile.trim() : present(customer.phone) ? customer.phone.trim() : null,
        ...(present(customer.date_of_birth) ? { birthdate: customer.date_of_birth } : {}),
        ...(place ? { address: place } : {}),
        ...(present(customer.created_at) ? { createdAt: utcTime(customer.created_at, 'customer.created_at') } : {}),
        ...(attributes ? { attributes } : {}),
      },
    },
  ];
  // `do_not_email` is an opt-out: true withdraws e-mail consent, false grants nothing (it is the default).
  if (customer.do_not_email === true) {
    events.push({
      type: 'consent.changed',
      sourceEventId: `${id}#email_marketing`,
      occurredAt: at,
      identifiers,
      data: { purpose: 'email_marketing', granted: false, method: 'lightspeed-retail: do_not_email' },
    });
  }
  // `enable_promotional_sms` is an opt-in: true grants; false is also the default, so it withdraws nothing.
  if (customer.enable_promotional_sms === true) {
    events.push({
      type: 'consent.changed',
      sourceEventId: `${id}#sms_marketing`,
      occurredAt: at,
      identifiers,
      data: { purpose: 'sms_marketing', granted: true, method: 'lightspeed-retail: enable_promotional_sms' },
    });
  }
  return events;
}

function saleStatus(sale: Sale): 'placed' | 'paid' | 'cancelled' | 'refunded' {
  if (present(sale.deleted_at) || sale.status === 'VOIDED') return 'cancelled';
  if (present(sale.return_for) || sale.total_price < 0) return 'refunded';
  if (/CLOSED$/.test(sale.status)) return 'paid';
  return 'placed';
}

/**
 * One line, amounts tax inclusive (what the shopper paid). Returns carry negative quantities; the line keeps the
 * absolute quantity and the sale is marked refunded. Fractional quantities (sold by weight) become one line of
 * their whole amount, since canonical quantities are whole numbers.
 */
function line(item: LineItem): OrderLine {
  const unit = money(item.price + (item.tax ?? 0));
  const quantity = Math.abs(item.quantity);
  const whole = Number.isInteger(quantity);
  const name = present(item.name) ? item.name : present(item.product_id) ? item.product_id : 'unnamed product';
  return {
    ...(present(item.product_id) ? { productId: item.product_id } : {}),
    name,
    quantity: whole ? quantity : 1,
    price: whole ? unit : money(unit * quantity),
  };
}

/** A sale → order.placed on its first version (created_at = updated_at), order.updated on later ones; channel pos. */
export function mapSale(sale: Sale, context: MappingContext): EventDraft[] {
  const at = recordTime(sale, 'sale');
  const placedAt = sale.sale_date ?? sale.created_at;
  if (!present(placedAt)) throw new PayloadInvalid('sale has no sale_date', ['sale.sale_date: missing']);
  const embedded = sale.customer ?? undefined;
  const identifiers = personIdentifiers(context, {
    customerId: sale.customer_id ?? embedded?.id,
    email: embedded?.email,
    phones: [embedded?.mobile, embedded?.phone],
    customerCode: embedded?.customer_code,
  });
  const first = present(sale.created_at) && present(sale.updated_at) && utcTime(sale.created_at, 'sale.created_at') === at;
  const number = sale.invoice_number ?? sale.receipt_number;
  return [
    {
      type: first ? 'order.placed' : 'order.updated',
      sourceEventId: `sales/${sale.id}/${changeId(sale, 'sale')}`,
      occurredAt: at,
      identifiers,
      data: {
        orderId: sale.id,
        ...(present(number) ? { orderNumber: number } : {}),
        channel: 'pos',
        currency: context.currency,
        total: money(sale.total_price + (sale.total_tax ?? 0)),
        placedAt: utcTime(placedAt, 'sale.sale_date'),
        status: saleStatus(sale),
        lines: (sale.line_items ?? sale.register_sale_products ?? []).map(line),
      },
    },
  ];
}
