// What the merge engine stores for the bench workload, as one digest: a change made for speed must leave it as it was.
// `tsx bench/merge-digest.ts --against <checkout> [events] [profiles] [rounds]` also compares this engine with the one
// of another checkout (e.g. `git worktree add /tmp/before <commit>`) in one process: both merge the same stream on
// their own in-memory repository, alternating every 500 events so that a change of the machine's load hits both alike,
// and print events per CPU second and whether every stored profile, index entry, history entry and outcome is identical.
import { createHash } from 'node:crypto';
import type { CanonicalEvent } from '../core/events.js';

interface Engine {
  mergeEvent: typeof import('../core/merge/merge-service.js').mergeEvent;
  Repository: typeof import('../core/identity/in-memory-profile-repository.js').InMemoryProfileRepository;
  events: typeof import('./workload.js').events;
  benchTenant: typeof import('./tenant.js').benchTenant;
}

/** The engine of the checkout at `root` (its merge service, in-memory repository, workload and bench tenant). */
async function loadEngine(root: string): Promise<Engine> {
  const at = (path: string) => new URL(path, `file://${root.replace(/\/?$/, '/')}`).href;
  const service: typeof import('../core/merge/merge-service.js') = await import(at('core/merge/merge-service.ts'));
  const repository: typeof import('../core/identity/in-memory-profile-repository.js') = await import(
    at('core/identity/in-memory-profile-repository.ts')
  );
  const workload: typeof import('./workload.js') = await import(at('bench/workload.ts'));
  const tenant: typeof import('./tenant.js') = await import(at('bench/tenant.ts'));
  return {
    mergeEvent: service.mergeEvent,
    Repository: repository.InMemoryProfileRepository,
    events: workload.events,
    benchTenant: tenant.benchTenant,
  };
}

/** One engine's run: its repository, the outcomes in order, and the CPU seconds spent merging. */
class Run {
  readonly repo: InstanceType<Engine['Repository']>;
  readonly outcomes: string[] = [];
  cpuSeconds = 0;
  private readonly tenant;
  private readonly deps;

  constructor(private readonly engine: Engine) {
    this.repo = new engine.Repository();
    this.tenant = engine.benchTenant();
    let next = 0;
    // The bench's fixed clock and profile ids (bench/merge-memory.ts).
    const now = new Date('2026-06-01T00:00:00Z');
    this.deps = { profiles: this.repo, newProfileId: () => `p${(next++).toString(36)}`, now: () => now };
  }

  async merge(events: readonly CanonicalEvent[]): Promise<void> {
    const outcomes = [];
    const started = process.cpuUsage();
    for (const event of events) outcomes.push(await this.engine.mergeEvent(this.deps, this.tenant, event));
    const used = process.cpuUsage(started);
    this.cpuSeconds += (used.user + used.system) / 1e6;
    for (const outcome of outcomes) this.outcomes.push(JSON.stringify(outcome));
  }

  /** sha256 over every stored profile (JSON, as stored), index and sharing entry, history entry and outcome, in key order. */
  digest(): string {
    const hash = createHash('sha256');
    const sorted = <V>(map: ReadonlyMap<string, V>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [key, profile] of sorted(this.repo.profiles)) hash.update(`${key}\t${JSON.stringify(profile)}\n`);
    for (const [key, profileId] of sorted(this.repo.index)) hash.update(`${key}\t${profileId}\n`);
    for (const [key, sharing] of sorted(this.repo.sharing)) hash.update(`${key}\t${JSON.stringify([...sharing])}\n`);
    for (const [key, history] of sorted(this.repo.events))
      for (const [eventKey, entry] of sorted(history)) hash.update(`${key}\t${eventKey}\t${JSON.stringify(entry)}\n`);
    hash.update(this.outcomes.join('\n'));
    return hash.digest('hex');
  }
}

/** The digest of merging `count` workload events over `profiles` people (seed as bench/merge-memory.ts's run). */
export async function mergeDigest(count: number, profiles: number, seed = 7): Promise<string> {
  const engine = await loadEngine(new URL('..', import.meta.url).pathname);
  const run = new Run(engine);
  await run.merge([...engine.events(count, { profiles, seed })]);
  return run.digest();
}

/** Both engines on the same stream in lockstep: events per CPU second each, and whether they stored the same. */
async function lockstep(a: Engine, b: Engine, count: number, profiles: number, seed: number) {
  const runs = [new Run(a), new Run(b)] as const;
  const streams = [[...a.events(count, { profiles, seed })], [...b.events(count, { profiles, seed })]] as const;
  if (JSON.stringify(streams[0]) !== JSON.stringify(streams[1])) throw new Error('the two checkouts generate different workloads');
  for (let i = 0, turn = 0; i < count; i += 500, turn++)
    for (const k of turn % 2 === 0 ? [0, 1] : [1, 0]) await runs[k]!.merge(streams[k]!.slice(i, i + 500));
  return { a: count / runs[0].cpuSeconds, b: count / runs[1].cpuSeconds, identical: runs[0].digest() === runs[1].digest() };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const against = args.indexOf('--against');
  const other = against >= 0 ? args.splice(against, 2)[1] : undefined;
  const { parseCount } = await import('./stats.js');
  const count = parseCount(args[0] ?? '20k');
  const profiles = parseCount(args[1] ?? '2k');
  const rounds = Number(args[2] ?? 3);
  if (other === undefined) console.log(await mergeDigest(count, profiles));
  else {
    const before = await loadEngine(other);
    const now = await loadEngine(new URL('..', import.meta.url).pathname);
    await lockstep(before, now, 20_000, 2_000, 99); // warm-up: the first merges of a process run unoptimised
    for (let r = 0; r < rounds; r++) {
      const { a, b, identical } = await lockstep(before, now, count, profiles, 7);
      console.log(
        `round ${r + 1}: ${other} ${Math.round(a)}, this checkout ${Math.round(b)} events/CPU-s (×${(b / a).toFixed(3)}); stored state ${identical ? 'identical' : 'DIFFERS'}`,
      );
    }
  }
}
