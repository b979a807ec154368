// Copernica writes times as "YYYY-MM-DD HH:MM:SS" without a zone: convert to and from instants in the instance's zone.

const PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function wallClock(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
}

/** Reads a Copernica timestamp as wall-clock time in `timeZone`; undefined for "0000-00-00 00:00:00" and other non-dates. */
export function copernicaTimeToIso(text: string, timeZone: string): string | undefined {
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Two passes settle the zone offset on either side of a daylight-saving change.
  let instant = asUtc - (wallClock(asUtc, timeZone) - asUtc);
  instant = asUtc - (wallClock(instant, timeZone) - instant);
  return new Date(instant).toISOString();
}

/** Formats an instant as Copernica's "YYYY-MM-DD HH:MM:SS" in `timeZone`. */
export function isoToCopernicaTime(iso: string, timeZone: string): string | undefined {
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) return undefined;
  return new Date(wallClock(instant, timeZone)).toISOString().slice(0, 19).replace('T', ' ');
}

export function unixToIso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
