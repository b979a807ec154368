// `syncline migrate`: run once after deploying a version that adds an index to the profiles table (docs/deploy.md):
// profile items stored before it lack the index attributes, so the index (and whatever lists a tenant) would miss them,
// and lack their due time, so the campaign sweep (which reads only due profiles) would not see them until their next merge.
import { DynamoProfileRepository } from '../../aws/dynamo-profile-repository.js';
import { nextDueAt } from '../../core/campaign/due-time.js';
import type { Profile } from '../../core/profile.js';
import type { CommandContext } from '../context.js';
import { CommandFailed } from '../errors.js';
import { json } from '../io.js';

export async function migrateCommand(ctx: CommandContext): Promise<number> {
  const target = await ctx.target();
  if (!(target.profiles instanceof DynamoProfileRepository)) throw new CommandFailed(`${target.label} keeps no DynamoDB profiles table`);
  const indexed = await target.profiles.addIndexAttributes();
  const campaigns = new Map(target.config.tenants.map((t) => [t.id, t.campaigns]));
  const now = new Date();
  const due = await target.profiles.addDueTimes((profile: Profile) => {
    const rules = campaigns.get(profile.tenantId);
    return rules ? nextDueAt(profile, rules, now) : undefined;
  });
  ctx.io.out(
    ctx.options.json
      ? json({ ...indexed, dueTimes: due })
      : `${target.label}: ${indexed.updated} profile(s) given their index attributes (${indexed.missing - indexed.updated} written meanwhile), ` +
          `${due.updated} given their due time (${due.missing - due.updated} written meanwhile or not due)\n`,
  );
  return 0;
}
