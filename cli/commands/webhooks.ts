// `syncline webhooks [<tenant>] [--base-url <url>]`: the URL to give each vendor, and where its signing secret goes.
// The stack outputs only its base URL (one output per instance would run into CloudFormation's 200 outputs per stack),
// so the URLs are built here from the config: `<base>/webhooks/<tenant>/<instance>` (cdk/constructs/webhook-api.ts).
import { secretPrefix } from '../../aws/secrets.js';
import type { SynclineConfig } from '../../core/config.js';
import { loadConfig } from '../../lambdas/load-config.js';
import { readLocalState } from '../../local/state-file.js';
import type { CommandContext } from '../context.js';
import { CommandFailed } from '../errors.js';
import { json, table } from '../io.js';
import { UnknownTenant } from '../target.js';

interface WebhookRow {
  tenantId: string;
  instanceId: string;
  connector: string;
  url: string;
  /** Where the instance's credentials (its webhook signing secret among them) are read from. */
  secret: string;
}

export async function webhooksCommand(ctx: CommandContext, tenantId: string | undefined, baseUrl: string | undefined): Promise<number> {
  const { stage, stateFile, configFile } = ctx.options;
  let config: SynclineConfig;
  let base: string;
  if (stage) {
    if (!baseUrl)
      throw new CommandFailed(
        `give --base-url: the stack's WebhookBaseUrl output (aws cloudformation describe-stacks --stack-name Syncline-${stage} --query "Stacks[0].Outputs[?OutputKey=='WebhookBaseUrl'].OutputValue" --output text)`,
        2,
      );
    config = loadConfig(configFile);
    base = baseUrl;
  } else {
    const state = readLocalState(stateFile);
    config = state.config ?? loadConfig(configFile);
    // A tunnel's public URL in front of the local stack (what a vendor can reach) replaces the local one.
    base = baseUrl ?? state.url;
  }
  if (!/^https?:\/\/[^/\s]+(\/[^\s]*)?$/.test(base)) throw new CommandFailed(`--base-url must be an http(s) URL, not "${base}"`, 2);
  base = base.replace(/\/+$/, '');

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
        url: `${base}/webhooks/${encodeURIComponent(tenant.id)}/${encodeURIComponent(instance.id)}`,
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
