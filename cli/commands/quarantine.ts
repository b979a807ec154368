// `syncline quarantine list|replay <tenant> [id]`: verified webhooks that failed to parse (was `npm run quarantine`).
import type { CommandContext } from '../context.js';
import { json } from '../io.js';
import { requireTenant } from '../target.js';

export async function quarantineCommand(
  ctx: CommandContext,
  action: 'list' | 'replay',
  tenantId: string,
  id: string | undefined,
): Promise<number> {
  const target = await ctx.target();
  requireTenant(target, tenantId);
  if (action === 'list') {
    // The request (headers, body) stays out of the listing: it holds personal data and the vendor's signature.
    const entries = (await target.quarantine.list(tenantId, 1_000)).map(({ id: entryId, instance, receivedAt, reason }) => ({
      id: entryId,
      instance,
      receivedAt,
      reason,
    }));
    if (ctx.options.json) ctx.io.out(json(entries));
    else if (entries.length === 0) ctx.io.out(`nothing quarantined for tenant ${tenantId}\n`);
    else for (const e of entries) ctx.io.out(`${e.id}  ${e.receivedAt}  ${e.instance}  ${e.reason}\n`);
    return 0;
  }
  const outcomes = await target.replayQuarantine(tenantId, id);
  if (ctx.options.json) ctx.io.out(json(outcomes));
  else {
    if (outcomes.length === 0) ctx.io.out(`nothing quarantined for tenant ${tenantId}\n`);
    for (const o of outcomes) {
      const detail = o.status === 'replayed' ? `${o.accepted ?? 0} event(s) queued, removed from quarantine` : (o.reason ?? '');
      ctx.io.out(`${o.id}  ${o.instance ?? ''}  ${o.status}  ${detail}\n`);
    }
  }
  return outcomes.some((o) => o.status !== 'replayed') ? 1 : 0;
}
