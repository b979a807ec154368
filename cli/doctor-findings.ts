// What `syncline doctor` concludes about one instance, from what it read: its health counters, its accounting, and
// the subscription plan (or why there is none). Pure; every problem carries the command or edit that fixes it.
import type { InstanceHealth } from '../operator/instance-health.js';
import type { ConnectOutcome } from '../pipeline/subscriptions/connect.js';

export type Check = 'secret' | 'vendor' | 'subscriptions' | 'settings' | 'data' | 'dead letters' | 'quarantine';

export interface Finding {
  check: Check;
  ok: boolean;
  detail: string;
  /** The command or edit that fixes a problem. */
  fix?: string;
}

export interface InstanceEvidence {
  tenantId: string;
  instanceId: string;
  health: InstanceHealth;
  /** Undefined for an instance without webhooks (its polls show whether the vendor accepts its secret). */
  subscriptions?: ConnectOutcome;
  deadLettered: number;
  quarantined: number;
}

function subscriptionFindings(e: InstanceEvidence, outcome: ConnectOutcome): Finding[] {
  const connect = `syncline connect ${e.tenantId} ${e.instanceId}`;
  switch (outcome.kind) {
    case 'manual':
      return [
        { check: 'subscriptions', ok: true, detail: `not checked: ${outcome.connector} is subscribed by hand (${connect} says how)` },
      ];
    case 'secret-missing':
      return [
        {
          check: 'secret',
          ok: false,
          detail: `${outcome.secret} is missing or lacks ${outcome.missing.join(', ')}`,
          fix: `add ${outcome.missing.join(', ')} to ${outcome.secret}, then ${connect}`,
        },
      ];
    case 'vendor-failed': {
      const refused = outcome.status === 401 || outcome.status === 403;
      return [
        { check: 'secret', ok: true, detail: 'exists and has every key' },
        {
          check: 'vendor',
          ok: false,
          detail: refused ? `refused the credentials: ${outcome.reason}` : outcome.reason,
          fix: refused
            ? `correct the credentials in the instance's secret, then syncline doctor ${e.tenantId}`
            : `syncline doctor ${e.tenantId} again later`,
        },
      ];
    }
    default: {
      const wrong = outcome.changes.filter((c) => c.action !== 'keep');
      return [
        { check: 'secret', ok: true, detail: 'exists and has every key' },
        { check: 'vendor', ok: true, detail: `accepted the credentials (${outcome.subscriptions.length} subscriptions listed)` },
        ...(wrong.length === 0
          ? [{ check: 'subscriptions' as const, ok: true, detail: `${outcome.changes.length} active, delivering to ${outcome.url}` }]
          : wrong.map((c) => ({
              check: 'subscriptions' as const,
              ok: false,
              detail: c.action === 'create' ? `${c.topics.join(', ')}: no subscription` : `${c.topics.join(', ')} (${c.id}) ${c.reason}`,
              fix: connect,
            }))),
      ];
    }
  }
}

/** One address however spelled: `:443` on https (`:80` on http) and a trailing slash on the path say nothing more. */
function sameAddress(a: string, b: string): boolean {
  if (!URL.canParse(a) || !URL.canParse(b)) return a === b;
  const canonical = (u: string) => {
    const url = new URL(u);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}${url.search}`;
  };
  return canonical(a) === canonical(b);
}

/**
 * A vendor that signs the subscription's URL (Square) is verified against a setting: it must name the URL the
 * subscription delivers to (or, before connect, the one connect registers).
 */
function urlSettingFinding(e: InstanceEvidence, outcome: ConnectOutcome): Finding | undefined {
  if ((outcome.kind !== 'planned' && outcome.kind !== 'applied') || !outcome.urlSetting) return undefined;
  const { name, value } = outcome.urlSetting;
  const ids = new Set(outcome.changes.flatMap((c) => (c.action === 'create' ? [] : [c.id])));
  const signed = outcome.subscriptions.filter((s) => ids.has(s.id)).map((s) => s.url);
  const expected = signed[0] ?? outcome.url;
  const fix = `set "${name}": "${expected}" in the settings of ${e.tenantId}/${e.instanceId} (syncline.config.json), and deploy`;
  if (value === undefined)
    return { check: 'settings', ok: false, detail: `${name} is not set: no delivery can be verified (each is answered 503)`, fix };
  const other = [...signed, ...(signed.length === 0 ? [outcome.url] : [])].find((url) => !sameAddress(url, value));
  if (other !== undefined)
    return {
      check: 'settings',
      ok: false,
      detail: `${name} is ${value}, but the subscription ${signed.length > 0 ? 'signs' : 'will sign'} ${other}: no delivery verifies`,
      fix,
    };
  return { check: 'settings', ok: true, detail: `${name} is the subscription's URL` };
}

function dataFinding(e: InstanceEvidence): Finding {
  const h = e.health;
  const last = [h.lastWebhookAt && `webhook ${h.lastWebhookAt}`, h.lastPollAt && `poll ${h.lastPollAt}`].filter(Boolean).join(', ');
  if (h.state === 'failing')
    return {
      check: 'data',
      ok: false,
      detail: `the last delivery or poll failed (${h.lastErrorAt})`,
      fix: `syncline instances ${e.tenantId}, and the logs`,
    };
  if (h.state === 'late')
    return {
      check: 'data',
      ok: false,
      detail: `no poll for more than two intervals (last ${h.lastPollAt})`,
      fix: `syncline backfill ${e.tenantId} ${e.instanceId}`,
    };
  if (h.state === 'idle') return { check: 'data', ok: true, detail: 'nothing has arrived yet' };
  return { check: 'data', ok: true, detail: `last arrived: ${last || '—'}` };
}

export function diagnoseInstance(e: InstanceEvidence): Finding[] {
  return [
    ...(e.subscriptions ? subscriptionFindings(e, e.subscriptions) : []),
    ...(e.subscriptions ? [urlSettingFinding(e, e.subscriptions)].filter((f) => f !== undefined) : []),
    dataFinding(e),
    e.deadLettered > 0
      ? {
          check: 'dead letters',
          ok: false,
          detail: `${e.deadLettered} events dead-lettered`,
          fix: 'syncline dlq list, then syncline dlq replay after the fix',
        }
      : { check: 'dead letters', ok: true, detail: 'none' },
    e.quarantined > 0
      ? {
          check: 'quarantine',
          ok: false,
          detail: `${e.quarantined} deliveries quarantined`,
          fix: `syncline quarantine list ${e.tenantId}, then syncline quarantine replay ${e.tenantId}`,
        }
      : { check: 'quarantine', ok: true, detail: 'none' },
  ];
}
