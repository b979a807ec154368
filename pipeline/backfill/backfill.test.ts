import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { SynclineConfig } from '../../core/config.js';
import { defineConnector, type EventDraft } from '../../connectors/sdk/index.js';
import { MemoryCursors, MemoryQueue, memoryLogger } from '../../test/support/memory-ports.js';
import type { CanonicalEvent } from '../../core/events.js';
import { backfillCursorSlot, runBackfill, type BackfillProgress } from './backfill.js';
import { createInstanceResolver } from '../instances.js';

/** Three pages of two customers each; page n is `page-n` as its cursor. Events of page 1 are from 2024, the rest from 2025. */
const pager = defineConnector({
  name: 'pager',
  kind: 'shop',
  description: 'three pages',
  settingsSchema: z.object({}),
  secretsSchema: z.object({}),
  async poll(_context, cursor) {
    const page = cursor === undefined ? 1 : Number(cursor.replace('page-', '')) + 1;
    const events: EventDraft[] = [1, 2].map((n) => ({
      type: 'customer.upserted',
      sourceEventId: `c${page}-${n}`,
      occurredAt: page === 1 ? '2024-06-01T00:00:00Z' : '2025-06-01T00:00:00Z',
      identifiers: [{ type: 'email', value: `p${page}n${n}@example.com` }],
      data: {},
    }));
    return { events, nextCursor: `page-${page}`, hasMore: page < 3 };
  },
});

function setup() {
  const config = SynclineConfig.parse({ tenants: [{ id: 'shop', instances: [{ id: 'pager', connector: 'pager', pollEveryMinutes: 5 }] }] });
  const log = memoryLogger();
  const instances = createInstanceResolver({ config, connectors: { pager }, secrets: { get: async () => ({}) }, log });
  return { instances, events: new MemoryQueue<CanonicalEvent>(), cursors: new MemoryCursors(), log };
}

describe('backfill', () => {
  it('reads every page from the start and leaves the scheduled poll cursor alone', async () => {
    const deps = setup();
    await deps.cursors.put('shop', 'pager', 'page-3');
    const progress: BackfillProgress[] = [];
    const result = await runBackfill(deps, 'shop', 'pager', { onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ pages: 3, read: 6, queued: 6, done: true, resumed: false });
    expect(progress.map((p) => p.pages)).toEqual([1, 2, 3]);
    expect(await deps.cursors.get('shop', 'pager'), 'scheduled cursor untouched').toBe('page-3');
    expect(JSON.parse((await deps.cursors.get('shop', backfillCursorSlot('pager')))!)).toMatchObject({
      cursor: 'page-3',
      completedAt: expect.any(String),
    });
  });

  it('resumes an interrupted backfill from its own cursor, and starts over once it completed', async () => {
    const deps = setup();
    const stop = new AbortController();
    const first = await runBackfill(deps, 'shop', 'pager', { signal: stop.signal, onProgress: () => stop.abort() });
    expect(first).toMatchObject({ pages: 1, done: false, interrupted: true });
    const second = await runBackfill(deps, 'shop', 'pager');
    expect(second, 'pages 2 and 3 only').toMatchObject({ pages: 2, read: 4, done: true, resumed: true });
    const third = await runBackfill(deps, 'shop', 'pager');
    expect(third, 'a completed backfill is not resumed').toMatchObject({ pages: 3, resumed: false });
  });

  it('--since queues only the events at or after the date, and --restart ignores a saved cursor', async () => {
    const deps = setup();
    const stop = new AbortController();
    await runBackfill(deps, 'shop', 'pager', { signal: stop.signal, onProgress: () => stop.abort() });
    deps.events.sent.length = 0;
    const result = await runBackfill(deps, 'shop', 'pager', { restart: true, since: new Date('2025-01-01T00:00:00Z') });
    expect(result).toMatchObject({ pages: 3, read: 6, queued: 4, resumed: false });
    expect(deps.events.sent.every((e) => e.occurredAt.startsWith('2025'))).toBe(true);
  });

  it('refuses an instance whose connector cannot poll', async () => {
    const deps = setup();
    const noPoll = defineConnector({ ...pager, name: 'nopoll', poll: undefined });
    const config = SynclineConfig.parse({ tenants: [{ id: 'shop', instances: [{ id: 'hook', connector: 'nopoll' }] }] });
    const instances = createInstanceResolver({ config, connectors: { nopoll: noPoll }, secrets: { get: async () => ({}) }, log: deps.log });
    await expect(runBackfill({ ...deps, instances }, 'shop', 'hook')).rejects.toThrow(/cannot poll/);
  });
});
