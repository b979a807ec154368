// `syncline webhooks [<tenant>] [--base-url <url>]`: the URL to give each vendor, and where its signing secret goes.
import { secretPrefix } from '../../aws/secrets.js';
import type { CommandContext } from '../context.js';
import { json, table } from '../io.js';
import { UnknownTenant } from '../target.js';
import { webhookBase, webhookUrl } from '../webhook-base.js';

interface WebhookRow {
  tenantId: string;
  instanceId: string;
  connector: string;
  url: string;
  /** Where the instance's credentials (its webhook signing secret among them) are read from. */
  secret: string;
}

export async function webhooksCommand(ctx: CommandContext, tenantId: string | undefined, baseUrl: string | undefined): Promise<number> {
  const { stage } = ctx.options;
  const { config, base } = webhookBase(ctx, baseUrl);

  const tenants = tenantId === undefined ? config.tenants : config.tenants.filter((t) => t.id === tenantId);
  if (tenants.length === 0)
    throw new UnknownTenant(`unknown tenant "${tenantId}" (configured: ${config.tenants.map((t) => t.id).join(', ')})`);
  const rows: WebhookRow[] = tenants.flatMap((tenant) =>
    tenant.instances
      .filter((i) => i.webhooks)
      .map((instance) => ({
        tenantId: tenant.id,
        instanceId: instance.id,
        connector: instance.connector,
        url: webhookUrl(base, tenant.id, instance.id),
        secret: stage ? `${secretPrefix(stage)}${tenant.id}/${instance.id}` : `secrets.local.json "${tenant.id}/${instance.id}"`,
      })),
  );
  if (ctx.options.json) {
    ctx.io.out(json(rows));
    return 0;
  }
  if (rows.length === 0) {
    ctx.io.out('no instance receives webhooks ("webhooks": true in the config)\n');
    return 0;
  }
  ctx.io.out(
    table(
      ['tenant', 'instance', 'connector', 'webhook URL', 'secret'],
      rows.map((r) => [r.tenantId, r.instanceId, r.connector, r.url, r.secret]),
    ),
  );
  return 0;
}
