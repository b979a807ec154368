// Merge engine in memory: canonical events merged per second on one core (mergeEvent on the in-memory repository),
// and how the time per event grows with the history a profile carries.
import { mergeEvent, type MergeDeps } from '../core/merge/merge-service.js';
import { InMemoryProfileRepository } from '../core/identity/in-memory-profile-repository.js';
import { CanonicalEvent } from '../core/events.js';
import { events, rng, TENANT, type MixKind } from './workload.js';
import { benchTenant } from './tenant.js';
import { growthClass, growthExponent, median } from './stats.js';
import { encodeProfile } from '../aws/profile-codec.js';

export interface ThroughputResult {
  events: number;
  profiles: number;
  runs: number;
  /** Events per CPU-second of this process (user + system): "per core", robust to a busy machine. */
  eventsPerCpuSecond: number;
  /** Events per wall-clock second: lower than per CPU-second when other processes share the cores. */
  eventsPerSecond: number;
  /** Per run (per CPU-second), for the reader to see the spread. */
  runsEventsPerCpuSecond: number[];
  microsPerEvent: number;
  liveProfiles: number;
  outcomes: Record<string, number>;
  /**
   * CPU microseconds per event by event type (last run): every tenth event's wall time, scaled so that the mix's mean is
   * the run's CPU time per event (process.cpuUsage costs ~20 µs a call here, as much as a merge).
   */
  microsPerEventByType: Record<string, number>;
  /** Mean JSON size of a stored profile at the end, bytes. */
  meanProfileBytes: number;
  maxProfileBytes: number;
  /** Mean and largest size of the stored profile attribute (aws/profile-codec.ts: deflated above 1 kB), bytes. */
  meanStoredBytes: number;
  maxStoredBytes: number;
}

const CHUNK = 10_000;

function deps(repo: InMemoryProfileRepository): MergeDeps {
  let next = 0;
  // A fixed clock: the campaign fields depend on "now", and a benchmark must not.
  const now = new Date('2026-06-01T00:00:00Z');
  return { profiles: repo, newProfileId: () => `p${(next++).toString(36)}`, now: () => now };
}

/**
 * An event as the merge function gets it (pipeline/merge-batch.ts decode): the queue message's JSON, parsed and checked
 * by the event schema. Objects built that way share V8's hidden classes as in production; the generator's own objects
 * (spreads, concatenated strings) do not, and merged ~×1.14 slower than the same events decoded (stop 34, helper mergecpu).
 */
function asDelivered(event: CanonicalEvent): CanonicalEvent {
  return CanonicalEvent.parse(JSON.parse(JSON.stringify(event)));
}

/** One run: generation and decoding happen between timed chunks, so only merging is measured. */
async function runOnce(
  count: number,
  profiles: number,
  seed: number,
): Promise<{
  seconds: number;
  cpuSeconds: number;
  repo: InMemoryProfileRepository;
  outcomes: Record<string, number>;
  perKind: Record<string, { count: number; micros: number }>;
  /** Wall microseconds of the sampled events, to scale perKind to CPU time. */
  sampledMicros: number;
}> {
  const tenant = benchTenant();
  const repo = new InMemoryProfileRepository();
  const d = deps(repo);
  const outcomes: Record<string, number> = {};
  const perKind: Record<string, { count: number; micros: number }> = {};
  const stream = events(count, { profiles, seed });
  let elapsed = 0;
  let cpu = 0;
  let sampledMicros = 0;
  for (;;) {
    const chunk: CanonicalEvent[] = [];
    for (let i = 0; i < CHUNK; i++) {
      const next = stream.next();
      if (next.done) break;
      chunk.push(asDelivered(next.value));
    }
    if (chunk.length === 0) break;
    const started = process.hrtime.bigint();
    const cpuStarted = process.cpuUsage();
    for (let i = 0; i < chunk.length; i++) {
      const event = chunk[i]!;
      // One in ten timed by the wall clock (a getrusage call costs as much as a merge on this machine; hrtime ~0.3 µs).
      if (i % 10 !== 0) {
        const outcome = await mergeEvent(d, tenant, event);
        outcomes[outcome.status] = (outcomes[outcome.status] ?? 0) + 1;
        continue;
      }
      const before = process.hrtime.bigint();
      const outcome = await mergeEvent(d, tenant, event);
      const micros = Number(process.hrtime.bigint() - before) / 1e3;
      const kind = (perKind[event.type] ??= { count: 0, micros: 0 });
      kind.count++;
      kind.micros += micros;
      sampledMicros += micros;
      outcomes[outcome.status] = (outcomes[outcome.status] ?? 0) + 1;
    }
    const used = process.cpuUsage(cpuStarted);
    cpu += (used.user + used.system) / 1e6;
    elapsed += Number(process.hrtime.bigint() - started) / 1e9;
  }
  return { seconds: elapsed, cpuSeconds: cpu, repo, outcomes, perKind, sampledMicros };
}

let warmedUp = false;

export async function measureThroughput(count: number, profiles: number, runs: number): Promise<ThroughputResult> {
  // The first merges of a process run before V8 has optimised them: warm up once, untimed. 5k events were too few
  // (three 20k runs in one process after it: 7.5k, 13.1k, 17.3k events/CPU-s).
  if (!warmedUp) {
    await runOnce(20_000, 2_000, 99);
    warmedUp = true;
  }
  const rates: number[] = [];
  const wall: number[] = [];
  let last: Awaited<ReturnType<typeof runOnce>> | undefined;
  for (let r = 0; r < runs; r++) {
    last = await runOnce(count, profiles, 7);
    rates.push(count / last.cpuSeconds);
    wall.push(count / last.seconds);
  }
  const live = last!.repo.liveProfiles(TENANT);
  // Sample sizes rather than serialise a million profiles.
  const sample = live.filter((_, i) => i % Math.max(1, Math.floor(live.length / 500)) === 0);
  const jsonBytes = sample.map((p) => JSON.stringify(p).length);
  const storedBytes = sample.map((p) => {
    const stored = encodeProfile(p);
    return 'docd' in stored ? stored.docd.length : JSON.stringify(stored.doc).length;
  });
  const mean = (values: number[]) => Math.round(values.reduce((s, v) => s + v, 0) / Math.max(1, values.length));
  // The largest profile is the busiest person's: measured whole, not only when the sample happens to include it.
  const largest = live.reduce((a, b) =>
    Object.keys(b.orders).length + b.activity.length > Object.keys(a.orders).length + a.activity.length ? b : a,
  );
  const largestStored = encodeProfile(largest);
  const rate = median(rates);
  return {
    events: count,
    profiles,
    runs,
    eventsPerCpuSecond: Math.round(rate),
    eventsPerSecond: Math.round(median(wall)),
    runsEventsPerCpuSecond: rates.map(Math.round),
    microsPerEvent: Math.round((1e6 / rate) * 10) / 10,
    liveProfiles: live.length,
    outcomes: last!.outcomes,
    microsPerEventByType: byType(last!, count),
    meanProfileBytes: mean(jsonBytes),
    maxProfileBytes: Math.max(...jsonBytes, JSON.stringify(largest).length),
    meanStoredBytes: mean(storedBytes),
    maxStoredBytes: Math.max(...storedBytes, 'docd' in largestStored ? largestStored.docd.length : JSON.stringify(largest).length),
  };
}

/** Sampled wall time per event type, scaled to the run's CPU time per event. */
function byType(run: Awaited<ReturnType<typeof runOnce>>, count: number): Record<string, number> {
  const sampled = Object.values(run.perKind).reduce((s, k) => s + k.count, 0);
  const scale = (run.cpuSeconds * 1e6) / count / (run.sampledMicros / Math.max(1, sampled));
  return Object.fromEntries(Object.entries(run.perKind).map(([k, v]) => [k, Math.round((v.micros / v.count) * scale)]));
}

export interface HistoryPoint {
  /** Events already applied to the profile. */
  history: number;
  orders: number;
  profileBytes: number;
  /** CPU microseconds per event applied to this profile. */
  microsPerEvent: number;
}

export interface HistoryResult {
  points: HistoryPoint[];
  /** Slope of log(time) against log(history) between the two longest histories: 0 flat, 1 linear. */
  exponent: number;
  /** The same slope fitted over all points. */
  overallExponent: number;
  growth: ReturnType<typeof growthClass>;
  /** Time per event at the longest history over the shortest. */
  ratioLongestToShortest: number;
}

/** Events of one person: a buyer's life of views, mails, carts and orders (a fifth of them orders). */
function personEvents(count: number, offset: number, seed: number): CanonicalEvent[] {
  const random = rng(seed);
  const ids = [{ type: 'email' as const, value: 'heavy@example.com' }];
  const out: CanonicalEvent[] = [];
  for (let i = 0; i < count; i++) {
    const n = offset + i;
    const at = new Date(Date.parse('2024-01-01T00:00:00Z') + n * 3_600_000).toISOString();
    const env = { tenantId: TENANT, receivedAt: at, occurredAt: at, identifiers: ids, source: { connector: 'shopify', instance: 'shop' } };
    const r = random();
    const kind: MixKind =
      r < 0.2 ? 'order.placed' : r < 0.5 ? 'product.viewed' : r < 0.8 ? 'email.engaged' : r < 0.95 ? 'cart.updated' : 'customer.upserted';
    if (kind === 'order.placed') {
      out.push({
        ...env,
        sourceEventId: `h-order-${n}`,
        type: kind,
        data: {
          orderId: `h${n}`,
          channel: 'web',
          currency: 'EUR',
          total: 42,
          placedAt: at,
          status: 'paid',
          lines: [
            { sku: 'SKU-1', name: 'Beans', category: 'coffee', quantity: 1, price: 21 },
            { sku: 'SKU-2', name: 'Filter', category: 'filters', quantity: 1, price: 21 },
          ],
        },
      });
    } else if (kind === 'product.viewed') {
      out.push({ ...env, sourceEventId: `h-view-${n}`, type: kind, data: { productId: `p${n % 50}`, category: 'coffee' } });
    } else if (kind === 'email.engaged') {
      out.push({ ...env, sourceEventId: `h-mail-${n}`, type: kind, data: { kind: 'open', campaign: `c${n % 20}` } });
    } else if (kind === 'cart.updated') {
      out.push({
        ...env,
        sourceEventId: `h-cart-${n}`,
        type: kind,
        data: { cartId: `hc${n}`, currency: 'EUR', total: 10, lines: [{ sku: 'SKU-3', name: 'Mug', quantity: 1, price: 10 }] },
      });
    } else {
      out.push({ ...env, sourceEventId: `h-cust-${n}`, type: kind, data: { email: 'heavy@example.com', firstName: `Name${n}` } });
    }
  }
  return out;
}

/** A profile built to `size` events of history, and the probe events to time on it. */
async function builtProfile(size: number, probes: readonly CanonicalEvent[]) {
  const tenant = benchTenant();
  const repo = new InMemoryProfileRepository();
  const d = deps(repo);
  for (const e of personEvents(size, 0, 11)) await mergeEvent(d, tenant, e);
  const built = repo.liveProfiles(TENANT)[0]!;
  return {
    orders: Object.keys(built.orders).length,
    bytes: JSON.stringify(built).length,
    /** CPU microseconds per probe event. */
    probe: async (): Promise<number> => {
      const started = process.cpuUsage();
      for (const e of probes) await mergeEvent(d, tenant, e);
      const used = process.cpuUsage(started);
      return (used.user + used.system) / probes.length;
    },
  };
}

/**
 * Builds one profile to each history size, then times the next `probe` events on it. A few hundred events take a few
 * milliseconds, so one garbage collection or a neighbour's burst used to decide the figure (exponents from −1.6 to 1.0
 * for the same code): every size is measured `runs` times on a fresh copy of its build, the sizes interleaved so that a
 * change of load hits all of them alike, after an untimed warm-up; the median counts.
 */
export async function measureHistoryGrowth(sizes: readonly number[], probe = 200, runs = 15): Promise<HistoryResult> {
  // The first merges of a process run before V8 has optimised them.
  const warm = await builtProfile(Math.max(...sizes), personEvents(probe, Math.max(...sizes), 13));
  for (let r = 0; r < 3; r++) await warm.probe();
  const times = sizes.map(() => [] as number[]);
  const shapes = sizes.map(() => ({ orders: 0, bytes: 0 }));
  for (let r = 0; r < runs; r++) {
    for (const [i, size] of sizes.entries()) {
      // The same probes on every run: only the noise differs between runs, not the mix of event types.
      const built = await builtProfile(size, personEvents(probe, size, 13));
      shapes[i] = { orders: built.orders, bytes: built.bytes };
      times[i]!.push(await built.probe());
    }
  }
  const points: HistoryPoint[] = sizes.map((size, i) => ({
    history: size,
    orders: shapes[i]!.orders,
    profileBytes: shapes[i]!.bytes,
    microsPerEvent: Math.round(median(times[i]!) * 10) / 10,
  }));
  // The tail decides: at short histories a fixed cost per event hides how the rest grows.
  const exponent = growthExponent(points.slice(-2).map((p) => ({ x: p.history, y: p.microsPerEvent })));
  const overall = growthExponent(points.map((p) => ({ x: p.history, y: p.microsPerEvent })));
  return {
    points,
    exponent: Math.round(exponent * 100) / 100,
    overallExponent: Math.round(overall * 100) / 100,
    growth: growthClass(exponent),
    ratioLongestToShortest: Math.round((points.at(-1)!.microsPerEvent / points[0]!.microsPerEvent) * 10) / 10,
  };
}

/** A machine-speed yardstick: JSON round trips of a fixed object per CPU-second, to turn absolute rates into ratios. */
export function calibrate(): number {
  const object = { a: Array.from({ length: 50 }, (_, i) => ({ i, s: `value-${i}`, n: i * 1.5, b: i % 2 === 0 })) };
  const rates: number[] = [];
  const cpuSeconds = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1e6;
  };
  for (let r = 0; r < 5; r++) {
    const started = process.cpuUsage();
    let n = 0;
    while (cpuSeconds(started) < 0.1) {
      for (let k = 0; k < 100; k++) JSON.parse(JSON.stringify(object));
      n += 100;
    }
    rates.push(n / cpuSeconds(started));
  }
  return Math.round(median(rates));
}

// `tsx bench/merge-memory.ts [events] [profiles]`: one throughput figure, e.g. under `node --cpu-prof`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { parseCount } = await import('./stats.js');
  const count = parseCount(process.argv[2] ?? '20k');
  const profiles = parseCount(process.argv[3] ?? '2k');
  console.log(JSON.stringify(await measureThroughput(count, profiles, 1), null, 2));
}
