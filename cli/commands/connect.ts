// `syncline connect <tenant> <instance> [--dry-run] [--check] [--base-url <url>]`: registers (or corrects) the
// vendor's webhook subscriptions for the topics the connector reads, pointing at this stack, and stores the signing
// secret where the instance's secret lives. Runs again without changes; --dry-run and --check change nothing, and
// --check exits 1 when something would change (drift).
import type { ConnectOutcome } from '../../pipeline/subscriptions/connect.js';
import type { PlannedChange } from '../../pipeline/subscriptions/plan.js';
import type { CommandContext } from '../context.js';
import { CommandFailed } from '../errors.js';
import { json } from '../io.js';
import { requireTenant } from '../target.js';
import { webhookBase, webhookUrl } from '../webhook-base.js';

export interface ConnectOptions {
  dryRun: boolean;
  check: boolean;
  baseUrl?: string;
}

/** One line per change: what was (or would be) done. */
export function describeChange(change: PlannedChange, done: boolean): string {
  const topics = change.topics.join(', ');
  if (change.action === 'keep') return `ok        ${topics} (${change.id})`;
  if (change.action === 'create') return `${done ? 'created ' : 'missing '}  ${topics}`;
  return `${done ? 'updated ' : 'wrong   '}  ${topics} (${change.id}): ${change.reason}`;
}

/** Why an outcome that is not a plan is a failure, with what fixes it; undefined for a plan or a manual vendor. */
export function outcomeProblem(outcome: ConnectOutcome): string | undefined {
  if (outcome.kind === 'secret-missing')
    return `the secret ${outcome.secret} lacks ${outcome.missing.join(', ')}: add the vendor's credentials there (docs/running-locally.md, docs/deploy.md)`;
  if (outcome.kind === 'vendor-failed')
    return outcome.status === 401 || outcome.status === 403
      ? `${outcome.connector} refused the credentials: ${outcome.reason}`
      : `${outcome.connector} could not be asked: ${outcome.reason}`;
  return undefined;
}

export async function connectCommand(ctx: CommandContext, tenantId: string, instanceId: string, options: ConnectOptions): Promise<number> {
  const { base } = webhookBase(ctx, options.baseUrl);
  const target = await ctx.target();
  requireTenant(target, tenantId, instanceId);
  const url = webhookUrl(base, tenantId, instanceId);
  const apply = !options.dryRun && !options.check;
  const outcome = await target.connect(tenantId, instanceId, url, apply);
  const drift = (outcome.kind === 'planned' || outcome.kind === 'applied') && outcome.changes.some((c) => c.action !== 'keep');
  const problem = outcomeProblem(outcome);
  const code = problem !== undefined || (options.check && drift) ? 1 : 0;
  if (ctx.options.json) {
    ctx.io.out(json({ tenantId, instanceId, ...outcome }));
    return code;
  }
  if (problem) throw new CommandFailed(`${tenantId}/${instanceId}: ${problem}`);
  if (outcome.kind === 'manual') {
    ctx.io.out(
      `${tenantId}/${instanceId}: syncline cannot subscribe ${outcome.connector} through its API. In its admin screen, add a webhook for each topic the connector reads (docs/installed-connectors.md) delivering to\n  ${url}\nand put its signing secret in ${outcome.secret}.\n`,
    );
    return 0;
  }
  if (outcome.kind !== 'planned' && outcome.kind !== 'applied') return code;
  ctx.io.out(`${tenantId}/${instanceId} (${outcome.connector}) → ${url}\n`);
  for (const change of outcome.changes) ctx.io.out(`  ${describeChange(change, outcome.kind === 'applied')}\n`);
  if (outcome.kind === 'applied' && outcome.storedSecret)
    ctx.io.out(`  stored    ${outcome.storedSecret.key} in ${outcome.storedSecret.where}\n`);
  if (!drift) ctx.io.out('nothing to change\n');
  else if (!apply) ctx.io.out(`${options.check ? 'drift: ' : ''}run syncline connect ${tenantId} ${instanceId} to make these changes\n`);
  return code;
}
