// Which of two reports of the same fact wins: a total order, so the result never depends on arrival order.
import type { CanonicalEvent } from '../events.js';
import type { Provenance } from '../profile.js';

const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Normalises vendor times (any offset) to UTC ISO strings, which then compare correctly as text. */
export function utc(iso: string): string {
  // Most vendor times already are UTC with milliseconds: parsing and printing them again was a hot spot.
  return CANONICAL_UTC.test(iso) ? iso : new Date(iso).toISOString();
}

export function provenanceOf(event: CanonicalEvent, priority: number): Provenance {
  return { source: event.source.instance, at: utc(event.occurredAt), eventId: event.sourceEventId, priority };
}

/** Positive when `a` wins over `b`: later vendor time, then higher source priority, then the larger event id. */
function compareProvenance(a: Provenance, b: Provenance): number {
  if (a.at !== b.at) return a.at > b.at ? 1 : -1;
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.source !== b.source) return a.source > b.source ? 1 : -1;
  if (a.eventId !== b.eventId) return a.eventId > b.eventId ? 1 : -1;
  return 0;
}

/** Picks the winner of two records of the same key; `undefined` loses to anything. */
export function latest<T extends Provenance>(a: T | undefined, b: T | undefined): T | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareProvenance(a, b) >= 0 ? a : b;
}
