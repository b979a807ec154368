// Copernica writes times as "YYYY-MM-DD HH:MM:SS" without a zone: convert to and from instants in the instance's zone.
import { instantAtWallClock, wallClockAt } from '../sdk/index.js';

const PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** Reads a Copernica timestamp as wall-clock time in `timeZone`; undefined for "0000-00-00 00:00:00" and other non-dates. */
export function copernicaTimeToIso(text: string, timeZone: string): string | undefined {
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  return new Date(instantAtWallClock(asUtc, timeZone)).toISOString();
}

/** Formats an instant as Copernica's "YYYY-MM-DD HH:MM:SS" in `timeZone`. */
export function isoToCopernicaTime(iso: string, timeZone: string): string | undefined {
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) return undefined;
  return new Date(wallClockAt(instant, timeZone)).toISOString().slice(0, 19).replace('T', ' ');
}

export function unixToIso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
