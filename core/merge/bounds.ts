// Keeps the live profile item bounded whatever arrives (DynamoDB refuses items over 400 KB, and one sender must never
// be able to grow someone else's profile until every later event for that person fails). Every cap is a function of
// the set of winning records, never of the arrival order, so the merge stays a join; the full history of events
// stays in the history items.
import type { OrderLine } from '../events.js';
import type { CartRecord, OrderArchive, OrderRecord, Profile } from '../profile.js';

/** The newest orders keep their lines (capped); older ones keep totals and categories only. */
export const FULL_ORDERS = 10;
/** Orders kept as records at all; older ones are folded into `orderArchive`. */
export const ORDER_LIMIT = 50;
/** Carts kept, newest first: older carts are long abandoned or completed. */
export const CART_LIMIT = 10;
export const LINE_LIMIT = 20;
/** Refused identifiers kept on a profile: the smallest keys, so the kept set does not depend on arrival order. */
export const REFUSED_LIMIT = 50;
/** Longest string stored in a line, an activity detail or a field value. */
export const TEXT_LIMIT = 200;
const FIELD_TEXT_LIMIT = 1_000;
/** A longer recovery URL is dropped, not truncated: a cut URL would send the shopper to an error page. */
const URL_LIMIT = 1_024;

export function capText(text: string, limit = TEXT_LIMIT): string {
  return text.length > limit ? text.slice(0, limit) : text;
}

export function capFieldValue<T>(value: T): T {
  return (typeof value === 'string' ? capText(value, FIELD_TEXT_LIMIT) : value) as T;
}

export function capLines(lines: readonly OrderLine[]): OrderLine[] {
  return lines.slice(0, LINE_LIMIT).map((line) => {
    const out: OrderLine = { ...line, name: capText(line.name) };
    if (line.sku !== undefined) out.sku = capText(line.sku);
    if (line.productId !== undefined) out.productId = capText(line.productId);
    if (line.variantId !== undefined) out.variantId = capText(line.variantId);
    if (line.category !== undefined) out.category = capText(line.category);
    return out;
  });
}

export function capUrl(url: string | undefined): string | undefined {
  return url !== undefined && url.length > URL_LIMIT ? undefined : url;
}

/** Rank of an order: newer placedAt first, then the larger key; a total order. */
const newerOrder = ([ka, a]: [string, OrderRecord], [kb, b]: [string, OrderRecord]) =>
  a.placedAt !== b.placedAt ? (a.placedAt > b.placedAt ? -1 : 1) : ka > kb ? -1 : ka < kb ? 1 : 0;

/** An order reduced to what the campaign rules read of an old order: totals, flags, one line per category. */
function compactOrder(order: OrderRecord): OrderRecord {
  // A gift line's category stays apart from the buyer's own (core/campaign/secondary-profile.ts).
  const kept = new Map<string, OrderLine>();
  for (const { category, gift } of order.lines)
    if (category !== undefined)
      kept.set(`${category}\u0000${gift === true}`, { name: '', category, quantity: 0, price: 0, ...(gift ? { gift } : {}) });
  const lines = [...kept.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, line]) => line);
  return { ...order, lines, compact: true };
}

/** Whether an order report falls behind the archive's horizon and is taken as already counted there. */
export function beforeHorizon(archive: OrderArchive | undefined, key: string, placedAt: string): boolean {
  if (archive === undefined) return false;
  return placedAt !== archive.horizonAt ? placedAt < archive.horizonAt : key <= archive.horizonKey;
}

/**
 * Compacts all but the newest FULL_ORDERS orders and folds those past ORDER_LIMIT into the archive. Past that bound
 * the archive keeps only sums: a report of an order at or before its horizon (the newest folded order) is taken as
 * already counted and ignored, so a late update of a folded order (a refund years later) is not applied, and an
 * order first reported after 50 newer ones is not counted; an update that moves a folded order's placedAt past the
 * horizon counts it a second time. All three need a person with more than 50 orders.
 * Mutates or replaces `profile.orders` (a copy the caller owns).
 */
export function boundOrders(profile: Profile): void {
  // Most people have a few orders: nothing to compact or fold, and no entries to list.
  if (Object.keys(profile.orders).length <= FULL_ORDERS) return;
  // Every compact order ranks below every full one, so only the few full orders need ranking here.
  const full = Object.entries(profile.orders).filter(([, o]) => o.compact !== true);
  if (full.length > FULL_ORDERS)
    for (const [key, order] of full.sort(newerOrder).slice(FULL_ORDERS)) profile.orders[key] = compactOrder(order);
  let count = Object.keys(profile.orders).length;
  if (count <= ORDER_LIMIT) return;
  let archive: OrderArchive = profile.orderArchive ?? {
    count: 0,
    revenue: 0,
    firstOrderAt: null,
    lastOrderAt: null,
    horizonAt: '',
    horizonKey: '',
    channels: [],
    categories: [],
  };
  const folded = new Set<string>();
  for (; count > ORDER_LIMIT; count--) {
    let oldest: [string, OrderRecord] | undefined;
    for (const entry of Object.entries(profile.orders))
      if (!folded.has(entry[0]) && (oldest === undefined || newerOrder(entry, oldest) > 0)) oldest = entry;
    folded.add(oldest![0]);
    archive = foldOrder(archive, oldest![0], oldest![1]);
  }
  profile.orders = without(profile.orders, folded);
  profile.orderArchive = archive;
}

function foldOrder(archive: OrderArchive, key: string, order: OrderRecord): OrderArchive {
  const newer = order.placedAt > archive.horizonAt || (order.placedAt === archive.horizonAt && key > archive.horizonKey);
  const horizon = newer ? { horizonAt: order.placedAt, horizonKey: key } : {};
  if (order.status === 'cancelled' || order.status === 'refunded') return { ...archive, ...horizon };
  const categories = order.lines.map((l) => l.category).filter((c): c is string => c !== undefined);
  return {
    ...archive,
    ...horizon,
    count: archive.count + 1,
    revenue: Math.round((archive.revenue + order.total) * 100) / 100,
    firstOrderAt: archive.firstOrderAt === null || order.placedAt < archive.firstOrderAt ? order.placedAt : archive.firstOrderAt,
    lastOrderAt: archive.lastOrderAt === null || order.placedAt > archive.lastOrderAt ? order.placedAt : archive.lastOrderAt,
    channels: [...new Set([...archive.channels, order.channel])].sort(),
    categories: [...new Set([...archive.categories, ...categories])].sort(),
  };
}

/** Keeps the newest CART_LIMIT carts (by the time of their winning report, then key). Replaces `profile.carts`. */
export function boundCarts(profile: Profile): void {
  if (Object.keys(profile.carts).length <= CART_LIMIT) return;
  const entries = Object.entries(profile.carts);
  entries.sort(([ka, a], [kb, b]) => (a.at !== b.at ? (a.at > b.at ? -1 : 1) : ka > kb ? -1 : ka < kb ? 1 : 0));
  profile.carts = without(profile.carts, new Set(entries.slice(CART_LIMIT).map(([key]) => key)));
}

/**
 * A copy without `keys`. Not `delete`: it turns the object into a hash table whose every later copy costs ~30 µs
 * instead of ~0.5 µs (the merge copies the collection an event touches).
 */
function without<T>(record: Record<string, T>, keys: ReadonlySet<string>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record)) if (!keys.has(key)) out[key] = record[key]!;
  return out;
}

export function capCart(record: CartRecord): CartRecord {
  const out: CartRecord = { ...record, lines: capLines(record.lines) };
  const url = capUrl(record.recoveryUrl);
  if (url === undefined) delete out.recoveryUrl;
  return out;
}

/** Two people's folded orders are distinct orders (an order belongs to one person), so their sums add up. */
export function joinArchives(a: OrderArchive | undefined, b: OrderArchive | undefined): OrderArchive | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const bNewer = b.horizonAt > a.horizonAt || (b.horizonAt === a.horizonAt && b.horizonKey > a.horizonKey);
  const firsts = [a.firstOrderAt, b.firstOrderAt].filter((f): f is string => f !== null).sort();
  const lasts = [a.lastOrderAt, b.lastOrderAt].filter((f): f is string => f !== null).sort();
  return {
    count: a.count + b.count,
    revenue: Math.round((a.revenue + b.revenue) * 100) / 100,
    firstOrderAt: firsts[0] ?? null,
    lastOrderAt: lasts.at(-1) ?? null,
    horizonAt: bNewer ? b.horizonAt : a.horizonAt,
    horizonKey: bNewer ? b.horizonKey : a.horizonKey,
    channels: [...new Set([...a.channels, ...b.channels])].sort(),
    categories: [...new Set([...a.categories, ...b.categories])].sort(),
  };
}
