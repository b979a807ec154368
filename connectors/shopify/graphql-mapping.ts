// GraphQL Admin API nodes (what poll reads) → canonical event drafts, matching what the webhooks give for the same records.
import type { EventDraft, OrderLine } from '../sdk/index.js';
import { address, numericId, personIdentifiers, skipTestOrder, utcTime, type MappingContext } from './mapping.js';
import type { CustomerNode, OrderNode } from './schemas.js';
import { DEFAULT_GIFT_WORDS, hasGiftAttribute, shipsToAnotherPerson } from './gifts.js';

/** `gid://shopify/Customer/123` → "123": the id webhooks carry, so both paths name the same customer. */
const idOf = (gid: string) => numericId(gid, gid);

export function mapCustomerNode(node: CustomerNode, context: MappingContext): EventDraft[] {
  const customerId = idOf(node.id);
  const at = utcTime(node.updatedAt, 'updatedAt');
  const email = node.defaultEmailAddress?.emailAddress ?? null;
  const phone = node.defaultPhoneNumber?.phoneNumber ?? null;
  const a = node.defaultAddress;
  return [
    {
      type: 'customer.upserted',
      sourceEventId: `poll/customers/${customerId}/${at}`,
      occurredAt: at,
      identifiers: personIdentifiers(context, { customerId, email, phone, country: node.defaultAddress?.countryCodeV2 }),
      data: {
        firstName: node.firstName,
        lastName: node.lastName,
        email,
        phone,
        locale: node.locale,
        address: a
          ? address({
              address1: a.address1,
              address2: a.address2,
              city: a.city,
              zip: a.zip,
              province_code: a.provinceCode,
              country_code: a.countryCodeV2,
            })
          : a === null
            ? null
            : undefined,
        createdAt: utcTime(node.createdAt, 'createdAt'),
      },
    },
  ];
}

type Names = { name?: string | null | undefined; firstName?: string | null | undefined; lastName?: string | null | undefined };
const named = (n: Names | null | undefined) => (n ? { name: n.name, first_name: n.firstName, last_name: n.lastName } : n);

function status(node: OrderNode): 'placed' | 'paid' | 'cancelled' | 'refunded' {
  if (node.cancelledAt || node.displayFinancialStatus === 'VOIDED') return 'cancelled';
  if (node.displayFinancialStatus === 'REFUNDED') return 'refunded';
  if (node.displayFinancialStatus === 'PAID') return 'paid';
  return 'placed';
}

export function mapOrderNode(node: OrderNode, context: MappingContext): EventDraft[] {
  if (skipTestOrder(node.test, context)) return [];
  const orderId = idOf(node.id);
  const at = utcTime(node.updatedAt, 'updatedAt');
  const identifiers = personIdentifiers(context, {
    customerId: node.customer ? idOf(node.customer.id) : undefined,
    email: node.email,
    phone: node.phone,
    country: node.billingAddress?.countryCodeV2 ?? node.shippingAddress?.countryCodeV2,
  });
  const lines: OrderLine[] = node.lineItems.nodes.map((item) => ({
    ...(item.product ? { productId: idOf(item.product.id) } : {}),
    ...(item.variant ? { variantId: idOf(item.variant.id) } : {}),
    ...(item.sku ? { sku: item.sku } : {}),
    name: item.name,
    quantity: item.quantity,
    price: item.originalUnitPriceSet.shopMoney.amount,
    ...(item.isGiftCard === true ? { gift: true } : {}),
  }));
  // The same gift rules as the orders/create webhook (mapping.ts): a gift note attribute, another addressee.
  const attributes = (node.customAttributes ?? []).map((a) => ({ name: a.key, value: a.value }));
  // Each state of the order is its own event; the merge keeps one order per id, the latest state winning.
  const id = `poll/orders/${orderId}/${at}`;
  const events: EventDraft[] = [
    {
      type: 'order.placed',
      sourceEventId: id,
      occurredAt: at,
      identifiers,
      data: {
        orderId,
        ...(node.name ? { orderNumber: node.name } : {}),
        channel: node.sourceName === 'pos' ? 'pos' : 'web',
        currency: node.totalPriceSet.shopMoney.currencyCode,
        total: node.totalPriceSet.shopMoney.amount,
        placedAt: utcTime(node.createdAt, 'createdAt'),
        status: status(node),
        lines,
        ...(hasGiftAttribute(attributes, context.giftAttributeWords ?? DEFAULT_GIFT_WORDS) ? { gift: true } : {}),
        ...(shipsToAnotherPerson(named(node.shippingAddress), named(node.billingAddress), named(node.customer))
          ? { shippedToOtherAddress: true }
          : {}),
      },
    },
  ];
  if (node.customerAcceptsMarketing === true) {
    events.push({
      type: 'consent.changed',
      // Given once, at checkout: the same event id whichever state of the order we read it from.
      sourceEventId: `poll/orders/${orderId}#email_marketing`,
      occurredAt: utcTime(node.createdAt, 'createdAt'),
      identifiers,
      data: { purpose: 'email_marketing', granted: true, method: 'shopify checkout: customerAcceptsMarketing', implied: true },
    });
  }
  return events;
}
