// Incremental poll of a few record streams (customers, then orders…), one page per call, resumable from a saved
// cursor. The connector declares how to read one page of a stream; the SDK owns the cursor: which stream is being
// read, where in its pass, and per stream the mark (an updated_at time, a version) its next pass starts at.
import * as z from 'zod';
import type { EventDraft } from '../../core/events.js';
import type { ConnectorContext, PollBudget, PollPage } from './define-connector.js';
import { jsonCursor } from './json-cursor.js';

/** One page of one stream, as the connector read it. */
export interface StreamPage<Mark> {
  events: EventDraft[];
  /** The marks of the page's records (updated_at, version): the pass's high-water mark is the highest. */
  marks?: readonly Mark[];
  /** Where the next page of this pass starts (page number or the vendor's page token); null or absent after the last page. */
  next?: number | string | null | undefined;
  /** The vendor's clock when it answered (epoch ms), read by `nextPassFrom: 'passStart'`; our clock when absent. */
  serverTime?: number | undefined;
  /**
   * The stream could not be read this pass (a permission the instance lacks): its mark stays where it was, so the pass
   * after the permission is granted reads everything it missed; the poll goes on with the next stream.
   */
  keepMark?: boolean;
}

/**
 * How a pass pages through a stream:
 * - `pages`: page numbers from 1; `next` is the next page number.
 * - `tokens`: the vendor's opaque page token, null at a pass's start; `next` is the next token.
 * - `keyset`: no page position; each page asks for the records after the highest mark so far, and a page that does
 *   not move the mark ends the pass (a change feed such as Lightspeed Retail's `after=<version>`).
 */
export type Paging = 'pages' | 'tokens' | 'keyset';
type PositionOf<P extends Paging> = P extends 'pages' ? number : P extends 'tokens' ? string | null : undefined;

export interface StreamRead<Mark, Position> {
  /** Where this pass starts: the mark saved by the stream's last finished pass; null before its first. */
  since: Mark | null;
  position: Position;
}

export type ReadStream<Client, Settings, Secrets, Mark, Position> = (
  client: Client,
  at: StreamRead<Mark, Position>,
  context: ConnectorContext<Settings, Secrets>,
) => Promise<StreamPage<Mark>>;

export interface IncrementalStreamsSpec<
  Settings,
  Secrets,
  Client,
  Options,
  S extends string,
  Mark extends string | number,
  P extends Paging,
  SinceKey extends string,
> {
  /** The vendor as a person knows it, for the error shown when a cursor cannot be read. */
  vendor: string;
  paging: P;
  /**
   * Where a stream's next pass starts (pages and tokens): `highWater`, the highest mark of the records read in this
   * pass; or `passStart`, the vendor's clock at this pass's first page (the connector reads back an overlap before it).
   */
  nextPassFrom?: 'highWater' | 'passStart';
  /** The client one poll call uses (built once per call; `options` are the test hooks passed to poll). */
  client(context: ConnectorContext<Settings, Secrets>, budget: PollBudget, options: Options | undefined): Client;
  /** Read in this order, one after the other. */
  streams: { [Name in S]: ReadStream<Client, Settings, Secrets, Mark, PositionOf<P>> };
  /** The streams this instance reads (default all); settings are absent when a cursor is read without them. */
  enabled?: (settings: Settings | undefined) => readonly S[];
  /** How a mark is saved (default an ISO date-time with offset). */
  mark?: z.ZodType<Mark>;
  /** A stream's mark before its first pass (default null: from the beginning); may come from the settings. */
  start?: Mark | ((settings: Settings | undefined) => Mark | null);
  /**
   * The names the cursor's fields were saved under before the kit, so saved cursors still read. `flat`: one
   * stream, saved without its name, `since` being its mark itself.
   */
  cursorKeys?: { position?: string; since?: SinceKey; flat?: boolean };
}

/** The cursor as saved (JSON), for tests and the CLI to look into. */
export type SavedCursor<S extends string, Mark, SinceKey extends string = 'since'> = { v: 1; stream: S } & {
  [K in SinceKey]: Record<S, Mark | null>;
} & {
  [key: string]: unknown;
};

export interface IncrementalStreams<Settings, Secrets, Options, S extends string, Mark, SinceKey extends string> {
  poll(context: ConnectorContext<Settings, Secrets>, cursor: string | undefined, budget: PollBudget, options?: Options): Promise<PollPage>;
  /** The saved cursor, or the first one; throws PayloadInvalid for a cursor this connector did not write. */
  readCursor(text: string | undefined, settings?: Settings): SavedCursor<S, Mark, SinceKey>;
}

interface State<S extends string, Mark> {
  stream: S;
  position: number | string | null | undefined;
  /** The high-water mark or pass start of the current pass. */
  pass: Mark | null;
  since: Record<S, Mark | null>;
}

const later = <Mark extends string | number>(a: Mark | null, b: Mark): Mark => (a === null || b > a ? b : a);

export function incrementalStreams<
  Settings,
  Secrets,
  Client,
  Options,
  S extends string,
  Mark extends string | number = string,
  P extends Paging = Paging,
  SinceKey extends string = 'since',
>(
  spec: IncrementalStreamsSpec<Settings, Secrets, Client, Options, S, Mark, P, SinceKey>,
): IncrementalStreams<Settings, Secrets, Options, S, Mark, SinceKey> {
  const all = Object.keys(spec.streams) as S[];
  const keyset = spec.paging === 'keyset';
  const passKey = keyset ? undefined : spec.nextPassFrom === 'passStart' ? 'passStartedAt' : 'highWater';
  const positionKey = keyset ? undefined : (spec.cursorKeys?.position ?? (spec.paging === 'pages' ? 'page' : 'after'));
  const sinceKey = spec.cursorKeys?.since ?? 'since';
  const firstPosition = spec.paging === 'pages' ? 1 : spec.paging === 'tokens' ? null : undefined;
  const startOf = (settings: Settings | undefined): Mark | null =>
    typeof spec.start === 'function' ? spec.start(settings) : (spec.start ?? null);
  const flat = spec.cursorKeys?.flat === true && all.length === 1;

  const markSchema = (spec.mark ?? z.iso.datetime({ offset: true })) as z.ZodType<Mark>;
  const markValue = keyset && typeof spec.start === 'number' ? markSchema : markSchema.nullable();
  const shape: Record<string, z.ZodType> = { v: z.literal(1) };
  if (!flat) shape['stream'] = z.enum(all as [S, ...S[]]);
  if (positionKey) shape[positionKey] = spec.paging === 'pages' ? z.number().int().min(1) : z.string().nullable();
  if (passKey) shape[passKey] = markSchema.nullable();
  // A stream added after a cursor was saved (Shopify's products) is absent from it: it starts at the start mark.
  shape[sinceKey] = flat ? markValue : z.object(Object.fromEntries(all.map((s) => [s, markValue.optional()])));
  const json = jsonCursor(z.object(shape), spec.vendor);

  const enabled = (settings: Settings | undefined) => spec.enabled?.(settings) ?? all;

  function write(state: State<S, Mark>): string {
    const saved: Record<string, unknown> = flat ? { v: 1 } : { v: 1, stream: state.stream };
    if (positionKey) saved[positionKey] = state.position;
    if (passKey === 'passStartedAt') saved[passKey] = state.pass;
    saved[sinceKey] = flat ? state.since[state.stream] : state.since;
    if (passKey === 'highWater') saved[passKey] = state.pass;
    return json.write(saved);
  }

  function read(text: string | undefined, settings: Settings | undefined): State<S, Mark> {
    const streams = enabled(settings);
    const saved = json.read(text);
    if (saved === undefined) {
      const start = startOf(settings);
      return {
        stream: streams[0]!,
        position: firstPosition,
        pass: null,
        since: Object.fromEntries(all.map((s) => [s, start])) as Record<S, Mark | null>,
      };
    }
    const state: State<S, Mark> = {
      stream: flat ? all[0]! : (saved['stream'] as S),
      position: positionKey ? (saved[positionKey] as number | string | null) : undefined,
      pass: passKey ? (saved[passKey] as Mark | null) : null,
      since: (flat ? { [all[0]!]: saved[sinceKey] } : saved[sinceKey]) as Record<S, Mark | null>,
    };
    for (const s of all) if (state.since[s] === undefined) state.since = { ...state.since, [s]: startOf(settings) };
    // A stream switched off since the cursor was saved: go on with the first one still read.
    if (!streams.includes(state.stream)) return { ...state, stream: streams[0]!, position: firstPosition, pass: null };
    return state;
  }

  return {
    readCursor: (text, settings) => JSON.parse(write(read(text, settings))) as SavedCursor<S, Mark, SinceKey>,

    async poll(context, cursorText, budget, options) {
      const streams = enabled(context.settings);
      const state = read(cursorText, context.settings);
      const client = spec.client(context, budget, options);
      const since = state.since[state.stream];
      const page = await spec.streams[state.stream](client, { since, position: state.position as PositionOf<P> }, context);
      const marks = page.marks ?? [];

      let pass: Mark | null;
      if (keyset) {
        const highest = marks.reduce<Mark | null>(later, since);
        if (highest !== null && (since === null || highest > since)) {
          return {
            events: page.events,
            nextCursor: write({ ...state, since: { ...state.since, [state.stream]: highest } }),
            hasMore: true,
          };
        }
        pass = since;
      } else {
        pass =
          spec.nextPassFrom === 'passStart'
            ? (state.pass ?? (new Date(page.serverTime ?? context.now().getTime()).toISOString() as Mark))
            : marks.reduce<Mark | null>(later, state.pass);
        if (page.next !== undefined && page.next !== null) {
          return { events: page.events, nextCursor: write({ ...state, position: page.next, pass }), hasMore: true };
        }
      }
      // The stream has caught up: its next pass starts at the mark; then read the next stream.
      const at = streams.indexOf(state.stream);
      const next = streams[(at + 1) % streams.length]!;
      const nextSince = { ...state.since, [state.stream]: page.keepMark ? since : (pass ?? since) };
      context.log.debug('poll stream caught up', { connector: spec.vendor, stream: state.stream, since: nextSince[state.stream] });
      return {
        events: page.events,
        nextCursor: write({ stream: next, position: firstPosition, pass: null, since: nextSince }),
        hasMore: at < streams.length - 1,
      };
    },
  };
}
