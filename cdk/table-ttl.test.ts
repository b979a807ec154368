// Every table whose items carry a `ttl` has DynamoDB TTL enabled on it in the template: without it the items never expire
// in AWS (DynamoDB Local never deletes expired items, so only the template can show the gap).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { TTL_ATTRIBUTE } from '../aws/tables.js';
import { REPO_ROOT } from './handlers.js';
import { logicalId, resourcesOf, synth, type Synthesized } from './test-support.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 240_000 });

let dev: Synthesized;
beforeAll(() => {
  dev = synth();
});

/**
 * The tables the AWS adapters write `ttl` into: an adapter that uses TTL_ATTRIBUTE writes to the table whose key builder
 * it imports (profileKeys: profiles, opsKeys: ops).
 */
function tablesRelyingOnTtl(): Map<'profiles' | 'ops', string[]> {
  const found = new Map<'profiles' | 'ops', string[]>();
  const dir = join(REPO_ROOT, 'aws');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const source = readFileSync(join(dir, file), 'utf8');
    const imports = source.match(/import\s*\{([^}]*)\}\s*from\s*'\.\/tables\.js'/)?.[1] ?? '';
    if (!/\bTTL_ATTRIBUTE\b/.test(imports)) continue;
    for (const [builder, table] of [
      ['profileKeys', 'profiles'],
      ['opsKeys', 'ops'],
    ] as const)
      if (new RegExp(`\\b${builder}\\b`).test(imports)) found.set(table, [...(found.get(table) ?? []), file]);
  }
  return found;
}

describe('TTL', () => {
  it('finds the adapters that write ttl: history items on profiles, quarantine, ledger, campaign and receipts on ops', () => {
    const found = tablesRelyingOnTtl();
    expect(found.get('profiles')).toContain('dynamo-profile-repository.ts');
    expect(found.get('ops')).toEqual(expect.arrayContaining(['dynamo-ops-store.ts', 'dynamo-event-ledger.ts']));
  });

  it('enables TTL on every table whose items carry ttl', () => {
    const tables = resourcesOf(dev.template, 'AWS::DynamoDB::GlobalTable');
    for (const [table, adapters] of tablesRelyingOnTtl()) {
      const resource = tables[logicalId(dev.stack, dev.stack.tables[table])];
      expect(resource?.Properties?.TimeToLiveSpecification, `${table} table (ttl written by ${adapters.join(', ')})`).toEqual({
        AttributeName: TTL_ATTRIBUTE,
        Enabled: true,
      });
    }
  });
});
