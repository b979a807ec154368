// Deflate with a preset dictionary, and which dictionary a stored stream was written with. A stream written since
// dictionary 2 starts with one version byte, then raw deflate primed with that dictionary; a stream without it is
// raw deflate primed with dictionary 1 (aws/deflate-dictionary.ts), as every deflated item written before.
// The version byte cannot be mistaken for the start of raw deflate: its low three bits are 1 (BFINAL) and 11 (BTYPE),
// a block type RFC 1951 reserves ("11 - reserved (error)"), so no raw deflate stream begins with it; the version is
// the byte's upper five bits. A dictionary, once items were written with it, never changes: a new vocabulary is a new
// version, and the old ones stay here for reading. Code that predates a version fails loudly on its streams (zlib:
// "invalid block type"), never reads them as something else.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { presetDictionary } from './deflate-dictionary-packed.js';

/** The dictionary new streams are written with; version 1 streams carry no version byte. */
export const CURRENT_DICTIONARY_VERSION = 2;

const RESERVED_BLOCK_TYPE = 0b110;
const versionByte = (version: number) => (version << 3) | 0b111;

/** `text` deflated with the current dictionary, behind its version byte. */
export function deflateWithDictionary(text: string): Buffer {
  const dictionary = presetDictionary(CURRENT_DICTIONARY_VERSION)!;
  const deflated = deflateRawSync(text, { dictionary });
  const stream = Buffer.allocUnsafe(deflated.length + 1);
  stream[0] = versionByte(CURRENT_DICTIONARY_VERSION);
  deflated.copy(stream, 1);
  return stream;
}

/** The dictionary version a stream was written with (1: no version byte). */
export function dictionaryVersion(stream: Uint8Array): number {
  const first = stream[0] ?? 0;
  return (first & RESERVED_BLOCK_TYPE) === RESERVED_BLOCK_TYPE ? first >> 3 : 1;
}

/** The text of a stream written with any dictionary version. */
export function inflateWithDictionary(stream: Uint8Array): string {
  const version = dictionaryVersion(stream);
  const dictionary = presetDictionary(version);
  if (dictionary === undefined)
    throw new Error(`deflated with dictionary ${version}, which this code does not know (deployed older code?)`);
  const body = version === 1 ? stream : stream.subarray(1);
  return inflateRawSync(body, { dictionary }).toString('utf8');
}
