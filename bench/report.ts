// Renders benchmark results as Markdown: the table `npm run bench` prints and writes beside the JSON.
import type { BenchResults } from './results.js';
import { formatCount } from './stats.js';

const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const kb = (bytes: number) => `${Math.round(bytes / 1000)} kB`;

export function renderMarkdown(r: BenchResults): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`# syncline benchmarks, ${m.date.slice(0, 10)}`);
  out.push(
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}; ${m.java}. Calibration: ${r.calibrationOpsPerCpuSecond.toLocaleString('en')} JSON round trips per CPU-second.`,
  );
  out.push(
    'Rates "per CPU-second" count this process\'s user+system time only, so they hold on a busy machine; wall-clock rates are beside them.',
  );

  out.push('## Targets');
  out.push(
    table(
      ['what', 'target', 'goal beyond', 'measured', 'met'],
      r.targets.map((t) => [t.name, t.target, t.goal ?? '—', t.measured, t.met ? 'yes' : '**no**']),
    ),
  );

  if (r.memory) {
    out.push('## Merge engine in memory (one core, mergeEvent on InMemoryProfileRepository)');
    out.push(
      table(
        ['events', 'profiles', 'runs', 'events/CPU-s (median)', 'µs/event', 'events/s wall', 'live profiles', 'mean profile', 'outcomes'],
        r.memory.map((x) => [
          formatCount(x.events),
          formatCount(x.profiles),
          x.runs,
          x.eventsPerCpuSecond.toLocaleString('en'),
          x.microsPerEvent,
          x.eventsPerSecond.toLocaleString('en'),
          x.liveProfiles,
          kb(x.meanProfileBytes),
          Object.entries(x.outcomes)
            .map(([k, v]) => `${k} ${v}`)
            .join(', '),
        ]),
      ),
    );
    const last = r.memory.at(-1)!;
    out.push(
      `CPU µs per event by type (${formatCount(last.events)} run): ${Object.entries(last.microsPerEventByType)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
    );
  }
  if (r.history) {
    out.push('## Time per event against the history of the profile');
    out.push(
      table(
        ['events in history', 'orders', 'profile JSON', 'CPU µs/event'],
        r.history.points.map((p) => [p.history, p.orders, kb(p.profileBytes), p.microsPerEvent]),
      ),
    );
    out.push(
      `Growth exponent (log-log slope between the two longest histories) ${r.history.exponent}: **${r.history.growth}** (over all points ${r.history.overallExponent}); ×${r.history.ratioLongestToShortest} from the shortest to the longest history.`,
    );
  }
  if (r.hotSpots) {
    out.push('## Hot spots of the merge (node --cpu-prof, 20k events over 2k profiles, including tsx start-up)');
    out.push(
      table(
        ['inclusive %', 'function', 'where'],
        r.hotSpots.totalTop
          .filter((h) => !h.where.startsWith('node:'))
          .slice(0, 12)
          .map((h) => [h.totalPercent, h.function, h.where]),
      ),
    );
    out.push(
      table(
        ['self %', 'function', 'where'],
        r.hotSpots.selfTop.slice(0, 12).map((h) => [h.selfPercent, h.function, h.where]),
      ),
    );
  }
  const e = r.emulators;
  if (e) {
    out.push('## End to end on the emulators');
    out.push(
      table(
        [
          'signed webhooks',
          'events',
          'concurrency',
          'seconds',
          'events/s',
          'raw BatchWriteItem items/s (8 × 25)',
          'ratio',
          'events per CPU-s (Node + JVM)',
          'raw items per CPU-s',
          'ratio per CPU-s',
          'statuses',
        ],
        [
          [
            e.endToEnd.webhooks,
            e.endToEnd.events,
            e.endToEnd.concurrency,
            e.endToEnd.seconds,
            e.endToEnd.eventsPerSecond,
            `${e.raw.itemsPerSecond} (runs ${e.raw.runsItemsPerSecond.join(', ')})`,
            `${(e.endToEndOverRaw * 100).toFixed(1)} %`,
            e.endToEnd.eventsPerCpuSecond,
            `${e.raw.itemsPerCpuSecond} (runs ${e.raw.runsItemsPerCpuSecond.join(', ')})`,
            `${(e.endToEndOverRawCpu * 100).toFixed(1)} %`,
            JSON.stringify(e.endToEnd.statuses),
          ],
        ],
      ),
    );
    for (const run of [e.endToEnd, ...(e.endToEndInterleaved ? [e.endToEndInterleaved] : [])]) {
      out.push(
        `**${run.ordering === 'interleaved' ? 'Interleaved (worst case)' : 'Sessions together'}:** ${run.events} events in ${run.invocations?.merge ?? '?'} merge and ${run.invocations?.push ?? '?'} push invocations. Until pushed to the simulated Copernica too: ${run.secondsUntilPushed} s. DynamoDB requests: ${JSON.stringify(run.dynamo.requests)}; SQS requests: ${JSON.stringify(run.sqs.requests)} (GetQueueAttributes is the harness watching the queues).`,
        ...(run.dynamo.writeUnitsPerEventBy
          ? [
              '',
              `Write units per event by request and item kind (partition type / sort key head): ${Object.entries(
                run.dynamo.writeUnitsPerEventBy,
              )
                .map(([label, units]) => `${label} ${units}`)
                .join(', ')}.`,
            ]
          : []),
        ...(run.dynamo.readsPerEventBy
          ? [
              '',
              `Read units (and read requests) per event by request and item kind: ${Object.entries(run.dynamo.readsPerEventBy)
                .map(([label, { units, requests }]) => `${label} ${units} (${requests})`)
                .join(', ')}.`,
            ]
          : []),
      );
    }
    out.push('## Write amplification');
    out.push(
      table(
        [
          'stream',
          'events',
          'WRU/event',
          'RRU/event',
          'profile writes per changed profile per batch',
          'item writes per changed profile per batch',
          'WRU per changed profile',
          'pointer writes/event',
          'mean profile item',
          'SQS requests/event',
          'push messages/event',
        ],
        [
          ...e.amplification.map((a) => [
            `merge only, ${a.ordering}`,
            a.events,
            a.writeUnitsPerEvent,
            a.readUnitsPerEvent,
            a.profileWritesPerChangedProfilePerBatch,
            a.itemWritesPerChangedProfilePerBatch,
            a.writeUnitsPerChangedProfile,
            a.pointerWritesPerEvent,
            kb(a.meanProfileItemBytes),
            a.sqsRequestsPerEvent,
            a.pushMessagesPerEvent,
          ]),
          ...[e.endToEnd, ...(e.endToEndInterleaved ? [e.endToEndInterleaved] : [])].map((run) => [
            `end to end (webhook + merge + push), ${run.ordering ?? 'interleaved'}`,
            run.events,
            run.dynamo.writeUnitsPerEvent,
            run.dynamo.readUnitsPerEvent,
            '',
            '',
            '',
            '',
            '',
            run.sqs.billedRequestsPerEventWithoutEmptyReceives,
            '',
          ]),
        ],
      ),
    );
    out.push(
      'Merge-only streams are the in-memory mix (customers, orders, carts, views, searches, e-mail engagement, consent) through mergeBatch on the DynamoDB and SQS adapters, in batches of the merge event source (cdk/handlers.ts); "bursty" puts a shopper\'s session events next to each other as a real shop delivers them. Write units are estimated from item sizes (1 WRU per KB, ×2 in a transaction).',
    );
    out.push('### Vendor API calls per 1,000 profile changes');
    out.push(
      table(
        ['connector', 'push.maxBatchSize', 'calls at the vendor limit', 'calls with one SQS batch of 10 per push'],
        e.vendorBatching.map((v) => [v.connector, v.maxBatchSize, v.callsPer1000AtVendorLimit, v.callsPer1000WithSqsBatchOf10]),
      ),
    );
    out.push(
      `Measured on the simulated Copernica: ${e.endToEnd.vendor.copernicaRequests} requests for ${e.endToEnd.vendor.profileSyncs} profile syncs in ${e.endToEnd.vendor.syncMessages} push messages (${e.endToEnd.vendor.copernicaRequestsPer1000ProfileChanges} requests per 1,000 syncs).`,
    );
  }
  const f = r.footprint;
  if (f) {
    out.push(`## Lambda footprint (esbuild ${f.esbuild}, minified code-split ESM, node22, SDK clients bundled)`);
    out.push(
      table(
        [
          'handler',
          'read at init',
          'all chunks',
          'gzip',
          'init ms (median)',
          'init CPU ms',
          'with source maps ms (CPU)',
          'runs',
          'largest parts at init',
        ],
        f.bundles.map((b) => [
          b.handler,
          kb(b.bytes),
          // Results from before code splitting have one file and no source-map runs.
          b.totalBytes === undefined ? kb(b.bytes) : kb(b.totalBytes),
          kb(b.gzipBytes),
          b.initMs,
          b.initCpuMs,
          b.initSourceMapsMs === undefined ? '-' : `${b.initSourceMapsMs} (${b.initSourceMapsCpuMs})`,
          b.initRunsMs.join(', '),
          b.largest.map((l) => `${l.what} ${kb(l.bytes)}`).join(', '),
        ]),
      ),
    );
    out.push(`An empty module imports in ${f.baselineInitMs} ms the same way (Node itself).`);
  }
  for (const [cost, label] of [
    [r.cost, 'sessions together'],
    [r.costInterleaved, 'interleaved, worst case'],
  ] as const) {
    if (!cost) continue;
    out.push(`## Cost per million events, ${label} (${cost.prices.region}, list prices ${cost.prices.asOf})`);
    out.push(
      table(
        ['item', 'USD per million events', 'basis'],
        [
          ...cost.lines.map((l) => [l.item, l.perMillionEvents.toFixed(4), l.basis]),
          ['**total**', `**${cost.total.toFixed(2)}**`, `end-to-end Shopify mix, ${label}`],
        ],
      ),
    );
  }
  if (r.sweepCost) {
    out.push("## The campaign sweep per million events (the later work for those events' profiles)");
    out.push(
      table(
        ['item', 'USD per million events', 'basis'],
        [
          ...r.sweepCost.lines.map((l) => [l.item, l.perMillionEvents.toFixed(4), l.basis]),
          ['**total**', `**${r.sweepCost.total.toFixed(2)}**`, 'added to either end-to-end total above'],
        ],
      ),
    );
  }
  out.push('## Ratios checked by `npm run bench:check`');
  out.push(
    table(
      ['ratio', 'value'],
      Object.entries(r.ratios).map(([k, v]) => [k, v]),
    ),
  );
  return `${out.join('\n\n')}\n`;
}
