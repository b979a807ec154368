// `syncline config check`: the config file held to the rules every loader applies (no stack needed), every problem at once.
import { resolve } from 'node:path';
import { checkConfigFile, describeProblems } from '../../lambdas/load-config.js';
import type { CommandContext } from '../context.js';
import { json } from '../io.js';

export async function configCheckCommand(ctx: CommandContext): Promise<number> {
  const file = ctx.options.configFile;
  const checked = checkConfigFile(resolve(file));
  if (ctx.options.json) {
    ctx.io.out(json({ file, valid: 'config' in checked, problems: checked.problems }));
    return 'config' in checked ? 0 : 1;
  }
  if (!('config' in checked)) {
    ctx.io.out(`${describeProblems(file, checked.problems)}\n`);
    return 1;
  }
  const { tenants } = checked.config;
  const instances = tenants.reduce((n, t) => n + t.instances.length, 0);
  ctx.io.out(
    `${file}: OK (${tenants.length} ${tenants.length === 1 ? 'tenant' : 'tenants'}, ${instances} ${instances === 1 ? 'instance' : 'instances'})\n`,
  );
  return 0;
}
