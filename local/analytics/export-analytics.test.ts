import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoProfileRepository } from '../../aws/dynamo-profile-repository.js';
import { parseExportLine } from '../../aws/dynamodb-export.js';
import { computeTenantStats } from '../../core/campaign/tenant-stats.js';
import { SynclineConfig } from '../../core/config.js';
import type { CanonicalEvent } from '../../core/events.js';
import { dryRunIdentityRules } from '../../core/identity/dry-run.js';
import { IdentityRules } from '../../core/identity/rules.js';
import { mergeEvent } from '../../core/merge/merge-service.js';
import type { Profile } from '../../core/profile.js';
import { useEmulators } from '../../test/support/emulators.js';
import { customer, order } from '../../test/support/events.js';
import { computeUplift } from '../uplift.js';
import { DuckDbAnalytics } from './duckdb-analytics.js';
import { decodeExport, exportTable } from './export-table.js';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

const env = useEmulators({ sqs: false });
const NOW = new Date('2026-12-01T00:00:00Z');
const config = SynclineConfig.parse({
  // The second tenant's id is all digits: the layout's tenant column must stay text.
  tenants: ['acme', '2024'].map((id) => ({
    id,
    sourcePriority: ['shop'],
    instances: [{ id: 'shop', connector: 'shopify', webhooks: true }],
    campaigns: { campaigns: [{ id: 'winback', startsAt: '2026-11-01T00:00:00Z', controlShare: 0.5, measureDays: 30 }] },
  })),
});
const PRODUCTS = ['beans', 'grinder', 'filter', 'mug', 'kettle', 'scale'];

/** A shop's customers: each bought a few products before the campaign, some again after; a household shares an address. */
function shopEvents(tenantId: string, customers: number): CanonicalEvent[] {
  const events: CanonicalEvent[] = [];
  for (let i = 0; i < customers; i++) {
    const email = i % 7 === 3 ? `family-${tenantId}@example.com` : `c${i}-${tenantId}@example.com`;
    const ids = [{ type: 'customerId:shop', value: String(i) }] as CanonicalEvent['identifiers'];
    const lines = (n: number) =>
      PRODUCTS.filter((_, p) => (i + n) % (p + 2) === 0).map((name) => ({
        sku: `${tenantId}-${name}`,
        name,
        category: 'coffee',
        quantity: 1,
        price: 10,
      }));
    events.push({ ...customer(String(i), email, '2026-09-01T10:00:00Z', { firstName: `C${i}` }), tenantId });
    events.push({ ...order(`${i}-1`, ids, '2026-10-01T10:00:00Z', 30, { lines: lines(0) }), tenantId });
    // Every fifth customer a regular, whose profile is large enough to be stored deflated.
    for (let n = 0; i % 5 === 0 && n < 8; n++)
      events.push({ ...order(`${i}-r${n}`, ids, `2026-08-${String(n + 10)}T10:00:00Z`, 15, { lines: lines(n + 2) }), tenantId });
    if (i % 3 !== 0) events.push({ ...order(`${i}-2`, ids, '2026-11-10T10:00:00Z', 20 + i, { lines: lines(1) }), tenantId });
  }
  return events;
}

const repo = () => new DynamoProfileRepository(env.db, env.tables.profiles);
let dir: string;
let engine: DuckDbAnalytics;
let exportFiles: string;

beforeAll(async () => {
  for (const tenant of config.tenants) {
    let next = 0;
    const deps = { profiles: repo(), newProfileId: () => `${tenant.id}-p${String(++next).padStart(3, '0')}` };
    for (const e of shopEvents(tenant.id, tenant.id === 'acme' ? 40 : 15)) await mergeEvent(deps, tenant, e);
  }
  dir = await mkdtemp(join(tmpdir(), 'syncline-export-'));
  // Small data files, as a large table's export has many: a tenant's profiles and history spread over several.
  exportFiles = await exportTable(env.dynamo, env.tables.profiles, join(dir, 'export'), { exportTime: NOW, itemsPerFile: 40 });
  await decodeExport(exportFiles, join(dir, 'layout'), config);
  engine = await DuckDbAnalytics.open(join(dir, 'layout'));
}, 120_000);

afterAll(async () => {
  engine?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function exportedItems(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (const file of await readdir(exportFiles))
    for await (const line of createInterface({ input: createReadStream(join(exportFiles, file)).pipe(createGunzip()) }))
      if (line !== '') items.push(parseExportLine(line));
  return items;
}

const all = async <T>(source: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of source) out.push(x);
  return out;
};

describe('analytics over an export of the local stack (DuckDB, the SQL Athena runs)', () => {
  it('writes DynamoDB export lines that hold deflated profiles, and decodes them into the same live profiles the table lists', async () => {
    expect((await readdir(exportFiles)).length).toBeGreaterThan(3);
    const items = await exportedItems();
    expect(
      items.some((i) => i.docd instanceof Uint8Array),
      'some profiles are deflated with the dictionary',
    ).toBe(true);
    const byId = (a: Profile, b: Profile) => (a.profileId < b.profileId ? -1 : 1);
    const fromTable = (await all(repo().listProfiles('acme'))).sort(byId);
    const fromExport = (await all(engine.listProfiles('acme'))).sort(byId);
    expect(fromTable.length).toBeGreaterThan(30);
    expect(fromExport).toEqual(fromTable);
  });

  it('keeps tenants apart: a query names one tenant and sees nothing of another', async () => {
    const other = await all(engine.listProfiles('2024'));
    expect(other.length).toBe(15);
    expect(other.every((p) => p.tenantId === '2024')).toBe(true);
    const pairs = await engine.coPurchases('2024');
    expect(pairs.length).toBeGreaterThan(0);
    expect(pairs.every((p) => p.product.startsWith('2024-') && p.also_bought.startsWith('2024-'))).toBe(true);
    expect((await all(engine.listProfiles('acme'))).every((p) => p.tenantId === 'acme')).toBe(true);
  });

  it('counts co-purchases in SQL exactly as the tenant stats do (customers who bought both, for themselves)', async () => {
    const stats = computeTenantStats('acme', await all(repo().listProfiles('acme')), config.tenants[0]!.campaigns, NOW);
    const rows = await engine.coPurchases('acme');
    const sql: Record<string, [string, number][]> = {};
    for (const r of rows) (sql[r.product] ??= []).push([r.also_bought, r.customers]);
    for (const list of Object.values(sql)) list.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).splice(10);
    expect(Object.keys(stats.coPurchase).length).toBeGreaterThan(3);
    expect(sql).toEqual(stats.coPurchase);
  });

  it('reports the same uplift per campaign from the export as from the table', async () => {
    const fromTable = await computeUplift(repo(), config, 'acme', 'winback', NOW);
    const fromExport = await computeUplift(engine, config, 'acme', 'winback', NOW);
    expect(fromTable.exposed.profiles + fromTable.holdout.profiles).toBeGreaterThan(30);
    expect(fromExport).toEqual(fromTable);
  });

  it('gives the same identity dry run from the export as from the table', async () => {
    const tenant = config.tenants[0]!;
    const rules = IdentityRules.parse({ priority: ['email', 'customerId:*'] });
    const fromTable = await dryRunIdentityRules(repo(), tenant, rules);
    const fromExport = await dryRunIdentityRules(engine, tenant, rules);
    expect(fromTable.events).toBeGreaterThan(60);
    expect(fromTable.merges.count, 'the household would be joined by its shared address').toBeGreaterThan(0);
    expect(fromExport).toEqual(fromTable);
  });
});
