// The local stack's "export to S3" (issue 20): DynamoDB Local has no ExportTableToPointInTime, so this writes what an
// export writes, from a Scan of the local table, in DynamoDB's own export layout and format
// (`<dir>/AWSDynamoDB/<exportId>/data/<n>.json.gz`, one `{"Item":…}` a line, manifest-summary.json beside), and
// decodes it into the analytics layout (core/analytics/export-rows.ts) that DuckDB queries. An operator's step on the
// local stack, never on a schedule; in AWS the export itself reads no table capacity.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { addItemRows, parseExportLine, type DynamoJson } from '../../aws/dynamodb-export.js';
import { ANALYTICS_TABLES, type AnalyticsRows } from '../../core/analytics/export-rows.js';
import type { SynclineConfig } from '../../core/config.js';

/** Items per data file, as an export splits a table into files. */
const ITEMS_PER_FILE = 10_000;

function toDynamoJson(value: AttributeValue): DynamoJson {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: true };
  if (value.M !== undefined) return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, toDynamoJson(v)])) };
  if (value.L !== undefined) return { L: value.L.map(toDynamoJson) };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  throw new Error('an attribute value of a type exports do not write');
}

async function writeGzipLines(file: string, lines: readonly string[]): Promise<void> {
  await pipeline(Readable.from(lines.map((l) => `${l}\n`)), createGzip(), createWriteStream(file));
}

/** Writes the table as an export under `dir` and returns the export's data folder. */
export async function exportTable(client: DynamoDBClient, table: string, dir: string, exportTime = new Date()): Promise<string> {
  const exportId = `${exportTime.getTime()}-local`;
  const data = join(dir, 'AWSDynamoDB', exportId, 'data');
  await mkdir(data, { recursive: true });
  let lines: string[] = [];
  let files = 0;
  let items = 0;
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
    for (const item of page.Items ?? []) {
      lines.push(JSON.stringify({ Item: Object.fromEntries(Object.entries(item).map(([k, v]) => [k, toDynamoJson(v)])) }));
      items++;
      if (lines.length >= ITEMS_PER_FILE) {
        await writeGzipLines(join(data, `${String(files++).padStart(5, '0')}.json.gz`), lines);
        lines = [];
      }
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  await writeGzipLines(join(data, `${String(files++).padStart(5, '0')}.json.gz`), lines);
  const summary = { version: '2020-06-30', exportTime: exportTime.toISOString(), itemCount: items, outputFormat: 'DYNAMODB_JSON' };
  await writeFile(join(dir, 'AWSDynamoDB', exportId, 'manifest-summary.json'), JSON.stringify(summary));
  return data;
}

/**
 * Decodes an export's data files into the analytics layout under `out`: `<table>/tenant_id=<id>/part-0.jsonl` for
 * every configured tenant found in it (every table written, empty or not, so a query never meets a missing folder).
 * Holds the rows in memory: fine for the local stack; the AWS path writes per tenant as it goes (docs/deploy.md).
 */
export async function decodeExport(dataDir: string, out: string, config: SynclineConfig): Promise<Map<string, number>> {
  const campaigns = new Map(config.tenants.map((t) => [t.id, t.campaigns]));
  const rows = new Map<string, AnalyticsRows>();
  for (const file of (await readdir(dataDir)).filter((f) => f.endsWith('.json.gz')).sort()) {
    const lines = createInterface({
      input: createReadStream(join(dataDir, file)).pipe(createGunzip()),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of lines) if (line.trim() !== '') addItemRows(parseExportLine(line), campaigns, rows);
  }
  const profiles = new Map<string, number>();
  for (const [tenantId, tenantRows] of rows) {
    profiles.set(tenantId, tenantRows.profiles.length);
    for (const table of ANALYTICS_TABLES) {
      const folder = join(out, table, `tenant_id=${tenantId}`);
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, 'part-0.jsonl'), tenantRows[table].map((r) => `${JSON.stringify(r)}\n`).join(''));
    }
  }
  return profiles;
}
