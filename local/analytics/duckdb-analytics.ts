// The analytics SQL (analytics/*.sql) on an embedded engine: DuckDB over the analytics layout an export decodes into
// (local/analytics/export-table.ts), the same SQL files Athena runs in AWS. The tables are views over the JSON-lines
// files, partitioned by tenant (`tenant_id=<id>/`); every query names its tenant. Also the profile source the uplift
// and the identity dry run read when given an export instead of the table (listProfiles, history).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import * as z from 'zod';
import { ANALYTICS_TABLES, type AnalyticsTable } from '../../core/analytics/export-rows.js';
import type { CanonicalEvent } from '../../core/events.js';
import type { HistoryEntry, ProfileRepository } from '../../core/ports.js';
import type { Profile } from '../../core/profile.js';

const SQL_DIR = new URL('../../analytics/', import.meta.url);
export type AnalyticsQuery = 'profiles' | 'history' | 'co-purchases';

/** The text of a shared SQL file. */
export const analyticsSql = (query: AnalyticsQuery): string => readFileSync(new URL(`${query}.sql`, SQL_DIR), 'utf8');

const COLUMNS: Record<AnalyticsTable, Record<string, string>> = {
  profiles: { profile_id: 'VARCHAR', doc: 'VARCHAR' },
  events: { profile_id: 'VARCHAR', event_key: 'VARCHAR', event: 'VARCHAR' },
  purchases: { profile_id: 'VARCHAR', product_key: 'VARCHAR', name: 'VARCHAR', category: 'VARCHAR' },
};

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
const ProfileRows = z.array(z.object({ profile_id: z.string(), doc: z.string() }));
const EventRows = z.array(z.object({ profile_id: z.string(), event_key: z.string(), event: z.string() }));
const CoPurchaseRows = z.array(z.object({ product: z.string(), also_bought: z.string(), customers: z.number() }));
export type CoPurchase = z.infer<typeof CoPurchaseRows>[number];

export class DuckDbAnalytics implements Pick<ProfileRepository, 'listProfiles' | 'history'> {
  private readonly events = new Map<string, Map<string, HistoryEntry[]>>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly db: DuckDBConnection,
  ) {}

  /**
   * Opens an in-memory engine with one view per table over the layout under `layoutDir`. The tenant column is pinned to
   * text rather than left to DuckDB's inference from folder names (tenant ids may be all digits, as `07` and `7`).
   */
  static async open(layoutDir: string): Promise<DuckDbAnalytics> {
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    for (const table of ANALYTICS_TABLES) {
      const columns = Object.entries(COLUMNS[table]).map(([name, type]) => `${name}: ${quote(type)}`);
      const files = quote(join(layoutDir, table, '*', '*.jsonl'));
      await db.run(
        `CREATE VIEW ${table} AS SELECT * FROM read_json(${files}, format = 'newline_delimited', hive_partitioning = true, hive_types = {'tenant_id': 'VARCHAR'}, columns = {${columns.join(', ')}})`,
      );
    }
    return new DuckDbAnalytics(instance, db);
  }

  /** Runs a shared SQL file with its positional parameters; rows as JSON values (integers cast in the SQL). */
  async query(query: AnalyticsQuery, params: string[]): Promise<unknown[]> {
    return (await this.db.runAndReadAll(analyticsSql(query), params)).getRowObjectsJson();
  }

  async coPurchases(tenantId: string): Promise<CoPurchase[]> {
    return CoPurchaseRows.parse(await this.query('co-purchases', [tenantId, tenantId]));
  }

  async *listProfiles(tenantId: string): AsyncIterable<Profile> {
    for (const row of ProfileRows.parse(await this.query('profiles', [tenantId]))) yield JSON.parse(row.doc) as Profile;
  }

  /** The tenant's history is read once (one query), then answered per profile from memory, as the dry run asks. */
  async history(tenantId: string, profileIds: readonly string[]): Promise<HistoryEntry[]> {
    let byProfile = this.events.get(tenantId);
    if (!byProfile) {
      byProfile = new Map();
      const seen = new Set<string>();
      for (const row of EventRows.parse(await this.query('history', [tenantId]))) {
        const once = JSON.stringify([row.profile_id, row.event_key]);
        if (seen.has(once)) continue;
        seen.add(once);
        const list = byProfile.get(row.profile_id) ?? [];
        list.push({ profileId: row.profile_id, event: JSON.parse(row.event) as CanonicalEvent });
        byProfile.set(row.profile_id, list);
      }
      this.events.set(tenantId, byProfile);
    }
    return [...new Set(profileIds)].flatMap((id) => byProfile.get(id) ?? []);
  }

  close(): void {
    this.db.closeSync();
    this.instance.closeSync();
  }
}
