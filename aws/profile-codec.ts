// How a profile or a list of history events is stored in its item: as native DynamoDB values while the whole item fits
// one write unit, deflated JSON with a preset dictionary (aws/deflate-dictionary-codec.ts) in a binary attribute once it
// would not and deflating saves a unit. DynamoDB bills writes per started kilobyte of the whole item, keys and index
// attributes included: a typical profile of 3.6–5.2 kB JSON beside ~110 bytes of keys deflates to ~600–740 bytes with
// dictionary 2 (1 write unit), against 900–1,080 bytes without one (mostly 2). A deflated attribute says which
// dictionary it was written with (a version byte; none: dictionary 1). Items written before either form existed are
// plain maps (`doc`, `events`) or deflated without a dictionary (`docz`, `eventz`): reading accepts all.
// A profile item may also carry its person's newest history events (a "history tail", `doch`: the profile and the
// tail deflated together) while they fit the write unit the profile takes anyway: an event deflated beside the
// profile it was applied to adds ~60–100 bytes, against ~280 alone (aws/dynamo-profile-repository.ts commit).
import { inflateRawSync } from 'node:zlib';
import type { CanonicalEvent } from '../core/events.js';
import type { Profile } from '../core/profile.js';
import { deflateWithDictionary, inflateWithDictionary } from './deflate-dictionary-codec.js';

/** What DynamoDB bills one write unit for: an item of up to 1 KB. */
export const WRITE_UNIT_BYTES = 1024;

const ATTRIBUTE_NAME_BYTES = 16;
const units = (bytes: number) => Math.ceil(bytes / WRITE_UNIT_BYTES);

/**
 * `json` deflated (with the dictionary) when beside `otherBytes` of other attributes that costs fewer write units than
 * `json` stored as it is; undefined when storing it plain costs no more.
 */
export function deflateIfItPays(json: string, otherBytes: number): Uint8Array | undefined {
  // JSON's length is a close, slightly high estimate of a DynamoDB map's size (names + values).
  // ATTRIBUTE_NAME_BYTES: the name of the attribute that holds it, with room to spare.
  otherBytes += ATTRIBUTE_NAME_BYTES;
  const plain = Buffer.byteLength(json, 'utf8') + otherBytes;
  if (plain <= WRITE_UNIT_BYTES) return undefined;
  const deflated = deflateWithDictionary(json);
  return units(deflated.length + otherBytes) < units(plain) ? deflated : undefined;
}

/** What deflateIfItPays made, parsed back. */
export function inflateJson(bytes: Uint8Array): unknown {
  return inflate(bytes, true);
}

/** `dictionary`: deflated with a preset dictionary (the stream says which); otherwise without one (`docz`, `eventz`). */
function inflate(bytes: Uint8Array, dictionary: boolean): unknown {
  return JSON.parse(dictionary ? inflateWithDictionary(bytes) : inflateRawSync(bytes).toString('utf8'));
}

/** The size of an item's attributes as DynamoDB counts them, estimated from their JSON (names + values). */
export function attributeBytes(attributes: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(attributes), 'utf8');
}

/**
 * The item attributes that hold `profile`: exactly one of `doc` or `docd`. `otherBytes` is the size of the item's
 * other attributes (keys, index attributes, version).
 */
export function encodeProfile(profile: Profile, otherBytes = 0): { doc: Profile } | { docd: Uint8Array } {
  const deflated = deflateIfItPays(JSON.stringify(profile), otherBytes);
  return deflated ? { docd: deflated } : { doc: profile };
}

/** One event of a history tail: the event and when it expires (epoch seconds, as the history items' `ttl`). */
export interface TailEvent {
  event: CanonicalEvent;
  expires: number;
}

/** The item attribute that holds `profile` and its history tail (not empty) deflated together. */
export function encodeProfileWithTail(profile: Profile, tail: readonly TailEvent[]): { doch: Uint8Array } {
  return { doch: deflateWithDictionary(JSON.stringify({ profile, tail })) };
}

/** The write units an item of `otherBytes` of other attributes and `attributes` (one of the encodings above) costs. */
export function itemUnits(attributes: { doc: Profile } | { docd: Uint8Array } | { doch: Uint8Array }, otherBytes: number): number {
  const held = 'doch' in attributes ? attributes.doch.length : 'docd' in attributes ? attributes.docd.length : attributeBytes(attributes);
  return units(held + otherBytes + ATTRIBUTE_NAME_BYTES);
}

/** The history tail of a stored profile item ([] for every form without one). */
export function decodeTail(item: Record<string, unknown>): TailEvent[] {
  return decodeStored(item).tail;
}

/** The profile of a stored item in any form, with the item's version (the attribute the commit conditions on). */
export function decodeProfile(item: Record<string, unknown>): Profile {
  return decodeStored(item).profile;
}

/** The profile (as decodeProfile) and the history tail (as decodeTail) of a stored item, inflated once. */
export function decodeStored(item: Record<string, unknown>): { profile: Profile; tail: TailEvent[] } {
  if (item.doch instanceof Uint8Array) {
    const { profile, tail } = inflate(item.doch, true) as { profile: Profile; tail: TailEvent[] };
    return { profile: { ...profile, version: item.version as number }, tail };
  }
  const doc =
    item.docd instanceof Uint8Array
      ? (inflate(item.docd, true) as Profile)
      : item.docz instanceof Uint8Array
        ? (inflate(item.docz, false) as Profile)
        : (item.doc as Profile);
  return { profile: { ...doc, version: item.version as number }, tail: [] };
}

/** A history item's events: a list, or deflated (`eventsd`) when that saves a write unit. */
export function encodeEvents(
  events: readonly CanonicalEvent[],
  otherBytes: number,
): { events: CanonicalEvent[] } | { eventsd: Uint8Array } {
  const deflated = deflateIfItPays(JSON.stringify(events), otherBytes);
  return deflated ? { eventsd: deflated } : { events: [...events] };
}

/** The events of a history item in any form it was ever written in (one `event` per item before batches). */
export function decodeEvents(item: Record<string, unknown>): CanonicalEvent[] {
  if (item.eventsd instanceof Uint8Array) return inflate(item.eventsd, true) as CanonicalEvent[];
  if (item.eventz instanceof Uint8Array) return inflate(item.eventz, false) as CanonicalEvent[];
  if (Array.isArray(item.events)) return item.events as CanonicalEvent[];
  return item.event === undefined ? [] : [item.event as CanonicalEvent];
}
