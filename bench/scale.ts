// The scale section (issue 20, first part): what listing a tenant's profiles, the read every tenant-wide job makes
// (sweep stats, uplift, dry run, whole-source erasure, status page), costs by the tenant-profiles index and by the old
// whole-table Scan, on DynamoDB Local filled with tenants of different sizes with history. Part of `npm run bench`
// (`--skip=scale` leaves it out).
// BENCH_SCALE_SIZES="100,1000,5000" (profiles per tenant), BENCH_SCALE_HISTORY (history items per profile, default 5).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoProfileRepository } from '../aws/dynamo-profile-repository.js';
import { DynamoDueItems } from '../aws/dynamo-due-items.js';
import { DUE_ATTRIBUTE } from '../aws/due-change.js';
import { dueItemKeys, profileIndexAttributes, profileKeys } from '../aws/tables.js';
import { emptyProfile } from '../core/profile.js';
import { createTables, startEmulators } from '../local/emulators.js';
import { PRICES } from './cost.js';
import { countDynamo } from './counting.js';

const sizes = (process.env.BENCH_SCALE_SIZES ?? '100,1000,5000').split(',').map(Number);
const historyPerProfile = Number(process.env.BENCH_SCALE_HISTORY ?? 5);
/** The agency of issue 20: 20 shops of 200,000 people, 96 sweeps a day, each listing the tenant twice (before). */
const AGENCY = { tenants: 20, profilesPerTenant: 200_000, listingsPerDay: 96 * 2 } as const;
/** Every DUE_EVERY-th profile is due (e.g. a cart whose window ended): what a sweep of its tenant reads now. */
const DUE_EVERY = 100;
/**
 * The agency's due profiles per tenant and day, a model: 10 million events a month are ~16,700 per tenant and day;
 * say each sets one due time the sweep handles (a cart window, a lapse, a search leaving its window), twice that for
 * margin. The stats recount (statsEveryMinutes, default daily) lists the tenant by index twice a day's first sweep.
 */
const AGENCY_DUE_PER_TENANT_PER_DAY = 2 * Math.round(10_000_000 / 30 / 20);
/**
 * Analytics over an export (cdk/constructs/analytics.ts), list prices (us-east-1, as recorded, not re-checked online):
 * DynamoDB's full export to S3 per GB of table, Athena per TB scanned (10 MB minimum per query).
 */
const ANALYTICS_PRICES = { exportPerGb: 0.1, athenaPerTb: 5, athenaMinimumBytes: 10 * 1024 ** 2 } as const;
/** The agency table after a few months (history kept 400 days), and a typical profile's JSON (aws/profile-codec.ts). */
const AGENCY_TABLE_GB = 20;
const TYPICAL_PROFILE_JSON_BYTES = 5_200;

/** Bytes as bench/counting.ts estimates them (JSON length). */
const size = (item: unknown) => Buffer.byteLength(JSON.stringify(item), 'utf8');

/** Returns the bytes written: a Scan bills every item it reads, but bench/counting.ts sees only what its filter kept. */
async function fill(db: DynamoDBDocumentClient, table: string, tenantId: string, profiles: number): Promise<number> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < profiles; i++) {
    const profileId = `p-${i}`;
    const doc = { ...emptyProfile(tenantId, profileId, '2026-01-01T00:00:00Z'), version: 1 };
    const dueAt = i % DUE_EVERY === 0 ? '2026-01-01T00:00:00.000Z' : '2027-01-01T00:00:00.000Z';
    const due = { [DUE_ATTRIBUTE]: `${dueAt}#1` };
    items.push({ ...profileKeys.profile(tenantId, profileId), ...profileIndexAttributes(tenantId, doc), ...due, version: 1, doc });
    items.push({ ...dueItemKeys.item(tenantId, profileId, dueAt, 1) });
    for (let h = 0; h < historyPerProfile; h++)
      items.push({
        ...profileKeys.history(tenantId, profileId, `e-${h}`),
        event: { tenantId, type: 'order.placed', source: { connector: 'shopify', instance: 'shop' }, sourceEventId: `${profileId}-e-${h}` },
      });
  }
  for (let i = 0; i < items.length; i += 25)
    await db.send(new BatchWriteCommand({ RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  // A fresh table: the tenant's profiles are on due items only (the sweep reads no tenant-due index for it).
  await new DynamoDueItems(db, table).recordConverted([tenantId], new Date(0));
  return items.reduce((sum: number, item) => sum + size(item), 0);
}

/** A consistent Scan's bill: one read unit per 4 KB of every item in the table. */
const scanUnits = (tableBytes: number) => Math.ceil(tableBytes / 4096);

async function readUnitsOfListing(db: DynamoDBDocumentClient, table: string, tenantId: string, listByScan: boolean) {
  const { counts, restore } = countDynamo(db);
  let listed = 0;
  for await (const _ of new DynamoProfileRepository(db, table, { listByScan }).listProfiles(tenantId)) listed++;
  restore();
  return { listed, readUnits: counts.readUnits };
}

/** What a sweep of a tenant reads of its profiles now: the ones due (read only, not rescheduled, so it repeats). */
async function readUnitsOfDueSweep(db: DynamoDBDocumentClient, table: string, tenantId: string) {
  const { counts, restore } = countDynamo(db);
  let due = 0;
  for await (const _ of new DynamoDueItems(db, table).dueProfiles(tenantId, '2026-06-01T00:00:00.000Z')) due++;
  restore();
  return { due, readUnits: counts.readUnits };
}

/** Read units of every history Query of a tenant's profiles, as the identity dry run makes them from the table. */
async function readUnitsOfHistory(db: DynamoDBDocumentClient, table: string, tenantId: string) {
  const repo = new DynamoProfileRepository(db, table);
  const ids: string[] = [];
  for await (const profile of repo.listProfiles(tenantId)) ids.push(profile.profileId);
  const { counts, restore } = countDynamo(db);
  for (const id of ids) await repo.history(tenantId, [id]);
  restore();
  return { profiles: ids.length, readUnits: counts.readUnits };
}

export async function measureScale(print: (line?: string) => void): Promise<void> {
  const emulators = await startEmulators({ sqs: false });
  try {
    const client = new DynamoDBClient({
      endpoint: emulators.dynamoEndpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    });
    const db = DynamoDBDocumentClient.from(client);
    const { profiles: table } = await createTables(client, { profiles: 'scale-profiles', ops: 'scale-ops' });
    print(`scale: listing one tenant, by index and by Scan, as other tenants are added (${historyPerProfile} history items each)`);
    print('tenants  table items  tenant profiles  due  due sweep read units  index read units  scan read units (billed)');
    let tableItems = 0;
    let tableBytes = 0;
    const probe = 'tenant-0';
    for (const [n, size] of sizes.entries()) {
      tableBytes += await fill(db, table, `tenant-${n}`, size);
      tableItems += size * (1 + historyPerProfile);
      const index = await readUnitsOfListing(db, table, probe, false);
      const scan = await readUnitsOfListing(db, table, probe, true);
      if (scan.listed !== index.listed) throw new Error(`index listed ${index.listed} profiles, Scan ${scan.listed}`);
      const sweep = await readUnitsOfDueSweep(db, table, probe);
      const row = [n + 1, tableItems, index.listed, sweep.due, sweep.readUnits, index.readUnits, scanUnits(tableBytes)];
      print(row.map((v, i) => String(v).padStart([7, 11, 15, 3, 20, 16, 24][i]!)).join('  '));
    }
    const largest = sizes.length - 1;
    const index = await readUnitsOfListing(db, table, `tenant-${largest}`, false);
    // Scale both to the agency: the index grows with the tenant, the Scan with the whole table.
    const indexPerProfile = index.readUnits / index.listed;
    const scanPerTableItem = scanUnits(tableBytes) / tableItems;
    const agencyItems = AGENCY.tenants * AGENCY.profilesPerTenant * (1 + historyPerProfile);
    const perDay = (units: number) => (units * AGENCY.tenants * AGENCY.listingsPerDay * PRICES.dynamoPerMillionReadUnits) / 1e6;
    print(
      `agency (${AGENCY.tenants} × ${AGENCY.profilesPerTenant} people, ${AGENCY.listingsPerDay} listings/day each, ${historyPerProfile} history items per person): ` +
        `index $${perDay(indexPerProfile * AGENCY.profilesPerTenant).toFixed(2)}/day, Scan $${perDay(scanPerTableItem * agencyItems).toFixed(2)}/day`,
    );
    // Today's sweep: the due profiles of each of 96 sweeps, and one stats recount a day (two listings by index).
    const largestSweep = await readUnitsOfDueSweep(db, table, `tenant-${largest}`);
    const perDue = largestSweep.readUnits / Math.max(1, largestSweep.due);
    const perTenantDay = perDue * AGENCY_DUE_PER_TENANT_PER_DAY + 96 * 1 + 2 * indexPerProfile * AGENCY.profilesPerTenant;
    const dollars = (perTenantDay * AGENCY.tenants * PRICES.dynamoPerMillionReadUnits) / 1e6;
    print(
      `agency, due sweep (${perDue.toFixed(2)} read units per due profile: ${largestSweep.readUnits} for the ${largestSweep.due} due of tenant-${largest}'s ${sizes[largest]}, against 2 for tenant-0's 1; ${AGENCY_DUE_PER_TENANT_PER_DAY} due per tenant a day, ` +
        `stats recounted daily by index): $${dollars.toFixed(2)}/day`,
    );
    // The identity dry run from the table: the tenant listed, then a Query of each profile's history partition.
    const history = await readUnitsOfHistory(db, table, `tenant-${largest}`);
    const dryRunUnits = indexPerProfile * AGENCY.profilesPerTenant + (history.readUnits / history.profiles) * AGENCY.profilesPerTenant;
    const readDollars = (units: number) => (units * PRICES.dynamoPerMillionReadUnits) / 1e6;
    // From an export instead: the export reads no table capacity and is billed per GB of the whole table; a query
    // scans only its tenant's partition of one layout table (the profiles, as JSON: about the stored bytes, inflated).
    const tenantProfileBytes = TYPICAL_PROFILE_JSON_BYTES * AGENCY.profilesPerTenant;
    const athena = (bytes: number) => (Math.max(bytes, ANALYTICS_PRICES.athenaMinimumBytes) / 1024 ** 4) * ANALYTICS_PRICES.athenaPerTb;
    print(
      `agency, one run per tenant: uplift from the table $${readDollars(indexPerProfile * AGENCY.profilesPerTenant).toFixed(4)}, ` +
        `identity dry run from the table $${readDollars(dryRunUnits).toFixed(4)} (${(history.readUnits / history.profiles).toFixed(2)} read units of history per person); ` +
        `from an export: the export $${(AGENCY_TABLE_GB * ANALYTICS_PRICES.exportPerGb).toFixed(2)} (${AGENCY_TABLE_GB} GB, all tenants, once), ` +
        `then per query ~$${athena(tenantProfileBytes).toFixed(4)} (Athena, one tenant's profiles at ${TYPICAL_PROFILE_JSON_BYTES} bytes of JSON each)`,
    );
  } finally {
    await emulators.stop();
  }
}
