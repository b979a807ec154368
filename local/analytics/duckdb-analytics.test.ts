import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANALYTICS_TABLES } from '../../core/analytics/export-rows.js';
import { emptyProfile } from '../../core/profile.js';
import { DuckDbAnalytics } from './duckdb-analytics.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A layout holding one profile for each of these tenants. */
async function layoutOf(tenantIds: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'syncline-layout-'));
  dirs.push(dir);
  for (const tenantId of tenantIds)
    for (const table of ANALYTICS_TABLES) {
      const folder = join(dir, table, `tenant_id=${tenantId}`);
      await mkdir(folder, { recursive: true });
      const profile = emptyProfile(tenantId, `p-of-${tenantId}`, '2026-01-01T00:00:00Z');
      const rows = table === 'profiles' ? [{ profile_id: profile.profileId, doc: JSON.stringify(profile) }] : [];
      await writeFile(join(folder, 'part-0.jsonl'), rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
    }
  return dir;
}

describe('the DuckDB views over the analytics layout', () => {
  it('keeps all-digit tenant ids apart as text: tenant 07 is not tenant 7', async () => {
    const engine = await DuckDbAnalytics.open(await layoutOf(['7', '07']));
    try {
      const ids = async (tenantId: string) => {
        const out: string[] = [];
        for await (const p of engine.listProfiles(tenantId)) out.push(p.profileId);
        return out;
      };
      expect(await ids('7')).toEqual(['p-of-7']);
      expect(await ids('07')).toEqual(['p-of-07']);
    } finally {
      engine.close();
    }
  });
});
