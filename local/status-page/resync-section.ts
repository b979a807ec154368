// The status page's resync section: per destination of a tenant, the last resync job (its state, counts, progress and
// ETA, failure reasons) and the buttons that start one, normal or full (offered first after a field-mapping change).
import type { TenantConfig } from '../../core/config.js';
import { formatDuration } from '../../operator/instance-health.js';
import { estimateEtaMs } from '../../pipeline/resync/pacer.js';
import { mappingChangedSince, type ResyncJob } from '../../pipeline/resync/resync-job.js';
import { html, type Html } from './html.js';

export interface ResyncSources {
  job(tenantId: string, instanceId: string): Promise<ResyncJob | undefined>;
  /** A run of this job is going on in this process now. */
  running(tenantId: string, instanceId: string): boolean;
}

export interface ResyncRow {
  instanceId: string;
  connector: string;
  job?: ResyncJob;
  running: boolean;
  mappingChanged: boolean;
}

export async function readResyncRows(sources: ResyncSources, tenant: TenantConfig): Promise<ResyncRow[]> {
  const rows: ResyncRow[] = [];
  for (const instance of tenant.instances.filter((i) => i.push)) {
    const job = await sources.job(tenant.id, instance.id);
    rows.push({
      instanceId: instance.id,
      connector: instance.connector,
      ...(job ? { job } : {}),
      running: sources.running(tenant.id, instance.id),
      mappingChanged: mappingChangedSince(job, tenant, instance),
    });
  }
  return rows;
}

const handled = (job: ResyncJob) => job.counts.pushed + job.counts.unchanged + job.counts.skippedConsent + job.counts.failed;

function progressText(job: ResyncJob): string {
  const done = handled(job);
  const percent = job.total ? ` (${Math.min(100, Math.round((done / job.total) * 100))} %)` : '';
  return `${done}${job.total !== undefined ? ` of ${job.total}` : ''} profiles${percent}`;
}

function etaText(job: ResyncJob, running: boolean): string {
  if (job.state === 'complete') return `done in ${formatDuration(job.elapsedMs)}`;
  if (!running) return 'stopped: start it again to resume after the last page';
  const done = handled(job);
  // Over the whole job (a resumed run's own speed is not kept in the item): a rough figure for the page.
  const eta = estimateEtaMs({ done, total: job.total, doneThisRun: done, elapsedThisRunMs: job.elapsedMs, batchSize: 1, minIntervalMs: 0 });
  return eta === undefined ? 'ETA unknown yet' : `ETA ${formatDuration(eta)}`;
}

export function resyncSection(tenantId: string, rows: readonly ResyncRow[]): Html | string {
  if (rows.length === 0) return '';
  const slug = tenantId;
  return html`<h3 id="resync-${slug}">Resync a destination of ${tenantId}</h3>
<p class="muted">Pushes every profile with the destination's consent, at the vendor's pace; only what the destination lacks, or every field with a full resync (after a field-mapping change). Reload the page to follow a running one.</p>
<table>
<caption>Resync jobs of ${tenantId}</caption>
<thead><tr><th scope="col">Destination</th><th scope="col">Last job</th><th scope="col">Progress</th><th scope="col">Pushed</th><th scope="col">Already there</th><th scope="col">Skipped for consent</th><th scope="col">Failed</th><th scope="col">Start</th></tr></thead>
<tbody>${rows.map((row) => {
    const job = row.job;
    const state = row.running ? 'running' : job ? (job.state === 'complete' ? 'complete' : 'stopped') : 'never run';
    const reasons = job ? Object.entries(job.failureReasons) : [];
    const base = `/status/resync/${encodeURIComponent(tenantId)}/${encodeURIComponent(row.instanceId)}`;
    return html`<tr data-resync="${row.instanceId}">
<th scope="row">${row.instanceId} <span class="muted">(${row.connector})</span></th>
<td><span data-metric="resync-state-${row.instanceId}">${state}</span>${job ? html` <span class="muted">(${job.mode}, started ${job.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}, ${job.runs} run(s))</span>` : ''}</td>
<td>${job ? html`<span data-metric="resync-progress-${row.instanceId}">${progressText(job)}</span>; ${etaText(job, row.running)}` : '—'}</td>
<td class="num" data-metric="resync-pushed-${row.instanceId}">${job?.counts.pushed ?? 0}</td>
<td class="num">${job?.counts.unchanged ?? 0}</td>
<td class="num" data-metric="resync-skipped-${row.instanceId}">${job?.counts.skippedConsent ?? 0}</td>
<td>${job?.counts.failed ? html`<span class="failing">${job.counts.failed}</span>: ${reasons.map(([reason, n], i) => html`${i > 0 ? '; ' : ''}<code>${reason}</code> ×${n}`)}` : '0'}</td>
<td>${
      row.running
        ? html`<span class="muted">running…</span>`
        : html`${row.mappingChanged ? html`<p class="late">The field mapping changed since the last resync: a full resync sends every field under the new names.</p>` : ''}<form method="post" action="${base}"><button type="submit" aria-label="Resync ${row.instanceId}">${job && job.state !== 'complete' ? 'Resume' : 'Resync'}</button></form>
<form method="post" action="${base}?full=1"><button type="submit" aria-label="Full resync of ${row.instanceId}">Full resync</button></form>`
    }</td>
</tr>`;
  })}</tbody>
</table>`;
}
