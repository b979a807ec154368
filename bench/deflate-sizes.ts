// What the deflated items of a bench run (bench/deflate-corpus.ts) take with each preset dictionary: bytes and write
// units by item kind, and the CPU time of deflating and inflating them. `npx tsx bench/deflate-sizes.ts <corpus.jsonl>`.
import { readFileSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { inflateWithDictionary } from '../aws/deflate-dictionary-codec.js';
import { DEFLATE_DICTIONARY } from '../aws/deflate-dictionary.js';
import { DEFLATE_DICTIONARY_V2 } from '../aws/deflate-dictionary-v2.js';
import { WRITE_UNIT_BYTES } from '../aws/profile-codec.js';
import { itemKind } from './counting.js';
import { median } from './stats.js';

/** One written item: its kind (bench/counting.ts itemKind), the JSON its payload attribute holds, its other bytes. */
export interface CorpusItem {
  kind: string;
  /** The payload attribute as written: `doch`, `docd`, `doc`, `eventsd`, `events`, `fieldsz`, `fields`, … */
  attribute: string;
  json: string;
  /** The item's other attributes (keys, index attributes, version, ttl), names and values, as DynamoDB counts them. */
  otherBytes: number;
}

/** Payload attributes by whether they are deflated. */
const DEFLATED = ['doch', 'docd', 'eventsd', 'fieldsz'];
const PLAIN = ['doc', 'events', 'fields'];

/** The payload of a written item, or undefined for an item with none (a pointer, a status record). */
export function decodeCorpusItem(item: Record<string, unknown>): CorpusItem | undefined {
  const attribute = [...DEFLATED, ...PLAIN].find((name) => item[name] !== undefined);
  if (attribute === undefined) return undefined;
  const value = item[attribute];
  const json = value instanceof Uint8Array ? inflateWithDictionary(value) : JSON.stringify(value);
  const { [attribute]: _payload, ...other } = item;
  return {
    kind: itemKind(item as { pk?: unknown; sk?: unknown }),
    attribute,
    json,
    otherBytes: Buffer.byteLength(JSON.stringify(other), 'utf8'),
  };
}

/** A dictionary weighed: its name and bytes (undefined: deflate alone); `header` bytes precede each stream. */
export interface Candidate {
  name: string;
  dictionary?: Buffer;
  header: number;
}

const ROUNDS = 7;
const cpuMicros = (usage: NodeJS.CpuUsage) => usage.user + usage.system;
const units = (bytes: number) => Math.ceil(bytes / WRITE_UNIT_BYTES);
const ATTRIBUTE_NAME_BYTES = 16;

export interface KindSizes {
  kind: string;
  items: number;
  meanJson: number;
  /** Per candidate: mean deflated bytes, and mean write units of the item stored as it would be (deflated when that pays). */
  byCandidate: Record<string, { meanDeflated: number; meanUnits: number; deflateMicros: number; inflateMicros: number }>;
}

export function measureSizes(corpus: readonly CorpusItem[], candidates: readonly Candidate[]): KindSizes[] {
  const kinds = new Map<string, CorpusItem[]>();
  for (const item of corpus) {
    const label = `${item.kind}${item.attribute === 'doch' ? ' (with tail)' : ''}`;
    kinds.set(label, [...(kinds.get(label) ?? []), item]);
  }
  return [...kinds.entries()].map(([kind, items]) => {
    const byCandidate: KindSizes['byCandidate'] = {};
    for (const candidate of candidates) {
      const options = candidate.dictionary ? { dictionary: candidate.dictionary } : {};
      let deflatedBytes = 0;
      let unitSum = 0;
      // CPU time per item, the median of ROUNDS passes over the kind's items (other work on the machine moves a pass).
      const deflateRounds: number[] = [];
      const inflateRounds: number[] = [];
      let streams: Buffer[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const started = process.cpuUsage();
        streams = items.map((item) => deflateRawSync(item.json, options));
        deflateRounds.push(cpuMicros(process.cpuUsage(started)) / items.length);
        const again = process.cpuUsage();
        for (const stream of streams) inflateRawSync(stream, options);
        inflateRounds.push(cpuMicros(process.cpuUsage(again)) / items.length);
      }
      items.forEach((item, i) => {
        const bytes = streams[i]!.length + candidate.header;
        deflatedBytes += bytes;
        const other = item.otherBytes + ATTRIBUTE_NAME_BYTES;
        // A profile with a tail is always deflated; the others only where that saves a unit (profile-codec deflateIfItPays).
        const plain = Buffer.byteLength(item.json, 'utf8') + other;
        unitSum += item.attribute === 'doch' ? units(bytes + other) : Math.min(units(plain), units(bytes + other));
      });
      byCandidate[candidate.name] = {
        meanDeflated: Math.round(deflatedBytes / items.length),
        meanUnits: Number((unitSum / items.length).toFixed(3)),
        deflateMicros: Number(median(deflateRounds).toFixed(1)),
        inflateMicros: Number(median(inflateRounds).toFixed(1)),
      };
    }
    const meanJson = Math.round(items.reduce((s, i) => s + Buffer.byteLength(i.json, 'utf8'), 0) / items.length);
    return { kind, items: items.length, meanJson, byCandidate };
  });
}

export const CANDIDATES: Candidate[] = [
  { name: 'none', header: 0 },
  { name: 'v1', dictionary: DEFLATE_DICTIONARY, header: 0 },
  { name: 'v2', dictionary: DEFLATE_DICTIONARY_V2, header: 1 },
];

/** The table of measureSizes, one row per item kind, as markdown. */
export function sizesTable(corpus: readonly CorpusItem[], candidates = CANDIDATES): string {
  const rows = measureSizes(corpus, candidates);
  const names = candidates.map((c) => c.name);
  const lines = [
    `| item | items | JSON B | ${names.map((n) => `${n} B | ${n} units`).join(' | ')} | ${names.map((n) => `${n} µs deflate/inflate`).join(' | ')} |`,
  ];
  for (const row of rows.sort((a, b) => b.items - a.items)) {
    const cells = names.map((n) => `${row.byCandidate[n]!.meanDeflated} | ${row.byCandidate[n]!.meanUnits}`);
    const cpu = names.map((n) => `${row.byCandidate[n]!.deflateMicros}/${row.byCandidate[n]!.inflateMicros}`);
    lines.push(`| ${row.kind} | ${row.items} | ${row.meanJson} | ${cells.join(' | ')} | ${cpu.join(' | ')} |`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const corpus = readFileSync(process.argv[2] ?? 'deflate-corpus.jsonl', 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as CorpusItem);
  console.log(sizesTable(corpus));
}
