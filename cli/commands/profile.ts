// `syncline profile <tenant> <email|id>`: the merged profile with the source of every field, segments, suggestions,
// and the last delivery attempts at each destination ("why is Anna not in Klaviyo?").
import { findProfile, profileQuery, viewProfile, type ProfileView } from '../../operator/profile-view.js';
import { deliveryLogOf, nothingAttempted, type DestinationDeliveries } from '../../pipeline/delivery-log-view.js';
import { installedConnectors } from '../../connectors/index.js';
import type { CommandContext } from '../context.js';
import { CommandFailed } from '../errors.js';
import { json, table } from '../io.js';
import { requireTenant } from '../target.js';

export async function profileCommand(ctx: CommandContext, tenantId: string, emailOrId: string): Promise<number> {
  const target = await ctx.target();
  const tenant = requireTenant(target, tenantId);
  const profile = await findProfile(target.profiles, tenantId, profileQuery(emailOrId));
  if (!profile) throw new CommandFailed(`no profile for "${emailOrId}" in tenant ${tenantId} on ${target.label}`);
  const view = viewProfile(profile, tenant, await target.stats.get(tenantId));
  const deliveries = await deliveryLogOf(target.snapshots, tenant, profile, installedConnectors);
  ctx.io.out(ctx.options.json ? json({ ...view, deliveries }) : formatProfile(view, deliveries));
  return 0;
}

export function formatProfile(p: ProfileView, deliveries: readonly DestinationDeliveries[] = []): string {
  const value = (v: unknown) => (v === null ? '-' : String(v));
  return [
    `profile ${p.profileId} (tenant ${p.tenantId}), first seen ${p.firstSeenAt}, last seen ${p.lastSeenAt}`,
    `orders ${p.orders.count}${p.orders.sources.length ? ` from ${p.orders.sources.join(', ')}` : ''}, open carts ${p.openCarts}`,
    `segments: ${p.segments.length ? p.segments.join(', ') : 'none'}`,
    ...(p.suggestions.length
      ? [`suggestions: ${p.suggestions.map((s) => `${s.sku}${s.name ? ` ${s.name}` : ''}${s.reason ? ` (${s.reason})` : ''}`).join('; ')}`]
      : []),
    ...(p.mergedFrom.length ? [`merged from: ${p.mergedFrom.join(', ')}`] : []),
    '',
    table(
      ['field', 'value', 'source', 'as of'],
      p.fields.map((f) => [f.name, value(f.value), f.source, f.at]),
    ).trimEnd(),
    '',
    table(
      ['identifier', 'value', 'source', 'since'],
      p.identifiers.map((i) => [i.type, i.value, i.source, i.at]),
    ).trimEnd(),
    ...(p.consent.length
      ? [
          '',
          table(
            ['consent', 'granted', 'source', 'as of'],
            p.consent.map((c) => [c.purpose, c.granted ? 'yes' : 'no', c.source, c.at]),
          ).trimEnd(),
        ]
      : []),
    ...(deliveries.length
      ? [
          '',
          table(
            ['destination', 'when', 'outcome', 'reason', 'fields sent'],
            deliveries.flatMap((d) =>
              d.attempts.length === 0
                ? [[d.instance, '-', nothingAttempted(d), '-', '-']]
                : d.attempts.map((a) => [d.instance, a.at, a.outcome, a.reason ?? '-', a.fields.length ? a.fields.join(', ') : '-']),
            ),
          ).trimEnd(),
        ]
      : []),
    '',
  ].join('\n');
}
