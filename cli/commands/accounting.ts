// `syncline accounting [<tenant>]`: per tenant and connector instance, every event in is applied, quarantined or
// dead-lettered; what is none of these yet is in flight. Exit code 1 while anything is in flight (not balanced).
import { accountTenant, type InstanceAccount, type TenantAccount } from '../../pipeline/ledger/accounting.js';
import { LEDGER_RETENTION_DAYS } from '../../pipeline/ledger/event-ledger.js';
import type { CommandContext } from '../context.js';
import { json, table } from '../io.js';
import { requireTenant } from '../target.js';
import { CLI_SOURCE } from '../../core/events.js';

export async function accountingCommand(ctx: CommandContext, tenantId: string | undefined): Promise<number> {
  const target = await ctx.target();
  const tenants = tenantId !== undefined ? [requireTenant(target, tenantId)] : target.config.tenants;
  const accounts: TenantAccount[] = [];
  for (const tenant of tenants)
    accounts.push(await accountTenant({ ledger: target.ledger, quarantine: target.quarantine }, tenant, [CLI_SOURCE.instance]));
  const balanced = accounts.every((a) => a.balanced);
  if (ctx.options.json) {
    ctx.io.out(json({ balanced, retentionDays: LEDGER_RETENTION_DAYS, tenants: accounts }));
    return balanced ? 0 : 1;
  }
  const rows = accounts.flatMap((a) =>
    a.instances.map((i) => [
      i.tenantId,
      i.instanceId,
      i.connector ?? '(not configured)',
      i.in,
      i.applied,
      i.quarantined,
      i.deadLettered,
      i.inFlight,
    ]),
  );
  ctx.io.out(table(['tenant', 'instance', 'connector', 'in', 'applied', 'quarantined', 'dead-lettered', 'in flight'], rows));
  for (const account of accounts) for (const line of details(account.instances)) ctx.io.out(`  ${line}\n`);
  ctx.io.out('\n');
  for (const a of accounts) {
    const { in: total, applied, quarantined, deadLettered, inFlight } = a.totals;
    const sum = `${total} in = ${applied} applied + ${quarantined} quarantined + ${deadLettered} dead-lettered`;
    ctx.io.out(
      a.balanced
        ? `${a.tenantId}: balanced: ${sum}\n`
        : `${a.tenantId}: NOT balanced: ${sum} + ${inFlight} in flight (queued, being merged, or lost)\n`,
    );
  }
  ctx.io.out(
    `(quarantined counts webhook deliveries, which have no events yet; events are kept ${LEDGER_RETENTION_DAYS} days after their last change)\n`,
  );
  return balanced ? 0 : 1;
}

/** What an operator needs next: how the applied ones settled, why dead letters failed, since when something is in flight. */
function details(instances: readonly InstanceAccount[]): string[] {
  const lines: string[] = [];
  for (const i of instances) {
    const name = `${i.tenantId}/${i.instanceId}`;
    const settled = Object.entries(i.appliedBy).filter(([, n]) => n !== undefined && n > 0);
    if (settled.some(([outcome]) => outcome !== 'applied'))
      lines.push(`${name} applied: ${settled.map(([outcome, n]) => `${n} ${outcome}`).join(', ')}`);
    for (const [reason, n] of Object.entries(i.deadLetterReasons))
      lines.push(`${name} dead-lettered: ${n} × ${reason} (syncline dlq list; replay after the fix)`);
    if (i.inFlight > 0 && i.oldestInFlightAt) lines.push(`${name} in flight since ${i.oldestInFlightAt}`);
  }
  return lines;
}
