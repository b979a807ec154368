// Small, timing-free statistics for the benchmarks: medians, growth exponents, ratio comparison against a baseline.

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Least-squares slope of log(y) against log(x): 0 flat, ~1 linear. */
export function growthExponent(points: readonly { x: number; y: number }[]): number {
  const pts = points.filter((p) => p.x > 0 && p.y > 0).map((p) => ({ x: Math.log(p.x), y: Math.log(p.y) }));
  if (pts.length < 2) return NaN;
  const mx = pts.reduce((s, p) => s + p.x, 0) / pts.length;
  const my = pts.reduce((s, p) => s + p.y, 0) / pts.length;
  const num = pts.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = pts.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? NaN : num / den;
}

/** Words for a growth exponent: below 0.15 flat, below 0.4 logarithmic-ish, below 0.8 sub-linear, else linear. */
export function growthClass(exponent: number): 'flat' | 'logarithmic' | 'sub-linear' | 'linear' {
  if (!(exponent >= 0.15)) return 'flat';
  if (exponent < 0.4) return 'logarithmic';
  if (exponent < 0.8) return 'sub-linear';
  return 'linear';
}

/** "10k" → 10000, "1m" → 1000000. */
export function parseCount(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([km]?)\s*$/i.exec(text);
  if (!m) throw new Error(`"${text}" is not a count (e.g. 10k, 100k, 1m)`);
  const n = Number(m[1]) * ({ '': 1, k: 1_000, m: 1_000_000 }[m[2]!.toLowerCase()] ?? 1);
  return Math.round(n);
}

export function formatCount(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1_000 && n % 1_000 === 0) return `${n / 1_000}k`;
  return String(n);
}

export interface CheckedMetric {
  /** Dotted path into the results JSON. */
  path: string;
  /** Which direction is better. */
  better: 'higher' | 'lower';
  /** Allowed relative change in the bad direction, e.g. 0.25. */
  tolerance?: number;
}

export interface Comparison {
  path: string;
  baseline: number;
  current: number;
  change: number;
  regressed: boolean;
  tolerance: number;
}

function valueAt(object: unknown, path: string): number | undefined {
  let at: unknown = object;
  for (const part of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return typeof at === 'number' && Number.isFinite(at) ? at : undefined;
}

/** Compares ratios: a metric regresses when it moved in its bad direction by more than its tolerance. */
export function compareMetrics(
  baseline: unknown,
  current: unknown,
  metrics: readonly CheckedMetric[],
  defaultTolerance: number,
): Comparison[] {
  const out: Comparison[] = [];
  for (const metric of metrics) {
    const b = valueAt(baseline, metric.path);
    const c = valueAt(current, metric.path);
    if (b === undefined || c === undefined) continue;
    const tolerance = metric.tolerance ?? defaultTolerance;
    const change = b === 0 ? (c === 0 ? 0 : Infinity) : (c - b) / Math.abs(b);
    const regressed = metric.better === 'higher' ? change < -tolerance : change > tolerance;
    out.push({ path: metric.path, baseline: b, current: c, change, regressed, tolerance });
  }
  return out;
}
