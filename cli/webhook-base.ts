// The base URL vendors call on this stack, shared by `webhooks`, `connect` and `doctor`: the local stack's own URL, a
// tunnel's public URL in front of it (--base-url), or a stage's WebhookBaseUrl output (--base-url, required there).
// The stack outputs only its base URL (one output per instance would run into CloudFormation's 200 outputs per stack),
// so the URLs are built here: `<base>/webhooks/<tenant>/<instance>` (cdk/constructs/webhook-api.ts).
import type { SynclineConfig } from '../core/config.js';
import { loadConfig } from '../lambdas/load-config.js';
import { readLocalState } from '../local/state-file.js';
import type { CommandContext } from './context.js';
import { CommandFailed } from './errors.js';

export function webhookBase(ctx: CommandContext, baseUrl: string | undefined): { config: SynclineConfig; base: string } {
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
  return { config, base: base.replace(/\/+$/, '') };
}

export const webhookUrl = (base: string, tenantId: string, instanceId: string) =>
  `${base}/webhooks/${encodeURIComponent(tenantId)}/${encodeURIComponent(instanceId)}`;
