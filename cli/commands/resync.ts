// `syncline resync <tenant> <destination> [--dry-run] [--full] [--restart]`: every live profile of the tenant with the
// destination's consent, pushed at the vendor's pace with a progress line and ETA; interrupted, the next run resumes
// after the last page done (pipeline/resync/). Ends with the summary: pushed, already there, skipped for consent,
// failed with the vendors' reasons.
import { formatDuration } from '../../operator/instance-health.js';
import type { ResyncProgress } from '../../pipeline/resync/run-resync.js';
import type { CommandContext } from '../context.js';
import { json } from '../io.js';
import { requireTenant } from '../target.js';

export function resyncProgressLine(p: ResyncProgress): string {
  const bar =
    p.percent !== undefined ? `[${'#'.repeat(Math.round(p.percent / 5)).padEnd(20, '.')}] ${p.percent.toFixed(0).padStart(3)} % ` : '';
  const of = p.total !== undefined ? ` of ${p.total}` : '';
  const eta = p.finished ? 'done' : p.etaMs !== undefined ? `ETA ${formatDuration(p.etaMs)}` : 'ETA unknown yet';
  const verb = p.dryRun ? 'would push' : 'pushed';
  return `${bar}${p.done}${of} profiles: ${p.counts.pushed} ${verb}, ${p.counts.unchanged} already there, ${p.counts.skippedConsent} skipped for consent, ${p.counts.failed} failed; ${p.perSecond.toFixed(1)}/s, ${formatDuration(p.elapsedMs)}; ${eta}`;
}

export function resyncSummary(p: ResyncProgress): string {
  const lines: string[] = [];
  const what = p.dryRun ? 'resync dry run (nothing sent)' : p.finished ? 'resync complete' : 'resync stopped (run it again to resume)';
  lines.push(`${what}: ${p.tenantId}/${p.instanceId} (${p.connector}), ${p.mode === 'full' ? 'full: every field' : 'changed fields only'}`);
  if (p.dryRun) {
    lines.push(
      `  would push          ${p.counts.pushed}${p.mode === 'normal' ? ` (${p.withSnapshot ?? 0} of them already there by the push snapshot: only changed fields go)` : ''}`,
    );
    lines.push(`  skipped for consent ${p.counts.skippedConsent}`);
  } else {
    lines.push(`  pushed              ${p.counts.pushed}`);
    lines.push(`  already there       ${p.counts.unchanged}`);
    lines.push(`  skipped for consent ${p.counts.skippedConsent}`);
    lines.push(`  failed              ${p.counts.failed}`);
    for (const [reason, n] of Object.entries(p.failureReasons)) lines.push(`    ${n} × ${reason}`);
    if (p.failures.length > 0)
      lines.push(`  failed profiles (first ${p.failures.length}): ${p.failures.map((f) => f.profileId).join(', ')}`);
    if (p.counts.failed > 0 && p.finished)
      lines.push('  a normal resync run again sends only to these (the others are in the push snapshots)');
  }
  if (p.mappingChanged)
    lines.push(
      '  the field mapping of this destination changed since its last complete resync: `--full` sends every field under the new names (this run sent only changed values)',
    );
  lines.push(`  pace: ${p.pace.basis}${p.pace.documented ? '' : ' (not documented by the vendor)'}; ${p.batchSize} profiles per push`);
  return `${lines.join('\n')}\n`;
}

export async function resyncCommand(
  ctx: CommandContext,
  tenantId: string,
  instanceId: string,
  options: { dryRun: boolean; full: boolean; restart: boolean; batchSize?: number },
): Promise<number> {
  const target = await ctx.target();
  requireTenant(target, tenantId, instanceId);
  const { io } = ctx;
  if (!ctx.options.json)
    io.err(
      `resyncing ${tenantId}/${instanceId} on ${target.label}${options.dryRun ? ' (dry run: no vendor call)' : ''}${options.full ? ' (full: every field)' : ''}; Ctrl-C stops it, running it again resumes\n`,
    );
  let shown = false;
  let announced = false;
  const result = await target.resync(tenantId, instanceId, {
    ...options,
    onProgress: (p) => {
      if (ctx.options.json) return;
      if (p.resumed && !announced) io.err('resuming an interrupted resync after its last page (--restart starts over)\n');
      announced = true;
      io.err(io.isTTY ? `\r\x1b[2K${resyncProgressLine(p)}` : `${resyncProgressLine(p)}\n`);
      shown = true;
    },
  });
  if (shown && io.isTTY) io.err('\n');
  io.out(ctx.options.json ? json(result) : resyncSummary(result));
  return result.finished || result.dryRun ? 0 : 1;
}
