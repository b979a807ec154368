// Selligent writes engagement dates without a zone ("2020-09-11T10:01:03.01"): read them as wall-clock time in a zone.
import { instantAtWallClock } from '../sdk/index.js';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/;

/** A UTC ISO time for a Selligent date: an explicit offset is honoured, a bare date-time is read in `timeZone`. */
export function selligentTimeToIso(text: string, timeZone: string): string | undefined {
  const m = LOCAL.exec(text);
  if (!m) {
    const at = Date.parse(text);
    return Number.isNaN(at) ? undefined : new Date(at).toISOString();
  }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Math.round(Number(m[7] ?? 0) * 1000);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  return new Date(instantAtWallClock(asUtc, timeZone) + millis).toISOString();
}
