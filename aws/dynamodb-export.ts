// DynamoDB's export to S3 (DYNAMODB_JSON), read back (issue 20). An export writes, per table partition, gzipped files
// under `<prefix>/AWSDynamoDB/<ExportId>/data/`, one item a line as `{"Item":{"pk":{"S":"…"},"docd":{"B":"<base64>"}}}`
// (docs: "DynamoDB table export output format"). This module turns such a line into the item the adapters read and an
// item into the rows of the analytics layout (core/analytics/export-rows.ts): live profiles, their purchases and the
// recorded history; identifier items, tombstones and everything else are left out. The local stack writes the same
// format from DynamoDB Local (local/analytics/export-table.ts), which has no export of its own.
import * as z from 'zod';
import type { CampaignConfig } from '../core/campaign/config.js';
import { emptyRows, eventRows, profileRows, type AnalyticsRows } from '../core/analytics/export-rows.js';
import { decodeEvents, decodeProfile, decodeTail } from './profile-codec.js';

/** An attribute value in DynamoDB's JSON, as exports write them (binary as base64). */
export type DynamoJson =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { M: Record<string, DynamoJson> }
  | { L: DynamoJson[] }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] };

const ExportLine = z.object({ Item: z.record(z.string(), z.record(z.string(), z.unknown())) });

/** A typed value as plain JavaScript: numbers as numbers (syncline stores none beyond double precision), binary as bytes. */
export function fromDynamoJson(value: Record<string, unknown>): unknown {
  const [type, v] = Object.entries(value)[0] ?? [];
  switch (type) {
    case 'S':
    case 'BOOL':
      return v;
    case 'N':
      return Number(v);
    case 'B':
      return new Uint8Array(Buffer.from(String(v), 'base64'));
    case 'NULL':
      return null;
    case 'M':
      return Object.fromEntries(Object.entries(v as Record<string, Record<string, unknown>>).map(([k, x]) => [k, fromDynamoJson(x)]));
    case 'L':
      return (v as Record<string, unknown>[]).map(fromDynamoJson);
    case 'SS':
      return new Set(v as string[]);
    case 'NS':
      return new Set((v as string[]).map(Number));
    case 'BS':
      return new Set((v as string[]).map((b) => new Uint8Array(Buffer.from(b, 'base64'))));
    default:
      throw new Error(`unknown DynamoDB attribute type "${String(type)}" in an export line`);
  }
}

/** One line of an export data file as the item it holds. */
export function parseExportLine(line: string): Record<string, unknown> {
  const { Item } = ExportLine.parse(JSON.parse(line));
  return Object.fromEntries(Object.entries(Item).map(([name, value]) => [name, fromDynamoJson(value)]));
}

// Keys of aws/tables.ts: `T#<tenant>#P#<profile>` with sk PROFILE, history under `T#<tenant>#H#<profile>`.
const PROFILE_PK = /^T#([^#]+)#P#([^#]+)$/;
const HISTORY_PK = /^T#([^#]+)#H#([^#]+)$/;

/**
 * Adds the item's rows to its tenant's, when it is a live profile or a history item of a tenant in `campaigns` (a
 * tenant no longer configured is left out). Returns the tenant it added to, if any.
 */
export function addItemRows(
  item: Record<string, unknown>,
  campaigns: ReadonlyMap<string, CampaignConfig>,
  rows: Map<string, AnalyticsRows>,
): string | undefined {
  const pk = typeof item.pk === 'string' ? item.pk : '';
  const profileKey = item.sk === 'PROFILE' ? PROFILE_PK.exec(pk) : null;
  const historyKey = profileKey ? null : HISTORY_PK.exec(pk);
  const tenantId = (profileKey ?? historyKey)?.[1];
  const config = tenantId === undefined ? undefined : campaigns.get(tenantId);
  if (tenantId === undefined || config === undefined) return undefined;
  const tenantRows = rows.get(tenantId) ?? emptyRows();
  rows.set(tenantId, tenantRows);
  if (profileKey) {
    const profile = decodeProfile(item);
    // The newest history events may ride in the profile item (its history tail), a tombstone's too.
    const now = Math.floor(Date.now() / 1000);
    const tail = decodeTail(item).filter((t) => t.expires > now);
    if (tail.length > 0)
      tenantRows.events.push(
        ...eventRows(
          profileKey[2]!,
          tail.map((t) => t.event),
        ),
      );
    if (profile.mergedInto !== undefined) return tenantId; // a tombstone: its history counts under the live profile
    const { profiles, purchases } = profileRows(profile, config);
    tenantRows.profiles.push(...profiles);
    tenantRows.purchases.push(...purchases);
  } else tenantRows.events.push(...eventRows(historyKey![2]!, decodeEvents(item)));
  return tenantId;
}
