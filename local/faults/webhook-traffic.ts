// Seeded webhook traffic for fault tests and the soak: Shopify and WooCommerce deliveries for a set of people, with
// identifiers that link events (one e-mail in both shops, an anonymous checkout completed by an order), duplicate
// deliveries, out-of-order updates, and optionally authentic but invalid deliveries. Bodies are the vendors'
// documented examples with the people changed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { signShopifyWebhook } from '../../connectors/shopify/simulator.js';
import { signWooCommerceWebhook } from '../../connectors/woocommerce/simulator.js';
import type { LocalStack } from '../local-stack.js';
import { seededRandom, type SeededRandom } from '../../connectors/sdk/seeded-random.js';

type Json = Record<string, unknown>;

export type TrafficInstance = 'shopify' | 'woocommerce';

export interface TrafficDelivery {
  instance: TrafficInstance;
  topic: string;
  body: string;
  /** The vendor's delivery id: a redelivery repeats it. */
  deliveryId: string;
  /** An authentic delivery whose payload syncline must refuse (422, quarantined). */
  invalid?: boolean;
}

export interface TrafficOptions {
  seed: number;
  people: number;
  /** Offset of the people's numbers, so that several batches of traffic describe different people. */
  firstPerson?: number;
  /** Share of deliveries sent twice (default 0.15). */
  duplicateShare?: number;
  /** Authentic but invalid deliveries to add (default 0). */
  invalid?: number;
}

const fixture = (connector: string, name: string): Json =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../connectors/${connector}/fixtures/${name}.json`, import.meta.url)), 'utf8')) as Json;
const shopify = {
  customer: fixture('shopify', 'customers-create'),
  order: fixture('shopify', 'orders-create'),
  checkout: fixture('shopify', 'checkouts-create'),
};
const woo = { customer: fixture('woocommerce', 'customer-created'), order: fixture('woocommerce', 'order-created') };

const FIRST = ['Anna', 'Bram', 'Cleo', 'Daan', 'Emma', 'Finn', 'Guus', 'Hanna', 'Ilse', 'Joost', 'Kim', 'Lars'];
const BASE = Date.parse('2026-10-01T08:00:00Z');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The deliveries in a seeded, shuffled order (updates out of order, duplicates anywhere). */
export function generateTraffic(options: TrafficOptions): TrafficDelivery[] {
  const random = seededRandom(options.seed);
  const deliveries: TrafficDelivery[] = [];
  const first = options.firstPerson ?? 0;
  for (let p = first; p < first + options.people; p++) deliveries.push(...personDeliveries(p, random));
  for (let i = 0; i < (options.invalid ?? 0); i++) deliveries.push(invalidDelivery(first + i, random));
  const duplicates = deliveries.filter((d) => !d.invalid && random.chance(options.duplicateShare ?? 0.15));
  return random.shuffle([...deliveries, ...duplicates]);
}

function personDeliveries(p: number, random: SeededRandom): TrafficDelivery[] {
  const email = `person${p}@example.test`;
  const name = FIRST[p % FIRST.length]!;
  const customerId = 8_000_000 + p;
  const t0 = BASE + p * HOUR;
  const out: TrafficDelivery[] = [];
  const shop = (topic: string, body: Json, id: string) =>
    out.push({ instance: 'shopify', topic, body: JSON.stringify(body), deliveryId: `p${p}-${id}` });
  const customer = (at: number, firstName: string): Json => ({
    ...shopify.customer,
    id: customerId,
    email,
    first_name: firstName,
    last_name: `Test${p}`,
    created_at: iso(t0),
    updated_at: iso(at),
    default_address: null,
    addresses: [],
  });

  shop('customers/create', customer(t0, name), 'create');
  // Two updates: whichever arrives last, the newer name must win.
  shop('customers/update', customer(t0 + 48 * HOUR, `${name}-${random.below(100)}`), 'update-new');
  shop('customers/update', customer(t0 + 24 * HOUR, `${name}-old`), 'update-old');
  if (p % 2 === 0) {
    shop(
      'customers/email_marketing_consent_update',
      {
        customer_id: customerId,
        email_address: email,
        email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: iso(t0 + HOUR) },
      },
      'consent',
    );
  }
  // An anonymous checkout that only the order completing it ties to the person.
  const cart = p % 3 === 0 ? `cart-${p}-${random.below(1_000_000)}` : undefined;
  if (cart) {
    shop(
      'checkouts/create',
      {
        ...shopify.checkout,
        token: cart,
        cart_token: cart,
        email: null,
        customer: null,
        created_at: iso(t0 + 70 * HOUR),
        updated_at: iso(t0 + 70 * HOUR),
        completed_at: null,
        abandoned_checkout_url: `https://shop.example/checkouts/${cart}/recover`,
      },
      'checkout',
    );
  }
  const orders = 1 + (p % 3);
  for (let k = 0; k < orders; k++) {
    const id = 600_000 + p * 10 + k;
    const at = iso(t0 + (72 + k * 24) * HOUR);
    shop(
      'orders/create',
      {
        ...shopify.order,
        id,
        name: `#${id}`,
        order_number: id,
        number: id,
        email,
        created_at: at,
        updated_at: at,
        processed_at: at,
        currency: 'EUR',
        total_price: String(20 + k * 5 + (p % 7)),
        buyer_accepts_marketing: false,
        token: `order-token-${id}`,
        cart_token: null,
        checkout_token: k === 0 && cart ? cart : null,
        checkout_id: null,
        customer: { ...(shopify.order.customer as Json), id: customerId, email, default_address: null },
        billing_address: null,
        shipping_address: null,
      },
      `order-${k}`,
    );
  }

  // The same person in the WooCommerce store: linked by the e-mail address alone.
  const wooCustomerId = 300_000 + p;
  const modified = iso(t0 + 96 * HOUR);
  const wooBilling = { ...(woo.customer.billing as Json), email, phone: '', first_name: name, last_name: `Test${p}` };
  out.push({
    instance: 'woocommerce',
    topic: 'customer.updated',
    body: JSON.stringify({
      ...woo.customer,
      id: wooCustomerId,
      email,
      first_name: name,
      last_name: `Test${p}`,
      username: `person${p}`,
      date_created_gmt: iso(t0),
      date_modified_gmt: modified,
      billing: wooBilling,
      shipping: { ...(woo.customer.shipping as Json) },
    }),
    deliveryId: `p${p}-woo-customer`,
  });
  if (p % 2 === 1) {
    const at = iso(t0 + 100 * HOUR);
    out.push({
      instance: 'woocommerce',
      topic: 'order.created',
      body: JSON.stringify({
        ...woo.order,
        id: 900_000 + p,
        number: String(900_000 + p),
        customer_id: wooCustomerId,
        billing: wooBilling,
        date_created_gmt: at,
        date_modified_gmt: at,
        currency: 'EUR',
        total: '12.50',
      }),
      deliveryId: `p${p}-woo-order`,
    });
  }
  return out;
}

/** Authentic (correctly signed) but not a valid payload of its topic: quarantined with a 422. */
function invalidDelivery(i: number, random: SeededRandom): TrafficDelivery {
  return random.chance(0.5)
    ? {
        instance: 'shopify',
        topic: 'orders/create',
        body: JSON.stringify({ id: `not-a-number-${i}`, line_items: 'none' }),
        deliveryId: `invalid-${i}`,
        invalid: true,
      }
    : {
        instance: 'woocommerce',
        topic: 'order.created',
        body: JSON.stringify({ id: -i, billing: 'nobody', line_items: 7 }),
        deliveryId: `invalid-${i}`,
        invalid: true,
      };
}

export interface DeliveryResult {
  status: number;
  /** Attempts it took: a vendor retries a delivery answered 5xx (or not at all). */
  attempts: number;
  /** Milliseconds of the attempt that got the final answer. */
  latencyMs: number;
}

/** Signs a delivery for `tenantId` and POSTs it to the local stack, retrying 5xx and network errors like a vendor. */
export async function deliver(stack: LocalStack, tenantId: string, delivery: TrafficDelivery, maxAttempts = 8): Promise<DeliveryResult> {
  const instance = stack.config.tenants.find((t) => t.id === tenantId)?.instances.find((i) => i.id === delivery.instance);
  const secret = stack.simulators.secretsFor(tenantId, delivery.instance)?.webhookSecret;
  if (!instance || typeof secret !== 'string')
    throw new Error(`${tenantId}/${delivery.instance} is not a simulated instance of the local stack`);
  for (let attempt = 1; ; attempt++) {
    const headers: Record<string, string> =
      delivery.instance === 'shopify'
        ? {
            'x-shopify-topic': delivery.topic,
            'x-shopify-shop-domain': String(instance.settings.shopDomain),
            'x-shopify-webhook-id': delivery.deliveryId,
            'x-shopify-api-version': '2025-10',
            ...signShopifyWebhook(delivery.body, secret),
          }
        : {
            'x-wc-webhook-source': String(instance.settings.storeUrl),
            'x-wc-webhook-topic': delivery.topic,
            'x-wc-webhook-resource': delivery.topic.split('.')[0]!,
            'x-wc-webhook-event': delivery.topic.split('.')[1]!,
            'x-wc-webhook-id': '142',
            // Fresh on every attempt, as WooCommerce does.
            'x-wc-webhook-delivery-id': `${delivery.deliveryId}-${attempt}`,
            ...signWooCommerceWebhook(delivery.body, secret),
          };
    const started = performance.now();
    let status: number;
    try {
      const response = await fetch(`${stack.url}/webhooks/${tenantId}/${delivery.instance}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: delivery.body,
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      status = 0;
    }
    const latencyMs = performance.now() - started;
    if ((status !== 0 && status < 500) || attempt >= maxAttempts) return { status, attempts: attempt, latencyMs };
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
  }
}

/** Delivers everything with `concurrency` requests in flight, in the given order. */
export async function deliverAll(
  stack: LocalStack,
  tenantId: string,
  deliveries: readonly TrafficDelivery[],
  concurrency = 6,
): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = new Array(deliveries.length);
  let next = 0;
  const sender = async () => {
    while (next < deliveries.length) {
      const i = next++;
      results[i] = await deliver(stack, tenantId, deliveries[i]!);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  return results;
}
