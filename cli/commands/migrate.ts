// `syncline migrate`: run once after deploying a version that adds an index to the profiles table (docs/deploy.md):
// profile items stored before it lack the index attributes, so the index (and whatever lists a tenant) would miss them.
import { DynamoProfileRepository } from '../../aws/dynamo-profile-repository.js';
import type { CommandContext } from '../context.js';
import { CommandFailed } from '../errors.js';
import { json } from '../io.js';

export async function migrateCommand(ctx: CommandContext): Promise<number> {
  const target = await ctx.target();
  if (!(target.profiles instanceof DynamoProfileRepository)) throw new CommandFailed(`${target.label} keeps no DynamoDB profiles table`);
  const result = await target.profiles.addIndexAttributes();
  ctx.io.out(
    ctx.options.json
      ? json(result)
      : `${target.label}: ${result.updated} profile(s) given their index attributes (${result.missing - result.updated} written meanwhile)\n`,
  );
  return 0;
}
