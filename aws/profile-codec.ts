// How a profile is stored in its item: as a native map (`doc`) while small, deflated JSON in a binary attribute
// (`docz`) above a threshold. DynamoDB bills writes per started kilobyte: a typical profile of 2.6 kB JSON deflates to
// about 0.6 kB (3 write units → 1) for some 50 µs of CPU; below 1 kB nothing can be saved. Items stored before the
// codec existed are plain maps, and reading accepts both forms.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Profile } from '../core/profile.js';

/** JSON bytes above which a profile is stored compressed: a smaller item fits one write unit anyway. */
export const COMPRESS_ABOVE_BYTES = 1024;

/** The item attributes that hold `profile`: exactly one of `doc` or `docz`. */
export function encodeProfile(profile: Profile): { doc: Profile } | { docz: Uint8Array } {
  const json = JSON.stringify(profile);
  if (json.length <= COMPRESS_ABOVE_BYTES) return { doc: profile };
  return { docz: deflateRawSync(json) };
}

/** The profile of a stored item in either form, with the item's version (the attribute the commit conditions on). */
export function decodeProfile(item: Record<string, unknown>): Profile {
  const doc = item.docz instanceof Uint8Array ? (JSON.parse(inflateRawSync(item.docz).toString('utf8')) as Profile) : (item.doc as Profile);
  return { ...doc, version: item.version as number };
}
