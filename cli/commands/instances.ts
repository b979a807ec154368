// `syncline instances [<tenant>]`: every configured instance with its last webhook and poll, lag and error counts, and
// for a destination its delivery counts (delivered, skipped for consent, rejected by the vendor, retrying).
import { describeInstances, formatDuration } from '../../operator/instance-health.js';
import type { CommandContext } from '../context.js';
import { json, table } from '../io.js';
import { requireTenant } from '../target.js';

export async function instancesCommand(ctx: CommandContext, tenantId: string | undefined): Promise<number> {
  const target = await ctx.target();
  if (tenantId !== undefined) requireTenant(target, tenantId);
  const rows = await describeInstances(target.config, target.status, tenantId !== undefined ? { tenantId } : {});
  if (ctx.options.json) {
    ctx.io.out(json(rows));
    return 0;
  }
  const at = (iso: string | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');
  ctx.io.out(
    table(
      [
        'tenant',
        'instance',
        'connector',
        'state',
        'last webhook',
        'last poll',
        'lag',
        'events in',
        'errors (webhook/poll/merge/push)',
        'deliveries (delivered/skipped for consent/rejected/retrying)',
      ],
      rows.map((r) => [
        r.tenantId,
        r.instanceId,
        r.connector,
        r.state,
        r.webhooks ? at(r.lastWebhookAt) : 'no webhooks',
        r.pollEveryMinutes !== undefined ? at(r.lastPollAt) : 'no polling',
        formatDuration(r.lagMs),
        r.eventsIn,
        `${r.errors.webhook}/${r.errors.poll}/${r.errors.merge}/${r.errors.push}`,
        r.deliveries
          ? `${r.deliveries.delivered}/${r.deliveries.skippedConsent}/${r.deliveries.rejected}/${r.deliveries.retrying}`
          : 'not a destination',
      ]),
    ),
  );
  return 0;
}
