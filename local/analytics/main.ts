// `npm run analytics -- <command>`: whole-tenant analytics over an export on the local stack (issue 20), with the SQL
// files Athena runs in AWS (analytics/*.sql). The table comes from the environment, as for `npm run uplift`
// (PROFILES_TABLE, AWS_ENDPOINT_URL_DYNAMODB for DynamoDB Local).
//   export <dir>                              the table as an export under <dir>/export, decoded into <dir>/layout
//   co-purchases <dir> <tenant>               per product, the products its buyers also bought (whole catalogue)
//   uplift <dir> <tenant> <campaign>          the control-group uplift, from the export instead of the table
//   dry-run <dir> <tenant> <rules.json>       the identity dry run, from the export instead of the table
import '../quiet-node-warning.js';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readRules } from '../../cli/commands/identity.js';
import { dryRunIdentityRules } from '../../core/identity/dry-run.js';
import { computeUplift, formatUplift } from '../uplift.js';
import { DuckDbAnalytics } from './duckdb-analytics.js';
import { decodeExport, exportTable } from './export-table.js';

const USAGE =
  'usage: npm run analytics -- export <dir> | co-purchases <dir> <tenant> | uplift <dir> <tenant> <campaign> | dry-run <dir> <tenant> <rules.json>';

async function main([command, dir, ...rest]: string[]): Promise<void> {
  if (!command || !dir) throw new Error(USAGE);
  const [{ loadConfig }, { dynamoClient }, { tableNames }] = await Promise.all([
    import('../../lambdas/load-config.js'),
    import('../../aws/aws-clients.js'),
    import('../../aws/tables.js'),
  ]);
  const config = loadConfig();
  if (command === 'export') {
    const data = await exportTable(dynamoClient(), tableNames().profiles, join(dir, 'export'));
    const profiles = await decodeExport(data, join(dir, 'layout'), config);
    for (const [tenantId, n] of profiles) process.stdout.write(`${tenantId}: ${n} live profiles\n`);
    return;
  }
  const engine = await DuckDbAnalytics.open(join(dir, 'layout'));
  try {
    const [tenantId, arg] = rest;
    if (!tenantId) throw new Error(USAGE);
    if (command === 'co-purchases') {
      for (const row of await engine.coPurchases(tenantId)) process.stdout.write(`${row.product}\t${row.also_bought}\t${row.customers}\n`);
    } else if (command === 'uplift' && arg) {
      process.stdout.write(`${formatUplift(await computeUplift(engine, config, tenantId, arg))}\n`);
    } else if (command === 'dry-run' && arg) {
      const tenant = config.tenants.find((t) => t.id === tenantId);
      if (!tenant) throw new Error(`tenant "${tenantId}" is not in the config`);
      process.stdout.write(`${JSON.stringify(await dryRunIdentityRules(engine, tenant, readRules(arg)), null, 2)}\n`);
    } else throw new Error(USAGE);
  } finally {
    engine.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
