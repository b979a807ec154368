// The status page's HTML: plain, server-rendered, no script. Every interpolated value goes through `escape`
// (quarantine reasons and profile values come from vendors' payloads); secrets are never part of the view.
import { formatDuration } from '../../operator/instance-health.js';
import { escape, html, Html } from './html.js';
import { resyncSection } from './resync-section.js';
import type { DeliveryOutcome } from '../../core/delivery-log.js';
import { nothingAttempted } from '../../pipeline/delivery-log-view.js';
import type { StatusView, TenantView } from './status-view.js';

export { escape };

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#111;background:#fff}
main{max-width:72rem;margin:0 auto;padding:1rem 1.25rem 3rem}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:2px solid #333}h3{font-size:1.05rem;margin:1.25rem 0 .4rem}
table{border-collapse:collapse;width:100%;margin:.25rem 0 1rem}caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #767676;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f0f0f0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#0a5a1f}.failing{color:#a00000;font-weight:600}.late{color:#7a4a00;font-weight:600}.idle{color:#444}
button,input,select{font:inherit;padding:.25rem .5rem;border:1px solid #555;border-radius:3px;background:#fff;color:#111}
button{background:#1a4fa0;color:#fff;border-color:#1a4fa0;cursor:pointer}
:focus-visible{outline:3px solid #c60;outline-offset:2px}
.notice{border:2px solid #1a4fa0;padding:.5rem .75rem;background:#eef3fb}
.error{border:2px solid #a00000;padding:.5rem .75rem;background:#fbeeee}
.muted{color:#444}code{overflow-wrap:anywhere}
svg rect{fill:#1a4fa0}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fff;padding:.25rem}
`;

export interface PageExtras {
  /** The outcome of a replay just done (after a redirect), already reduced to known words. */
  notice?: string;
}

export function renderStatusPage(view: StatusView, extras: PageExtras = {}): string {
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>syncline status</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
<a class="skip" href="#search">Skip to profile search</a>
<main>
<h1>syncline status <span class="muted">(local stack)</span></h1>
<p class="muted">Read at <time datetime="${view.generatedAt}">${view.generatedAt}</time>. Reload the page to refresh.</p>
${extras.notice ? html`<p class="notice" role="status">${extras.notice}</p>` : ''}
${queuesTable(view.queues)}
${view.tenants.map(tenantSection)}
${searchSection(view)}
</main>
</body>
</html>`;
  return page.text;
}

function queuesTable(queues: Record<string, number>): Html {
  const rows: [string, string, string][] = [
    ['changes', 'changesDlq', 'events waiting for the merge'],
    ['push', 'pushDlq', 'profiles waiting for a push to destinations'],
  ];
  return html`<section aria-labelledby="queues-heading">
<h2 id="queues-heading">Queues</h2>
<table>
<caption>Messages waiting or in flight (shared by all tenants)</caption>
<thead><tr><th scope="col">Queue</th><th scope="col">What waits there</th><th scope="col">Depth</th><th scope="col">Dead letters</th></tr></thead>
<tbody>${rows.map(
    ([queue, dlq, what]) =>
      html`<tr><th scope="row">${queue}</th><td>${what}</td><td class="num" data-metric="queue-${queue}">${queues[queue] ?? 0}</td><td class="num" data-metric="queue-${dlq}">${queues[dlq] ?? 0}</td></tr>`,
  )}</tbody>
</table>
</section>`;
}

function chart(perMinute: number[], label: string): Html {
  const width = perMinute.length * 5;
  const height = 32;
  const peak = Math.max(1, ...perMinute);
  const total = perMinute.reduce((a, b) => a + b, 0);
  const summary = `${label}: ${total} events in the last ${perMinute.length} minutes, at most ${Math.max(0, ...perMinute)} in one minute, ${perMinute.at(-1) ?? 0} in the last minute`;
  return html`<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${summary}"><title>${summary}</title>${perMinute.map(
    (n, i) => {
      const h = n === 0 ? 0 : Math.max(2, Math.round((n / peak) * height));
      return html`<rect x="${i * 5}" y="${height - h}" width="4" height="${h}"></rect>`;
    },
  )}</svg> <span>${perMinute.at(-1) ?? 0}/min</span>`;
}

const when = (iso: string | undefined) =>
  iso ? html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time>` : '—';

function tenantSection(tenant: TenantView): Html {
  const slug = tenant.id;
  return html`<section aria-labelledby="tenant-${slug}">
<h2 id="tenant-${slug}">Tenant ${tenant.id}</h2>
<p>Profiles: ${
    tenant.profiles === undefined
      ? 'not counted yet (the first campaign sweep counts them)'
      : html`<strong data-metric="profiles-${slug}">${tenant.profiles}</strong>, counted <span data-metric="counted-${slug}">${when(tenant.countedAt)}</span> by the stats run`
  }. Segments: ${
    tenant.segments.length === 0
      ? 'none yet'
      : html`<span data-metric="segments-${slug}">${tenant.segments.map((s, i) => html`${i > 0 ? ', ' : ''}${s.name} <strong>${s.profiles}</strong>`)}</span>`
  }.</p>
<table>
<caption>Connector instances of ${tenant.id}</caption>
<thead><tr><th scope="col">Instance</th><th scope="col">State</th><th scope="col">Last webhook</th><th scope="col">Last poll</th><th scope="col">Lag</th><th scope="col">Events per minute (last 30 min)</th><th scope="col">Events in</th><th scope="col">Errors</th><th scope="col">Deliveries</th></tr></thead>
<tbody>${tenant.instances.map(
    (i) => html`<tr>
<th scope="row">${i.instanceId} <span class="muted">(${i.connector})</span></th>
<td class="${i.state}">${i.state}</td>
<td>${i.webhooks ? when(i.lastWebhookAt) : html`<span class="muted">no webhooks</span>`}</td>
<td>${i.pollEveryMinutes !== undefined ? html`${when(i.lastPollAt)} <span class="muted">(every ${i.pollEveryMinutes} min)</span>` : html`<span class="muted">no polling</span>`}</td>
<td>${formatDuration(i.lagMs)}</td>
<td>${chart(i.perMinute, `${i.instanceId} events per minute`)}</td>
<td class="num">${i.eventsIn}</td>
<td>${errorsText(i.errors)}</td>
<td>${
      i.deliveries
        ? html`<span data-metric="deliveries-${slug}-${i.instanceId}">${i.deliveries.delivered} delivered, ${i.deliveries.skippedConsent} skipped for consent, ${i.deliveries.rejected} rejected, ${i.deliveries.retrying} retrying</span>`
        : html`<span class="muted">not a destination</span>`
    }</td>
</tr>`,
  )}</tbody>
</table>
<h3 id="quarantine-${slug}">Quarantined deliveries of ${tenant.id}: <span data-metric="quarantine-${slug}">${tenant.quarantine.length}</span></h3>
${
  tenant.quarantine.length === 0
    ? html`<p>Nothing quarantined.</p>`
    : html`<table>
<caption>Verified webhooks that could not be parsed, newest first</caption>
<thead><tr><th scope="col">Received</th><th scope="col">Instance</th><th scope="col">Reason</th><th scope="col">Action</th></tr></thead>
<tbody>${tenant.quarantine.map(
        (q) => html`<tr data-quarantine-id="${q.id}"><td>${when(q.receivedAt)}</td><td>${q.instance}</td><td><code>${q.reason}</code></td>
<td><form method="post" action="/status/quarantine/${encodeURIComponent(tenant.id)}/${encodeURIComponent(q.id)}/replay"><button type="submit" aria-label="Replay quarantined delivery ${q.id} of ${q.instance}">Replay</button></form></td></tr>`,
      )}</tbody>
</table>`
}
${resyncSection(tenant.id, tenant.resync ?? [])}
</section>`;
}

function errorsText(errors: Record<string, number>): Html | string {
  const parts = Object.entries(errors).filter(([, n]) => n > 0);
  return parts.length === 0 ? '0' : html`<span class="failing">${parts.map(([stage, n]) => `${stage} ${n}`).join(', ')}</span>`;
}

function searchSection(view: StatusView): Html {
  const search = view.search;
  return html`<section aria-labelledby="search-heading" id="search">
<h2 id="search-heading">Find a profile</h2>
<form method="get" action="/#search" role="search">
<label for="search-tenant">Tenant</label>
<select id="search-tenant" name="tenant">${view.tenants.map((t) => html`<option value="${t.id}"${new Html(t.id === search?.tenantId ? ' selected' : '')}>${t.id}</option>`)}</select>
<label for="search-query">E-mail address or profile id</label>
<input id="search-query" name="q" type="search" required value="${search?.query ?? ''}" autocomplete="off">
<button type="submit">Search</button>
</form>
${search?.error ? html`<p class="error" role="alert">${search.error}</p>` : ''}
${search?.profile ? profileDetails(search.profile, search.deliveries) : ''}
</section>`;
}

type Search = NonNullable<StatusView['search']>;

function profileDetails(p: NonNullable<Search['profile']>, deliveries: Search['deliveries']): Html {
  return html`<article aria-labelledby="profile-heading" data-profile-id="${p.profileId}">
<h3 id="profile-heading">Profile ${p.profileId}</h3>
<p>Tenant ${p.tenantId}; first seen ${when(p.firstSeenAt)}, last seen ${when(p.lastSeenAt)}. Orders: ${p.orders.count}${p.orders.sources.length ? ` (from ${p.orders.sources.join(', ')})` : ''}; open carts: ${p.openCarts}.
Segments: <strong data-metric="profile-segments">${p.segments.length ? p.segments.join(', ') : 'none'}</strong>.</p>
<table>
<caption>Fields, each with the source whose value won</caption>
<thead><tr><th scope="col">Field</th><th scope="col">Value</th><th scope="col">Source</th><th scope="col">As of (vendor time)</th></tr></thead>
<tbody>${p.fields.map((f) => html`<tr><th scope="row">${f.name}</th><td>${f.value === null ? '—' : f.value}</td><td>${f.source}</td><td>${when(f.at)}</td></tr>`)}</tbody>
</table>
<table>
<caption>Identifiers</caption>
<thead><tr><th scope="col">Type</th><th scope="col">Value</th><th scope="col">Source</th><th scope="col">Since</th></tr></thead>
<tbody>${p.identifiers.map((i) => html`<tr><th scope="row">${i.type}</th><td>${i.value}</td><td>${i.source}</td><td>${when(i.at)}</td></tr>`)}</tbody>
</table>
${
  p.consent.length > 0
    ? html`<table><caption>Consent</caption><thead><tr><th scope="col">Purpose</th><th scope="col">Granted</th><th scope="col">Source</th><th scope="col">As of</th></tr></thead>
<tbody>${p.consent.map((c) => html`<tr><th scope="row">${c.purpose}</th><td>${c.granted ? 'yes' : 'no'}</td><td>${c.source}</td><td>${when(c.at)}</td></tr>`)}</tbody></table>`
    : ''
}
${
  p.suggestions.length > 0
    ? html`<table><caption>Cross-sell suggestions</caption><thead><tr><th scope="col">SKU</th><th scope="col">Name</th><th scope="col">Why</th></tr></thead>
<tbody>${p.suggestions.map((s) => html`<tr><td>${s.sku}</td><td>${s.name ?? '—'}</td><td>${s.reason ?? '—'}</td></tr>`)}</tbody></table>`
    : ''
}
${deliveries && deliveries.length > 0 ? deliveryLog(deliveries) : ''}
</article>`;
}

const OUTCOME_TEXT: Record<DeliveryOutcome, string> = {
  delivered: 'delivered',
  'skipped-consent': 'skipped: no consent',
  rejected: 'rejected by the vendor',
  retrying: 'failed, retrying',
};

/** Why someone is (not) at a destination: the last attempts there, newest first; reasons are the vendors' words, escaped. */
function deliveryLog(deliveries: NonNullable<Search['deliveries']>): Html {
  const rows = deliveries.flatMap((d) =>
    d.attempts.length === 0
      ? [
          html`<tr data-destination="${d.instance}"><th scope="row">${d.instance} (${d.connector})</th><td>—</td><td>${nothingAttempted(d)}</td><td>—</td><td>—</td></tr>`,
        ]
      : d.attempts.map(
          (a) =>
            html`<tr data-destination="${d.instance}" data-outcome="${a.outcome}"><th scope="row">${d.instance} (${d.connector})</th><td>${when(a.at)}</td><td>${OUTCOME_TEXT[a.outcome]}</td><td>${a.reason === undefined ? '—' : html`<code>${a.reason}</code>`}</td><td>${a.fields.length > 0 ? a.fields.join(', ') : '—'}</td></tr>`,
        ),
  );
  return html`<table><caption>Deliveries to destinations, newest first</caption>
<thead><tr><th scope="col">Destination</th><th scope="col">When</th><th scope="col">Outcome</th><th scope="col">Reason</th><th scope="col">Fields sent</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}
