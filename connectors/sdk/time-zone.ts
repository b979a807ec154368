// Vendors that write local times without a zone: between instants and what a wall clock in an IANA zone reads.

/** What a wall clock in `timeZone` reads at `instant`, as the epoch ms of that reading taken as UTC. */
export function wallClockAt(instant: number, timeZone: string): number {
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

/** The instant (epoch ms) at which a wall clock in `timeZone` reads `wallClock` (epoch ms of the reading taken as UTC). */
export function instantAtWallClock(wallClock: number, timeZone: string): number {
  // Two passes settle the zone offset on either side of a daylight-saving change.
  const first = wallClock - (wallClockAt(wallClock, timeZone) - wallClock);
  return wallClock - (wallClockAt(first, timeZone) - first);
}

/** Whether `zone` is an IANA time zone this runtime knows (for settings schemas). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
