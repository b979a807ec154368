// `syncline erasures <tenant>` and `syncline erasure <tenant> <request-id>`: the erasure receipts, i.e. per request
// what every destination said (requested, confirmed, unsupported, failed with the reason), attempts and times.
// Receipts hold no personal data, so they are printed whole.
import type { ErasureReceipt } from '../../core/erasure/receipts.js';
import type { CommandContext } from '../context.js';
import { CommandFailed } from '../errors.js';
import { json, table } from '../io.js';
import { requireTenant } from '../target.js';

export async function erasuresCommand(ctx: CommandContext, tenantId: string): Promise<number> {
  const target = await ctx.target();
  requireTenant(target, tenantId);
  const receipts = await target.erasures.list(tenantId);
  if (ctx.options.json) ctx.io.out(json(receipts.map(summary)));
  else ctx.io.out(formatErasures(tenantId, receipts));
  return 0;
}

export async function erasureCommand(ctx: CommandContext, tenantId: string, requestId: string): Promise<number> {
  const target = await ctx.target();
  requireTenant(target, tenantId);
  const receipt = await target.erasures.get(tenantId, requestId);
  if (!receipt)
    throw new CommandFailed(
      `no erasure receipt "${requestId}" in tenant ${tenantId} on ${target.label} (\`syncline erasures ${tenantId}\` lists them; a receipt appears once the push has taken the request)`,
    );
  ctx.io.out(ctx.options.json ? json(receipt) : formatErasure(receipt));
  return 0;
}

/** One line of the listing: the request and each destination's status, without the subjects' digests. */
export function summary(r: ErasureReceipt) {
  return {
    requestId: r.requestId,
    requestedAt: r.requestedAt,
    updatedAt: r.updatedAt,
    state: r.state,
    subjects: r.subjects.length,
    destinations: r.destinations.map(({ instance, status, attempts, reason }) => ({
      instance,
      status,
      attempts,
      ...(reason ? { reason } : {}),
    })),
  };
}

export function formatErasures(tenantId: string, receipts: readonly ErasureReceipt[]): string {
  if (receipts.length === 0) return `no erasure receipts for tenant ${tenantId}\n`;
  return table(
    ['request', 'requested at', 'state', 'profiles', 'destinations'],
    receipts.map((r) => [
      r.requestId,
      r.requestedAt,
      r.state,
      r.subjects.length,
      r.destinations.map((d) => `${d.instance} ${d.status}`).join(', ') || '(none configured)',
    ]),
  );
}

export function formatErasure(r: ErasureReceipt): string {
  const profiles = r.subjects.map((s) => s.profileId ?? '(no profile matched)');
  const next =
    r.state === 'open'
      ? 'still open: failed destinations are retried (queue redelivery, then the sweep) until they confirm'
      : r.state === 'failed-permanently'
        ? 'FAILED PERMANENTLY: retries stopped at the max age; erase the person at the failed destinations by hand'
        : 'settled: every destination confirmed or cannot erase';
  return [
    `erasure ${r.requestId} (tenant ${r.tenantId}): ${r.state}`,
    `requested ${r.requestedAt}, last update ${r.updatedAt}; ${profiles.length} profile(s): ${profiles.join(', ')}`,
    next,
    ...r.subjects.filter((s) => s.closedReason).map((s) => `${s.profileId ?? s.subjectDigest}: ${s.closedReason}`),
    '',
    table(
      ['destination', 'connector', 'status', 'attempts', 'last attempt', 'confirmed', 'reason'],
      r.destinations.map((d) => [
        d.instance,
        d.connector,
        d.status,
        d.attempts,
        d.lastAttemptAt ?? '-',
        d.confirmedAt ?? '-',
        d.reason ?? '',
      ]),
    ).trimEnd(),
    '',
  ].join('\n');
}
