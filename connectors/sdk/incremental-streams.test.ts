import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { ConnectorContext } from './define-connector.js';
import { PayloadInvalid } from './errors.js';
import { incrementalStreams, type StreamPage } from './incremental-streams.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const context: ConnectorContext<{ customers: boolean }, object> = {
  tenantId: 't',
  instance: 'shop',
  settings: { customers: true },
  secrets: {},
  now: () => new Date('2026-03-01T12:00:00Z'),
  log: quiet,
};
const budget = { maxPages: 1, deadline: Date.now() + 30_000 };
const page = (marks: string[], next: number | null, serverTime?: number): StreamPage<string> => ({
  events: [],
  marks,
  next,
  ...(serverTime ? { serverTime } : {}),
});

/** A vendor whose answers are scripted per stream, recording what each read asked for. */
function scripted(
  answers: Record<'customers' | 'orders', StreamPage<string>[]>,
  options: { nextPassFrom?: 'highWater' | 'passStart' } = {},
) {
  const asked: string[] = [];
  const read = (stream: 'customers' | 'orders') => async (_client: unknown, at: { since: string | null; position: number }) => {
    asked.push(`${stream}@${at.position} since ${at.since}`);
    return answers[stream].shift()!;
  };
  const streams = incrementalStreams({
    vendor: 'Test',
    paging: 'pages',
    nextPassFrom: options.nextPassFrom ?? 'highWater',
    client: (_context: typeof context) => ({}),
    enabled: (settings) => (settings?.customers === false ? ['orders'] : ['customers', 'orders']),
    streams: { customers: read('customers'), orders: read('orders') },
  });
  return { streams, asked };
}

describe('incrementalStreams', () => {
  it('pages through each stream in turn and starts its next pass at the highest mark seen', async () => {
    const { streams, asked } = scripted({
      customers: [page(['2026-01-02T00:00:00.000Z'], 2), page(['2026-01-01T00:00:00.000Z'], null), page([], null)],
      orders: [page([], null)],
    });
    const first = await streams.poll(context, undefined, budget);
    expect(first.hasMore).toBe(true);
    expect(JSON.parse(first.nextCursor)).toEqual({
      v: 1,
      stream: 'customers',
      page: 2,
      since: { customers: null, orders: null },
      highWater: '2026-01-02T00:00:00.000Z',
    });
    const second = await streams.poll(context, first.nextCursor, budget);
    expect(second.hasMore, 'orders come next in the same run').toBe(true);
    const third = await streams.poll(context, second.nextCursor, budget);
    expect(third.hasMore, 'both streams caught up').toBe(false);
    await streams.poll(context, third.nextCursor, budget);
    expect(asked).toEqual([
      'customers@1 since null',
      'customers@2 since null',
      'orders@1 since null',
      'customers@1 since 2026-01-02T00:00:00.000Z',
    ]);
    expect(streams.readCursor(third.nextCursor).since).toEqual({ customers: '2026-01-02T00:00:00.000Z', orders: null });
  });

  it("starts a stream's next pass at the vendor's clock when the pass began, with passStart", async () => {
    const { streams } = scripted(
      { customers: [page([], 2, Date.parse('2026-02-01T00:00:00Z')), page([], null, Date.parse('2026-02-01T00:05:00Z'))], orders: [] },
      { nextPassFrom: 'passStart' },
    );
    const first = await streams.poll(context, undefined, budget);
    expect(JSON.parse(first.nextCursor)).toEqual({
      v: 1,
      stream: 'customers',
      page: 2,
      passStartedAt: '2026-02-01T00:00:00.000Z',
      since: { customers: null, orders: null },
    });
    const second = await streams.poll(context, first.nextCursor, budget);
    expect(streams.readCursor(second.nextCursor).since.customers).toBe('2026-02-01T00:00:00.000Z');
  });

  it('reads a cursor saved before the kit under its old field names', () => {
    const retail = incrementalStreams({
      vendor: 'Retail',
      paging: 'keyset',
      mark: z.number().int().nonnegative(),
      start: 0,
      cursorKeys: { since: 'after' },
      client: (_context: typeof context) => ({}),
      streams: { customers: async () => ({ events: [] }), sales: async () => ({ events: [] }) },
    });
    const saved = '{"v":1,"stream":"sales","after":{"customers":1028,"sales":5022}}';
    expect(retail.readCursor(saved)).toEqual({ v: 1, stream: 'sales', after: { customers: 1028, sales: 5022 } });
    expect(JSON.stringify(retail.readCursor(saved)), 'written back byte for byte').toBe(saved);
  });

  it('advances a keyset stream while its mark moves and switches stream when a page does not move it', async () => {
    const answers = [[5, 9], [9]];
    const feed = incrementalStreams({
      vendor: 'Feed',
      paging: 'keyset',
      mark: z.number().int().nonnegative(),
      start: 0,
      client: (_context: typeof context) => ({}),
      streams: { customers: async () => ({ events: [], marks: answers.shift()! }), sales: async () => ({ events: [] }) },
    });
    const first = await feed.poll(context, undefined, budget);
    expect([JSON.parse(first.nextCursor), first.hasMore]).toEqual([{ v: 1, stream: 'customers', since: { customers: 9, sales: 0 } }, true]);
    const second = await feed.poll(context, first.nextCursor, budget);
    expect([JSON.parse(second.nextCursor), second.hasMore]).toEqual([{ v: 1, stream: 'sales', since: { customers: 9, sales: 0 } }, true]);
  });

  it('goes on with the streams still read when one is switched off after the cursor was saved', () => {
    const { streams } = scripted({ customers: [], orders: [] });
    const saved = JSON.stringify({
      v: 1,
      stream: 'customers',
      page: 3,
      since: { customers: null, orders: null },
      highWater: '2026-01-01T00:00:00.000Z',
    });
    expect(streams.readCursor(saved, { customers: false })).toMatchObject({ stream: 'orders', page: 1, highWater: null });
  });

  it('refuses a cursor it did not write, with a way out', () => {
    const { streams } = scripted({ customers: [], orders: [] });
    expect(() => streams.readCursor('{"stream":"products"}')).toThrow(PayloadInvalid);
    expect(() => streams.readCursor('not json')).toThrow(/reset the instance cursor/);
  });
});
