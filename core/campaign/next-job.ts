// The next job (the Praxis story): which of the tenant's configured jobs the recent views, searches and own purchases
// point to, weighted by recency, with the reason and a confidence. Reads only what the bounded profile keeps (the
// newest activity entries and orders), so it keeps nothing of its own.
import type { NextJob, Profile } from '../profile.js';
import type { JobRules } from './config.js';
import { DAY_MS } from './orders.js';
import type { Traits } from './traits.js';

type SignalKind = 'view' | 'search' | 'purchase';

interface Signal {
  kind: SignalKind;
  category: string;
  at: string;
}

const VERB: Record<SignalKind, string> = { view: 'viewed', search: 'searched', purchase: 'bought' };
const REASON_PARTS = 3;

const normalise = (category: string) => category.trim().toLowerCase();

/** Views and searches with a category, and the person's own purchase lines (gifts left out), newest first. */
function signals(profile: Profile, traits: Pick<Traits, 'lines'>): Signal[] {
  const out: Signal[] = [];
  for (const a of profile.activity) {
    const category = a.detail.category;
    if (!category) continue;
    if (a.kind === 'product.viewed') out.push({ kind: 'view', category: normalise(category), at: a.at });
    if (a.kind === 'search.performed') out.push({ kind: 'search', category: normalise(category), at: a.at });
  }
  for (const { line, order, secondary } of traits.lines)
    if (line.category && !secondary) out.push({ kind: 'purchase', category: normalise(line.category), at: order.placedAt });
  return out.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/** Weight of a signal: its kind's weight, halved for every whole half-life of age; 0 outside the window. */
export function signalWeight(kind: SignalKind, at: string, rules: JobRules, now: Date): number {
  const ageDays = Math.max(0, (now.getTime() - Date.parse(at)) / DAY_MS);
  if (Number.isNaN(ageDays) || ageDays > rules.windowDays) return 0;
  return rules.weights[kind] * 0.5 ** Math.floor(ageDays / rules.halfLifeDays);
}

/**
 * The job with the largest recency-weighted score; a tie goes to the job with the newest signal, then to the job
 * listed first. Confidence is the job's share of all weighted signals with a category, plus one signal's worth of
 * doubt, so a single view never reads as certainty (one search: 2 / 3 = 0.67; three views of one job: 0.75).
 */
export function nextJob(profile: Profile, traits: Pick<Traits, 'lines'>, rules: JobRules, now: Date): NextJob | null {
  if (rules.jobs.length === 0) return null;
  const weighted = signals(profile, traits)
    .map((s) => ({ ...s, weight: signalWeight(s.kind, s.at, rules, now) }))
    .filter((s) => s.weight > 0);
  if (weighted.length === 0) return null;
  const total = weighted.reduce((sum, s) => sum + s.weight, 0);
  let best: { job: string; score: number; newest: string; support: typeof weighted } | undefined;
  for (const job of rules.jobs) {
    const categories = new Set(job.categories.map(normalise));
    const support = weighted.filter((s) => categories.has(s.category));
    if (support.length === 0) continue;
    const score = support.reduce((sum, s) => sum + s.weight, 0);
    const newest = support[0]!.at;
    if (!best || score > best.score || (score === best.score && newest > best.newest)) best = { job: job.id, score, newest, support };
  }
  if (!best) return null;
  const confidence = Math.round((best.score / (total + 1)) * 100) / 100;
  if (confidence < rules.minConfidence) return null;
  return { job: best.job, reason: reasonOf(best.support), confidence };
}

/** The strongest few (kind, category) pairs behind the job: "searched tiles ×2; viewed grout ×1". */
function reasonOf(support: readonly (Signal & { weight: number })[]): string {
  const parts = new Map<string, { text: string; count: number; weight: number }>();
  for (const s of support) {
    const key = `${s.kind}\u0000${s.category}`;
    const part = parts.get(key) ?? { text: `${VERB[s.kind]} ${s.category}`, count: 0, weight: 0 };
    part.count++;
    part.weight += s.weight;
    parts.set(key, part);
  }
  return [...parts.values()]
    .sort((a, b) => b.weight - a.weight || (a.text < b.text ? -1 : 1))
    .slice(0, REASON_PARTS)
    .map((p) => `${p.text.slice(0, 60)} ×${p.count}`)
    .join('; ');
}

/** Times after `signal.at` at which its weight steps down or leaves the window (for the sweep's due time). */
export function jobWeightSteps(at: string, rules: JobRules): number[] {
  const from = Date.parse(at);
  if (Number.isNaN(from) || rules.jobs.length === 0) return [];
  const steps: number[] = [];
  for (let d = rules.halfLifeDays; d <= rules.windowDays; d += rules.halfLifeDays) steps.push(from + d * DAY_MS);
  steps.push(from + rules.windowDays * DAY_MS);
  return steps;
}
