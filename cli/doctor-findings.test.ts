import { describe, expect, it } from 'vitest';
import type { InstanceHealth } from '../operator/instance-health.js';
import type { ConnectOutcome } from '../pipeline/subscriptions/connect.js';
import type { PlannedChange } from '../pipeline/subscriptions/plan.js';
import { diagnoseInstance, type InstanceEvidence } from './doctor-findings.js';

const URL_HERE = 'https://api.example/webhooks/acme/news';
const health: InstanceHealth = {
  tenantId: 'acme',
  instanceId: 'news',
  connector: 'mailchimp',
  webhooks: true,
  push: true,
  lastWebhookAt: '2026-03-01T10:00:00Z',
  eventsIn: 3,
  errors: { webhook: 0, poll: 0, merge: 0, push: 0 },
  state: 'ok',
};
const evidence = (subscriptions: ConnectOutcome | undefined, extra: Partial<InstanceEvidence> = {}): InstanceEvidence => ({
  tenantId: 'acme',
  instanceId: 'news',
  health,
  ...(subscriptions ? { subscriptions } : {}),
  deadLettered: 0,
  quarantined: 0,
  ...extra,
});
const planned = (changes: PlannedChange[]): ConnectOutcome => ({
  kind: 'planned',
  connector: 'mailchimp',
  url: URL_HERE,
  changes,
  subscriptions: [],
});
const problems = (e: InstanceEvidence) => diagnoseInstance(e).filter((f) => !f.ok);

describe('diagnoseInstance', () => {
  it('finds nothing wrong with an instance whose subscriptions are right and whose data arrives', () => {
    expect(problems(evidence(planned([{ action: 'keep', id: '1', topics: ['subscribe'] }])))).toEqual([]);
  });

  it('reports a subscription whose secret no longer matches the instance secret, with connect as the fix', () => {
    const reason = "signs with a secret that no longer matches the instance's secret";
    expect(problems(evidence(planned([{ action: 'update', id: '7', topics: ['subscribe'], reason }])))).toEqual([
      { check: 'subscriptions', ok: false, detail: `subscribe (7) ${reason}`, fix: 'syncline connect acme news' },
    ]);
  });

  it('reports a missing subscription and a missing secret key, each with its fix', () => {
    expect(problems(evidence(planned([{ action: 'create', topics: ['customers'] }])))[0]).toMatchObject({
      detail: 'customers: no subscription',
      fix: 'syncline connect acme news',
    });
    expect(
      problems(evidence({ kind: 'secret-missing', connector: 'mailchimp', secret: 'secrets.local.json "acme/news"', missing: ['apiKey'] })),
    ).toEqual([
      {
        check: 'secret',
        ok: false,
        detail: 'secrets.local.json "acme/news" is missing or lacks apiKey',
        fix: 'add apiKey to secrets.local.json "acme/news", then syncline connect acme news',
      },
    ]);
  });

  it('tells refused credentials from an unreachable vendor', () => {
    const refused = problems(evidence({ kind: 'vendor-failed', connector: 'klaviyo', status: 401, reason: 'API key invalid' }));
    expect(refused).toMatchObject([{ check: 'vendor', detail: 'refused the credentials: API key invalid' }]);
    const down = problems(evidence({ kind: 'vendor-failed', connector: 'klaviyo', reason: 'timeout' }));
    expect(down).toMatchObject([{ check: 'vendor', detail: 'timeout', fix: 'syncline doctor acme again later' }]);
  });

  it('reports dead letters, quarantine and a failing instance; a manual vendor is not a problem', () => {
    const found = problems(
      evidence(
        { kind: 'manual', connector: 'selligent', url: URL_HERE, secret: 'x' },
        { deadLettered: 2, quarantined: 1, health: { ...health, state: 'failing', lastErrorAt: '2026-03-01T11:00:00Z' } },
      ),
    );
    expect(found.map((f) => f.check)).toEqual(['data', 'dead letters', 'quarantine']);
  });

  it("compares Square's notification URL setting with the URL its subscription signs (issue 19, item 16)", () => {
    const square = (value: string | undefined, signs = URL_HERE): ConnectOutcome => ({
      kind: 'planned',
      connector: 'square',
      url: URL_HERE,
      changes: [{ action: 'keep', id: 'wbhk_1', topics: ['customer.created'] }],
      subscriptions: [{ id: 'wbhk_1', url: signs, topics: ['customer.created'], active: true, status: 'enabled' }],
      urlSetting: { name: 'notificationUrl', ...(value !== undefined ? { value } : {}) },
    });
    const fix = `set "notificationUrl": "${URL_HERE}" in the settings of acme/news (syncline.config.json), and deploy`;
    expect(problems(evidence(square(undefined)))).toEqual([
      { check: 'settings', ok: false, detail: 'notificationUrl is not set: no delivery can be verified (each is answered 503)', fix },
    ]);
    expect(problems(evidence(square('https://old.example/webhooks/acme/news')))).toEqual([
      {
        check: 'settings',
        ok: false,
        detail: `notificationUrl is https://old.example/webhooks/acme/news, but the subscription signs ${URL_HERE}: no delivery verifies`,
        fix,
      },
    ]);
    // The same address spelled with :443 or a trailing slash is no problem; nor is a subscription still to be created.
    expect(problems(evidence(square('https://api.example:443/webhooks/acme/news/')))).toEqual([]);
    expect(diagnoseInstance(evidence(square(URL_HERE))).find((f) => f.check === 'settings')).toMatchObject({ ok: true });
  });
});
