// Summarises a V8 .cpuprofile (node --cpu-prof): self and inclusive time per function, for the hot-spot report.
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  function: string;
  where: string;
  selfPercent: number;
  totalPercent: number;
}

function where(url: string, line: number): string {
  const path = url.replace(/^file:\/\//, '');
  const short = path.includes('/node_modules/')
    ? `node_modules/${path.split('/node_modules/').pop()}`
    : path.replace(/^.*\/work\/main\//, '');
  return short ? `${short}:${line + 1}` : '(native)';
}

export function summarise(file: string, top = 20): { selfTop: HotSpot[]; totalTop: HotSpot[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const key = (n: Node) => `${n.callFrame.functionName || '(anonymous)'}\u0000${where(n.callFrame.url, n.callFrame.lineNumber)}`;
  const selfBy = new Map<string, number>();
  const inclBy = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id)!;
    selfBy.set(key(n), (selfBy.get(key(n)) ?? 0) + t);
    // Inclusive: every distinct function on the stack gets the sample once.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = key(byId.get(at)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclBy.set(k, (inclBy.get(k) ?? 0) + t);
    }
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .filter(([k]) => !/^\((root|program|idle)\)/.test(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, t]) => {
        const [fn, w] = k.split('\u0000') as [string, string];
        return {
          function: fn,
          where: w,
          selfPercent: Math.round((1000 * (selfBy.get(k) ?? 0)) / total) / 10,
          totalPercent: Math.round((1000 * (inclBy.get(k) ?? 0)) / total) / 10,
        };
      });
  return { selfTop: rows(selfBy), totalTop: rows(inclBy) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { selfTop, totalTop } = summarise(process.argv[2]!, Number(process.argv[3] ?? 25));
  console.log('self time');
  for (const h of selfTop) console.log(`${String(h.selfPercent).padStart(5)}%  ${h.function}  ${h.where}`);
  console.log('\ninclusive time');
  for (const h of totalTop) console.log(`${String(h.totalPercent).padStart(5)}%  ${h.function}  ${h.where}`);
}
