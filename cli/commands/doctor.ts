// `syncline doctor [<tenant>] [--base-url <url>] [--json]`: per instance, whether its secret exists and the vendor
// accepts it (one authenticated read: the subscription list), whether the subscriptions exist, point here and are
// active, when data last arrived, and its dead letters and quarantined deliveries; each problem with its fix.
// Exit 1 on any problem.
import { CLI_SOURCE } from '../../core/events.js';
import { describeInstances } from '../../operator/instance-health.js';
import { accountTenant } from '../../pipeline/ledger/accounting.js';
import { checkConfigFile, describeProblems } from '../../lambdas/load-config.js';
import type { CommandContext } from '../context.js';
import { diagnoseInstance, type Finding } from '../doctor-findings.js';
import { json } from '../io.js';
import { requireTenant } from '../target.js';
import { webhookBase, webhookUrl } from '../webhook-base.js';

interface InstanceReport {
  tenantId: string;
  instanceId: string;
  connector: string;
  findings: Finding[];
}

export async function doctorCommand(ctx: CommandContext, tenantId: string | undefined, baseUrl: string | undefined): Promise<number> {
  // A stage's config is the file it was deployed with: a wrong one is the first problem, and stops the rest.
  if (ctx.options.stage) {
    const checked = checkConfigFile(ctx.options.configFile);
    if (!('config' in checked)) {
      ctx.io.out(
        `${describeProblems(ctx.options.configFile, checked.problems)}\nfix: correct the file (syncline config check --config ${ctx.options.configFile})\n`,
      );
      return 1;
    }
  }
  const { base } = webhookBase(ctx, baseUrl);
  const target = await ctx.target();
  const tenants = tenantId !== undefined ? [requireTenant(target, tenantId)] : target.config.tenants;
  const reports: InstanceReport[] = [];
  for (const tenant of tenants) {
    const health = await describeInstances(target.config, target.status, { tenantId: tenant.id });
    const account = await accountTenant({ ledger: target.ledger, quarantine: target.quarantine }, tenant, [CLI_SOURCE.instance]);
    for (const instance of tenant.instances) {
      const counts = account.instances.find((i) => i.instanceId === instance.id);
      const subscriptions = instance.webhooks
        ? await target.connect(tenant.id, instance.id, webhookUrl(base, tenant.id, instance.id), false)
        : undefined;
      reports.push({
        tenantId: tenant.id,
        instanceId: instance.id,
        connector: instance.connector,
        findings: diagnoseInstance({
          tenantId: tenant.id,
          instanceId: instance.id,
          health: health.find((h) => h.instanceId === instance.id)!,
          ...(subscriptions ? { subscriptions } : {}),
          deadLettered: counts?.deadLettered ?? 0,
          quarantined: counts?.quarantined ?? 0,
        }),
      });
    }
  }
  const problems = reports.reduce((n, r) => n + r.findings.filter((f) => !f.ok).length, 0);
  if (ctx.options.json) {
    ctx.io.out(json({ ok: problems === 0, problems, instances: reports }));
    return problems === 0 ? 0 : 1;
  }
  for (const report of reports) {
    ctx.io.out(`${report.tenantId}/${report.instanceId} (${report.connector})\n`);
    for (const f of report.findings) {
      ctx.io.out(`  ${f.ok ? 'ok     ' : 'PROBLEM'}  ${f.check.padEnd(13)} ${f.detail}\n`);
      if (f.fix) ctx.io.out(`           ${''.padEnd(13)} fix: ${f.fix}\n`);
    }
  }
  ctx.io.out(
    problems === 0 ? `\nno problems on ${target.label}\n` : `\n${problems} ${problems === 1 ? 'problem' : 'problems'} on ${target.label}\n`,
  );
  return problems === 0 ? 0 : 1;
}
