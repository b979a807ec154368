// `syncline unmerge <tenant> <profile> --identifier <value>`: splits a wrong merge (core/identity/unmerge.ts) on the stack's
// own tables, then queues a sync of every rebuilt profile so destinations receive the corrected people.
import type { PushMessage } from '../../core/ports.js';
import { unmergeProfile, UnmergeRefused } from '../../core/identity/unmerge.js';
import { SqsMessageQueue } from '../../aws/sqs-queue.js';
import type { CommandContext } from '../context.js';
import { CommandFailed } from '../errors.js';
import { json } from '../io.js';
import { requireTenant } from '../target.js';

export async function unmergeCommand(
  ctx: CommandContext,
  tenantId: string,
  profileId: string,
  identifier: string,
  reason?: string,
): Promise<number> {
  const target = await ctx.target();
  const tenant = requireTenant(target, tenantId);
  let result;
  try {
    result = await unmergeProfile({ profiles: target.profiles }, tenant, profileId, identifier, reason);
  } catch (error) {
    if (error instanceof UnmergeRefused) throw new CommandFailed(`unmerge refused: ${error.message}`);
    throw error;
  }
  await new SqsMessageQueue<PushMessage>(target.sqs, target.queues.push).send(result.push);
  if (ctx.options.json) ctx.io.out(json({ tenantId, ...result, identifier: { type: result.identifier.type } }));
  else {
    ctx.io.out(`unmerged profile ${profileId} on its ${result.identifier.type}: ${result.profiles.length} profiles now\n`);
    for (const p of result.profiles)
      ctx.io.out(
        `  ${p.profileId}  ${p.events} events, ${p.identifiers} identifiers${p.revived ? ' (id given back)' : p.profileId === profileId ? '' : ' (new)'}\n`,
      );
    ctx.io.out(`the journal of each profile records the unmerge; destinations receive the corrected profiles through the push queue\n`);
  }
  return 0;
}
