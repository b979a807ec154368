// The signed Shopify webhook traffic of the end-to-end bench: which person sends what, in which order.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

type Json = Record<string, unknown>;
const fixture = (name: string): Json => JSON.parse(readFileSync(join(ROOT, 'connectors/shopify/fixtures', `${name}.json`), 'utf8')) as Json;

export interface Delivery {
  topic: string;
  body: string;
  webhookId: string;
}

/**
 * How the deliveries of one shop are ordered:
 * - `bursty`: a shopper's session together, as Shopify sends it: placing an order fires checkouts/update (completed),
 *   orders/create and customers/update within seconds; a sign-up customers/create and the consent update. A shop busy
 *   enough to fill the merge's batches of 50 (which the cost model assumes) delivers a session inside one batch window.
 * - `interleaved`: person after person, round robin, so no batch ever holds two events of one person: every event
 *   costs its own profile write and sync message. The worst case, and what this bench measured until stop 32.
 */
export type DeliveryOrdering = 'bursty' | 'interleaved';

type Topic = 'customers' | 'consent' | 'checkout' | 'order';
/** Ten deliveries in four sessions, the same topic mix as the interleaved stream: 3 customers, 1 consent, 2 checkouts, 4 orders. */
const SESSIONS: readonly (readonly Topic[])[] = [
  ['customers', 'consent', 'checkout', 'order'],
  ['checkout', 'order', 'customers'],
  ['order', 'customers'],
  ['order'],
];
/** The interleaved stream's topic of delivery n (n % 10). */
const INTERLEAVED: readonly Topic[] = [
  'customers',
  'customers',
  'customers',
  'consent',
  'checkout',
  'checkout',
  'order',
  'order',
  'order',
  'order',
];

/** Who sends delivery n and what: the person and the topic, by ordering. */
function plan(count: number, people: number, ordering: DeliveryOrdering): PlannedDelivery[] {
  if (ordering === 'interleaved')
    return Array.from({ length: count }, (_, n) => ({ person: n % people, topic: INTERLEAVED[n % 10]!, session: n, secondInSession: 0 }));
  const out: PlannedDelivery[] = [];
  for (let session = 0; out.length < count; session++)
    SESSIONS[session % SESSIONS.length]!.forEach((topic, i) => {
      if (out.length < count) out.push({ person: session % people, topic, session, secondInSession: 5 * i });
    });
  return out;
}

interface PlannedDelivery {
  person: number;
  topic: Topic;
  session: number;
  secondInSession: number;
}

/** A shop's webhook traffic: new customers, consent, checkouts, orders (with several lines) and profile updates. */
export function webhookDeliveries(count: number, people: number, ordering: DeliveryOrdering): Delivery[] {
  const customer = fixture('customers-create');
  const order = fixture('orders-create');
  const checkout = fixture('checkouts-create');
  const out: Delivery[] = [];
  // The traffic of the last `count` minutes, ending now: a profile's campaign fields then change by the clock later
  // (an abandoned-cart window, a new customer's first days), so the merge gives it a due time in the tenant-due index
  // and pays that index's writes, as it does in production (with old timestamps nothing is ever due).
  const start = Date.now() - count * 60_000;
  const created = new Date(start - 3_600_000).toISOString();
  // Each ordering has people of its own, so the second run does not find the first one's profiles.
  const ids = ordering === 'bursty' ? { id: 900_000, mail: 'web' } : { id: 950_000, mail: 'wil' };
  const seen = new Set<number>();
  // The checkout an order of the same session completes: Shopify's order carries its checkout_token.
  const checkoutOf = new Map<number, string>();
  for (const [n, { person: p, topic: kind, session, secondInSession }] of plan(count, people, ordering).entries()) {
    const who = { id: ids.id + p, email: `${ids.mail}${p}@example.com`, first_name: `Web${p}`, last_name: 'Bench' };
    const at = new Date(start + n * 60_000 + secondInSession * 1_000).toISOString();
    let topic: string;
    let body: Json;
    if (kind === 'customers') {
      topic = seen.has(p) ? 'customers/update' : 'customers/create';
      seen.add(p);
      body = { ...customer, ...who, created_at: created, updated_at: at };
    } else if (kind === 'consent') {
      topic = 'customers/email_marketing_consent_update';
      body = {
        customer_id: who.id,
        email_address: who.email,
        email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: at },
      };
    } else if (kind === 'checkout') {
      topic = 'checkouts/update';
      checkoutOf.set(session, `bench-cart-${n}`);
      body = {
        ...checkout,
        id: 800_000 + n,
        token: `bench-cart-${n}`,
        cart_token: `bench-cart-${n}`,
        email: who.email,
        customer: { ...(checkout.customer as Json), ...who },
        created_at: at,
        updated_at: at,
        completed_at: null,
      };
    } else {
      topic = 'orders/create';
      body = {
        ...order,
        id: 700_000 + n,
        name: `#${n}`,
        order_number: n,
        email: who.email,
        created_at: at,
        updated_at: at,
        processed_at: at,
        currency: 'EUR',
        ...(checkoutOf.has(session) ? { checkout_token: checkoutOf.get(session) } : {}),
        customer: { ...(order.customer as Json), ...who },
      };
    }
    out.push({ topic, body: JSON.stringify(body), webhookId: `bench-${ordering}-${n}-${randomUUID()}` });
  }
  return out;
}
