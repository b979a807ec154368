// `npm run soak`: a bounded load run with faults injected, on the embedded stand-ins and loopback only, then a
// summary of what was sent, accepted, quarantined and dead-lettered, and whether the faulty tenant ended like the
// fault-free one. Exits 1 when it did not.
import './quiet-node-warning.js';
import { parseArgs } from 'node:util';
import { runSoak, SOAK_TENANTS, type SoakResult } from './faults/soak-run.js';

const HELP = `usage: npm run soak -- [--minutes 2] [--events N] [--seed N] [--concurrency 4] [--poison 3]

  --minutes      how long to send webhooks (default 2); a started wave is always finished
  --events       stop after this many deliveries per tenant instead, if that comes first
  --seed         the traffic and fault seed (default: random; printed, so a run can be repeated)
  --concurrency  webhook requests in flight per tenant (default 4)
  --poison       unreadable messages put on the changes queue, which must be dead-lettered (default 3)
`;

function positive(name: string, text: string | undefined, integer = true): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    process.stderr.write(`--${name} must be a ${integer ? 'whole ' : ''}number ≥ 0, not "${text}"\n\n${HELP}`);
    process.exit(2);
  }
  return n;
}

export function formatSoakSummary(r: SoakResult): string[] {
  const { calm, storm } = r.tenants;
  const sent = calm.sent + storm.sent;
  const row = (label: string, pick: (t: SoakResult['tenants']['calm']) => number) =>
    `  ${label.padEnd(30)} ${String(pick(calm)).padStart(8)} ${String(pick(storm)).padStart(8)}`;
  return [
    '',
    `── soak summary (seed ${r.seed})`,
    `  ${''.padEnd(30)} ${SOAK_TENANTS.calm.padStart(8)} ${SOAK_TENANTS.storm.padStart(8)}`,
    row('webhooks sent', (t) => t.sent),
    row('accepted (202)', (t) => t.accepted),
    row('quarantined (422)', (t) => t.quarantined),
    row('quarantine entries', (t) => t.quarantineEntries),
    row('refused otherwise', (t) => t.refused),
    row('retried by the sender (5xx)', (t) => t.retried),
    row('live profiles', (t) => t.profiles),
    row('contacts at Copernica', (t) => t.contacts),
    row('Copernica requests', (t) => t.destinationRequests),
    `  dead-lettered                  changes ${r.deadLettered.changes} (poison sent: ${r.poisonSent}), push ${r.deadLettered.push}`,
    `  faults injected (storm)        DynamoDB: ${r.faults.dynamo.throttled} throttled, ${r.faults.dynamo.transactionsThrottled} transactions throttled, ${r.faults.dynamo.versionsBumped} versions raced, ${r.faults.dynamo.repliesLost} write replies lost; Copernica: ${r.faults.copernica.rateLimited} × 429, ${r.faults.copernica.failed} × 500, ${r.faults.copernica.timedOut} timeouts, ${r.faults.copernica.repliesLost} replies lost`,
    `  throughput                     ${(sent / r.sendingSeconds).toFixed(1)} webhooks/s for ${r.sendingSeconds.toFixed(1)} s, then ${r.drainSeconds.toFixed(1)} s to drain`,
    `  webhook latency                p50 ${r.latency.p50.toFixed(0)} ms, p95 ${r.latency.p95.toFixed(0)} ms, max ${r.latency.max.toFixed(0)} ms`,
    '  accounting:',
    ...r.accounting.map((line) => `    ${line}`),
    r.differences.length === 0
      ? '  final state: the storm tenant matches the calm tenant (profiles, Copernica contacts, quarantine)'
      : `  final state DIFFERS (${r.differences.length}):`,
    ...r.differences.slice(0, 20).map((d) => `    ${d}`),
    r.ok ? '  result: OK' : '  result: FAILED',
  ];
}

async function main(): Promise<void> {
  let values;
  try {
    values = parseArgs({
      options: {
        minutes: { type: 'string' },
        events: { type: 'string' },
        seed: { type: 'string' },
        concurrency: { type: 'string' },
        poison: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const minutes = positive('minutes', values.minutes, false) ?? 2;
  const events = positive('events', values.events);
  const seed = positive('seed', values.seed) ?? Math.floor(Math.random() * 2 ** 31);
  const concurrency = Math.max(1, positive('concurrency', values.concurrency) ?? 4);
  const poison = positive('poison', values.poison) ?? 3;
  const print = (line: string) => process.stdout.write(`${line}\n`);
  print(`soak: ${minutes} min${events !== undefined ? ` or ${events} deliveries per tenant` : ''}, seed ${seed}, loopback only`);
  const result = await runSoak({ minutes, seed, concurrency, poison, print, ...(events !== undefined ? { events } : {}) });
  for (const line of formatSoakSummary(result)) print(line);
  process.exitCode = result.ok ? 0 : 1;
}

await main();
