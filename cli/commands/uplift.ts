// `syncline uplift <tenant> <campaign>`: the control-group report of issue 5 (local/uplift.ts).
import { computeUplift, formatUplift } from '../../local/uplift.js';
import type { CommandContext } from '../context.js';
import { CommandFailed } from '../errors.js';
import { json } from '../io.js';
import { requireTenant } from '../target.js';

export async function upliftCommand(ctx: CommandContext, tenantId: string, campaignId: string): Promise<number> {
  const target = await ctx.target();
  const tenant = requireTenant(target, tenantId);
  if (!tenant.campaigns.campaigns.some((c) => c.id === campaignId)) {
    const known = tenant.campaigns.campaigns.map((c) => c.id);
    throw new CommandFailed(
      `tenant "${tenantId}" has no campaign "${campaignId}" (${known.length ? `configured: ${known.join(', ')}` : 'none configured in campaigns.campaigns'})`,
      2,
    );
  }
  const report = await computeUplift(target.profiles, target.config, tenantId, campaignId);
  ctx.io.out(ctx.options.json ? json(report) : `${formatUplift(report)}\n`);
  return 0;
}
