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

/** Items per data file, as an export splits a table into files (one or more per table partition). */
const ITEMS_PER_FILE = 10_000;

export interface ExportOptions {
  exportTime?: Date;
  itemsPerFile?: number;
}

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
export async function exportTable(client: DynamoDBClient, table: string, dir: string, options: ExportOptions = {}): Promise<string> {
  const { exportTime = new Date(), itemsPerFile = ITEMS_PER_FILE } = options;
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
      if (lines.length >= itemsPerFile) {
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
 * Decodes an export's data files into the analytics layout under `out`: `<table>/tenant_id=<id>/part-<file>.jsonl`, one
 * part per data file and tenant found in it (every table written, empty or not, so a query never meets a missing
 * folder). Holds one data file's rows at a time, so memory follows the export's file size, not the table's. Returns
 * the live profiles found per tenant; tenants not in the config are left out.
 */
export async function decodeExport(dataDir: string, out: string, config: SynclineConfig): Promise<Map<string, number>> {
  const campaigns = new Map(config.tenants.map((t) => [t.id, t.campaigns]));
  const profiles = new Map<string, number>();
  for (const file of (await readdir(dataDir)).filter((f) => f.endsWith('.json.gz')).sort()) {
    const rows = new Map<string, AnalyticsRows>();
    const lines = createInterface({
      input: createReadStream(join(dataDir, file)).pipe(createGunzip()),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of lines) if (line.trim() !== '') addItemRows(parseExportLine(line), campaigns, rows);
    const part = `part-${file.replace(/\.json\.gz$/, '')}.jsonl`;
    for (const [tenantId, tenantRows] of rows) {
      profiles.set(tenantId, (profiles.get(tenantId) ?? 0) + tenantRows.profiles.length);
      for (const table of ANALYTICS_TABLES) {
        const folder = join(out, table, `tenant_id=${tenantId}`);
        await mkdir(folder, { recursive: true });
        await writeFile(join(folder, part), tenantRows[table].map((r) => `${JSON.stringify(r)}\n`).join(''));
      }
    }
  }
  return profiles;
}
