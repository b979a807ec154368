// What the seed-story tests share: a local stack on a clock the test moves, and entering it only as the vendors do —
// Shopify's signed webhooks (with its documented payloads from connectors/shopify/fixtures) and the website's collect
// batches as syncline.js posts them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SynclineConfig } from '../../core/config.js';
import { signShopifyWebhook } from '../../connectors/shopify/simulator.js';
import { startLocalStack, type LocalStack } from '../../local/local-stack.js';
import { sharedDynamo } from './shared-stack.js';

export type Json = Record<string, unknown>;
export const DAY = 24 * 60 * 60 * 1000;
/** A person's browser: collect drops obvious bots, and the survey route shows link scanners a confirm page. */
export const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';

/** The test's clock: starts on a whole minute, moves only when the test says so. */
export class StoryClock {
  now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  ago = (days: number): string => new Date(this.now.getTime() - days * DAY).toISOString();
  later(minutes: number): void {
    this.now = new Date(this.now.getTime() + minutes * 60_000);
  }
}

/** The stories' stack: no poll at start, fast redelivery; on the test's clock, or on real time for stories whose vendors' records are stamped now. */
export function startStoryStack(config: SynclineConfig, clock?: StoryClock, sampleCustomers = 0): Promise<LocalStack> {
  return startLocalStack({
    config,
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 2,
    maxReceiveCount: 2,
    sampleCustomers,
    ...(clock ? { now: () => clock.now } : {}),
    ...sharedDynamo(),
  });
}

/** A payload from the Shopify connector's fixtures (copied from Shopify's documentation, see its SOURCES.md). */
export const shopifyFixture = (name: string): Json =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../connectors/shopify/fixtures/${name}.json`, import.meta.url)), 'utf8')) as Json;

let delivery = 0;

/** Posts one webhook as Shopify does (HMAC of the raw body with the app's secret, its headers); returns the status. */
export async function shopifyWebhook(
  stack: LocalStack,
  target: { tenant: string; instance: string; shopDomain: string },
  topic: string,
  body: Json,
): Promise<number> {
  const raw = JSON.stringify(body);
  const secret = stack.simulators.secretsFor(target.tenant, target.instance)!.webhookSecret as string;
  const response = await fetch(`${stack.url}/webhooks/${target.tenant}/${target.instance}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': target.shopDomain,
      'x-shopify-webhook-id': `story-${process.pid}-${++delivery}`,
      'x-shopify-api-version': '2025-10',
      ...signShopifyWebhook(raw, secret),
    },
    body: raw,
  });
  return response.status;
}

/** A Shopify product with one variant, as products/create sends it: `product_type` is the category. */
export function shopifyProduct(
  p: { id: number; sku: string; title: string; type: string; price: string; stock?: number },
  updatedAt: string,
): Json {
  return {
    ...shopifyFixture('products-create'),
    id: p.id,
    admin_graphql_api_id: `gid://shopify/Product/${p.id}`,
    title: p.title,
    handle: p.sku.toLowerCase(),
    product_type: p.type,
    tags: '',
    updated_at: updatedAt,
    variants: [{ id: p.id * 10, product_id: p.id, sku: p.sku, price: p.price, inventory_quantity: p.stock ?? 5, inventory_policy: 'deny' }],
  };
}

/** A paid orders/create for these products; lines as Shopify sends them: product, variant, SKU, name, price, no category. */
export function shopifyOrder(
  o: { id: number; email: string; customerId: number; at: string },
  products: readonly { id: number; sku: string; title: string; price: string }[],
): Json {
  const base = shopifyFixture('orders-create');
  const template = (base.line_items as Json[])[0]!;
  const lines = products.map((p, i) => ({
    ...template,
    id: o.id * 10 + i,
    product_id: p.id,
    variant_id: p.id * 10,
    sku: p.sku,
    name: p.title,
    title: p.title,
    price: p.price,
    quantity: 1,
  }));
  return {
    ...base,
    id: o.id,
    admin_graphql_api_id: `gid://shopify/Order/${o.id}`,
    name: `#${o.id}`,
    email: o.email,
    created_at: o.at,
    updated_at: o.at,
    processed_at: o.at,
    currency: 'EUR',
    financial_status: 'paid',
    total_price: lines.reduce((s, l) => s + Number(l.price), 0).toFixed(2),
    line_items: lines,
    customer: { ...(base.customer as Json), id: o.customerId, email: o.email },
  };
}

/** Shopify's consent webhook: the customer subscribed to e-mail marketing at `at`. */
export const shopifySubscribed = (customerId: number, email: string, at: string): Json => ({
  customer_id: customerId,
  email_address: email,
  email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: at },
});

/** One batch from syncline.js on a page of `origin`, as a browser posts it (text/plain, no preflight). */
export async function collect(
  stack: LocalStack,
  target: { tenant: string; site: string; writeKey: string; origin: string },
  anonymousId: string,
  events: readonly Json[],
): Promise<number> {
  const response = await fetch(`${stack.url}/collect/${target.tenant}/${target.site}`, {
    method: 'POST',
    headers: { origin: target.origin, 'user-agent': BROWSER, 'content-type': 'text/plain;charset=UTF-8' },
    body: JSON.stringify({ writeKey: target.writeKey, anonymousId, sentAt: events.at(-1)?.at, events }),
  });
  return response.status;
}

/**
 * The till stories' online orientation: a Shopify account, its e-mail consent five minutes later, then a checkout of
 * one product left unfinished five minutes after that. Answers each delivery's status.
 */
export async function shopifyOrientation(
  stack: LocalStack,
  target: { tenant: string; instance: string; shopDomain: string },
  story: {
    /** When the account was made, in minutes before now; `time` writes a time as the story's payloads carry it. */
    startedMinutesAgo: number;
    time: (minutesAgo: number) => string;
    customer: { id: number; email: string; first_name: string; last_name: string; phone?: string };
    checkoutToken: string;
    line: { product_id: number; variant_id: number; sku: string; title: string; price: string };
  },
): Promise<number[]> {
  const { startedMinutesAgo: start, time, customer, line } = story;
  const account = { ...customer, created_at: time(start), updated_at: time(start) };
  const consent = { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: time(start - 5) };
  const checkout = {
    token: story.checkoutToken,
    email: customer.email,
    created_at: time(start - 10),
    updated_at: time(start - 10),
    currency: 'EUR',
    total_price: line.price,
    customer: { id: customer.id, email: customer.email },
    line_items: [{ ...line, quantity: 1 }],
  };
  return [
    await shopifyWebhook(stack, target, 'customers/create', account),
    await shopifyWebhook(stack, target, 'customers/email_marketing_consent_update', {
      customer_id: customer.id,
      email_address: customer.email,
      email_marketing_consent: consent,
    }),
    await shopifyWebhook(stack, target, 'checkouts/create', checkout),
  ];
}
