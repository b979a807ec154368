// `syncline backfill <tenant> <instance> [--since] [--restart]`: a resync by polling from the start with a progress
// line. It keeps a cursor of its own (pipeline/backfill/backfill.ts): interrupted, the next run resumes where it stopped.
import type { BackfillProgress } from '../../pipeline/backfill/backfill.js';
import { formatDuration } from '../../operator/instance-health.js';
import type { CommandContext } from '../context.js';
import { CommandFailed } from '../errors.js';
import { json } from '../io.js';
import { requireTenant } from '../target.js';

export function progressLine(p: BackfillProgress): string {
  const perSecond = p.elapsedMs > 0 ? (p.read / p.elapsedMs) * 1000 : 0;
  const bar =
    p.percent !== undefined
      ? `[${'#'.repeat(Math.round(p.percent / 5)).padEnd(20, '.')}] ${p.percent.toFixed(0).padStart(3)} % `
      : `[${p.done ? '#'.repeat(20) : `${'.'.repeat(p.pages % 20)}#`.padEnd(20, '.')}] `;
  const eta = p.done
    ? 'done'
    : p.etaMs !== undefined
      ? `ETA ${formatDuration(p.etaMs)}`
      : 'ETA unknown (the connector does not report a total)';
  return `${bar}${p.pages} page(s), ${p.read} read, ${p.queued} queued, ${perSecond.toFixed(1)}/s, ${formatDuration(p.elapsedMs)}; ${eta}`;
}

export async function backfillCommand(
  ctx: CommandContext,
  tenantId: string,
  instanceId: string,
  since: Date | undefined,
  restart: boolean,
): Promise<number> {
  const target = await ctx.target();
  const tenant = requireTenant(target, tenantId, instanceId);
  const instance = tenant.instances.find((i) => i.id === instanceId)!;
  const { installedConnectors } = await import('../../connectors/index.js');
  if (!installedConnectors[instance.connector]?.poll) {
    throw new CommandFailed(
      `${tenantId}/${instanceId} (${instance.connector}) cannot poll, so there is nothing to backfill from: its data arrives by webhook`,
      2,
    );
  }
  const { io } = ctx;
  if (!ctx.options.json)
    io.err(
      `backfilling ${tenantId}/${instanceId} on ${target.label}${since ? ` (events since ${since.toISOString()})` : ''}; Ctrl-C stops it, running it again resumes\n`,
    );
  let shown = false;
  const result = await target.backfill(tenantId, instanceId, {
    ...(since ? { since } : {}),
    restart,
    onProgress: (p) => {
      if (ctx.options.json) return;
      if (p.resumed && p.pages === 1) io.err('resuming an interrupted backfill from its cursor (--restart starts over)\n');
      // A terminal gets one line redrawn; a log gets a line per page.
      io.err(io.isTTY ? `\r\x1b[2K${progressLine(p)}` : `${progressLine(p)}\n`);
      shown = true;
    },
  });
  if (shown && io.isTTY) io.err('\n');
  if (ctx.options.json) io.out(json(result));
  else
    io.out(
      `${result.done ? 'backfill complete' : 'backfill stopped (run it again to resume)'}: ${result.pages} page(s), ${result.read} event(s) read, ${result.queued} queued for the merge\n`,
    );
  return result.done ? 0 : 1;
}
