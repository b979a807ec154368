// `npm run bench:check`: compares the ratios of the newest results (or the file given) with bench/baseline.json and
// exits 1 when one moved the wrong way by more than its tolerance. Ratios, not times: they survive a busy machine.
// `--update` makes the newest results the baseline; BENCH_TOLERANCE sets the default tolerance (0.25).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compareMetrics, type CheckedMetric } from './stats.js';

const ROOT = resolve(import.meta.dirname, '..');
const BASELINE = join(ROOT, 'bench/baseline.json');

/** What is checked and which way is better; counts of writes are deterministic, so they get a tight tolerance. */
function metricsOf(ratios: Record<string, number>): CheckedMetric[] {
  return Object.keys(ratios).map((key): CheckedMetric => {
    const path = `ratios.${key}`;
    if (key === 'mergeEventsPerCalibrationOp' || key === 'endToEndOverRaw') return { path, better: 'higher' };
    if (key === 'historyGrowthExponent') return { path, better: 'lower', tolerance: 0.5 };
    if (/WritesPerChangedProfile|WriteUnitsPerEvent|SqsRequestsPerEvent/.test(key)) return { path, better: 'lower', tolerance: 0.1 };
    if (key.startsWith('bundleKb_')) return { path, better: 'lower', tolerance: 0.1 };
    if (key.startsWith('initOverNodeBaseline_')) return { path, better: 'lower', tolerance: 0.5 };
    return { path, better: 'lower' };
  });
}

function newestResults(): string {
  const dir = join(ROOT, 'bench/results');
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  if (files.length === 0) throw new Error('no bench/results/*.json yet: run `npm run bench` first');
  return join(dir, files.at(-1)!);
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--')) ?? newestResults();
const current = JSON.parse(readFileSync(file, 'utf8')) as { ratios: Record<string, number> };
if (args.includes('--update')) {
  writeFileSync(BASELINE, `${JSON.stringify({ from: file.replace(`${ROOT}/`, ''), ratios: current.ratios }, null, 2)}\n`);
  console.log(`baseline updated from ${file}`);
  process.exit(0);
}
if (!existsSync(BASELINE)) {
  console.error('no bench/baseline.json: run `npm run bench:check -- --update` to make the newest results the baseline');
  process.exit(2);
}
const baseline = JSON.parse(readFileSync(BASELINE, 'utf8')) as { ratios: Record<string, number> };
const tolerance = Number(process.env.BENCH_TOLERANCE ?? 0.25);
const comparisons = compareMetrics(baseline, current, metricsOf(baseline.ratios), tolerance);
console.log(`comparing ${file.replace(`${ROOT}/`, '')} with bench/baseline.json`);
for (const c of comparisons) {
  const sign = c.change >= 0 ? '+' : '';
  console.log(
    `${c.regressed ? 'REGRESSED' : 'ok       '}  ${c.path.padEnd(52)} ${String(c.baseline).padStart(10)} → ${String(c.current).padStart(10)}  (${sign}${(c.change * 100).toFixed(1)} %, tolerance ${c.tolerance * 100} %)`,
  );
}
const regressed = comparisons.filter((c) => c.regressed);
if (regressed.length > 0) {
  console.error(`${regressed.length} ratio(s) regressed beyond tolerance`);
  process.exit(1);
}
console.log('no regression');
