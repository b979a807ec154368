import { describe, expect, it } from 'vitest';
import type { PushSnapshotStore } from '../core/ports.js';
import { acmeConfig, fakePipeline } from '../test/support/fake-pipeline.js';
import { fakeConnector } from '../test/support/fake-connector.js';
import { deliveryLogOf, nothingAttempted } from './delivery-log-view.js';
import { pushProfiles } from './push-profiles.js';

const NOW = new Date('2026-12-06T12:00:00.000Z');

function setup(options: Parameters<typeof fakeConnector>[0] = {}) {
  const config = acmeConfig([
    { id: 'shop', connector: 'fake', webhooks: true },
    { id: 'crm', connector: 'fake', push: true },
  ]);
  const fake = fakeConnector(options);
  const { deps, post, merge, round } = fakePipeline(config, fake, { now: () => NOW });
  const { instances, log } = deps;
  const drain = async (snapshots: PushSnapshotStore = deps.snapshots) => {
    await merge();
    return pushProfiles(
      { ...deps, snapshots },
      deps.push.sent.splice(0).map((message, i) => ({ id: `p${round()}-${i}`, message })),
    );
  };
  const logOf = async (email: string) => {
    const profile = deps.profiles.liveProfiles('acme').find((p) => p.identifiers.some((i) => i.value === email))!;
    const [crm] = await deliveryLogOf(deps.snapshots, config.tenants[0]!, profile, { fake: fake.connector }, NOW);
    return crm!;
  };
  const counted = (outcome: string) => deps.status.counts.get(`acme/crm/deliveries/${outcome}`) ?? 0;
  return { deps, fake, post, drain, logOf, counted, log };
}

describe('delivery log per person and destination', () => {
  it('records a delivery with the field names sent and a rejection with the vendor reason, blanked of personal data', async () => {
    const { post, drain, logOf, counted } = setup({
      refuse: (c) => (c.email === 'bob@example.com' ? 'Vendor refused the member: bob@example.com looks fake or invalid' : undefined),
    });
    await post({ firstName: 'Anna', consent: true });
    await post({ id: '2', email: 'bob@example.com', firstName: 'Bob', consent: true });
    expect(await drain()).toEqual([]);

    const anna = (await logOf('anna@example.com')).attempts;
    expect(anna).toEqual([{ at: '2026-12-06T12:00:00Z', outcome: 'delivered', fields: expect.arrayContaining(['email', 'firstName']) }]);
    const bob = (await logOf('bob@example.com')).attempts;
    expect(bob).toEqual([
      {
        at: '2026-12-06T12:00:00Z',
        outcome: 'rejected',
        fields: expect.arrayContaining(['email', 'firstName']),
        reason: 'Vendor refused the member: <e-mail> looks fake or invalid',
      },
    ]);
    expect(JSON.stringify(bob), 'no value of the profile in the log').not.toMatch(/Bob\b|bob@/);
    expect([counted('delivered'), counted('rejected'), counted('retrying'), counted('skipped-consent')]).toEqual([1, 1, 0, 0]);
  });

  it('rides on the snapshot writes the push makes anyway: a delivery and a rejection add no request', async () => {
    const calls: Record<string, number> = {};
    const { deps, post, drain } = setup({ refuse: (c) => (c.email === 'bob@example.com' ? 'refused' : undefined) });
    const counting = new Proxy(deps.snapshots, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (['put', 'putMany', 'removeAll'].includes(String(name))) calls[String(name)] = (calls[String(name)] ?? 0) + 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    await post({ firstName: 'Anna', consent: true });
    await post({ id: '2', email: 'bob@example.com', consent: true });
    expect(await drain(counting)).toEqual([]);
    // The snapshots (with both logs) after the push, in one write; the destination sends nothing back (no webhooks, no
    // poll), so no pending state is recorded before it (pipeline/pipeline.test.ts has the one that does).
    expect(calls).toEqual({ putMany: 1 });
  });

  it('writes nothing for someone who never consented, counts each skipped change, and shows why from the consent', async () => {
    const { post, drain, logOf, counted, fake, deps } = setup();
    await post({ firstName: 'Anna' });
    await drain();
    await post({ firstName: 'Anne', at: '2026-10-02T10:00:00Z' });
    await drain();
    expect(fake.pushed).toHaveLength(0);
    expect([...deps.snapshots.snapshots.keys()], 'no write for a person never sent').toEqual([]);
    const crm = await logOf('anna@example.com');
    expect(crm).toMatchObject({ attempts: [], purpose: 'email_marketing', consented: false });
    expect(nothingAttempted(crm)).toBe('not sent: no email_marketing consent');
    expect(counted('skipped-consent'), 'each change not sent').toBe(2);
  });

  it('logs a skip once when someone the destination knows loses consent, not again for each later change', async () => {
    const { post, drain, logOf, fake } = setup();
    await post({ firstName: 'Anna', consent: true });
    await drain();
    await post({ consent: false, at: '2026-10-02T10:00:00Z' });
    await drain();
    for (const [day, name] of [
      [3, 'Anne'],
      [4, 'Annie'],
    ] as const) {
      await post({ firstName: name, at: `2026-10-0${day}T10:00:00Z` });
      await drain();
    }
    expect(fake.pushed, 'the grant and the withdrawal').toHaveLength(2);
    expect((await logOf('anna@example.com')).attempts).toEqual([
      { at: '2026-12-06T12:00:00Z', outcome: 'skipped-consent', fields: [], reason: 'no email_marketing consent' },
      { at: '2026-12-06T12:00:00Z', outcome: 'delivered', fields: ['consentEmailMarketing'] },
      { at: '2026-12-06T12:00:00Z', outcome: 'delivered', fields: expect.arrayContaining(['email', 'firstName']) },
    ]);
  });

  it('logs a failed push as retrying with its reason, then the retry as delivered, newest first', async () => {
    const { deps, post, drain, logOf, counted } = setup({ failPushes: 1 });
    await post({ firstName: 'Anna', consent: true });
    expect(await drain()).toHaveLength(1);
    const [retrying] = (await logOf('anna@example.com')).attempts;
    expect(retrying).toMatchObject({ outcome: 'retrying', reason: 'vendor down' });
    const profile = deps.profiles.liveProfiles('acme')[0]!;
    expect(await pushProfiles(deps, [{ id: 'again', message: { kind: 'sync', tenantId: 'acme', profileId: profile.profileId } }])).toEqual(
      [],
    );
    expect((await logOf('anna@example.com')).attempts.map((a) => a.outcome)).toEqual(['delivered', 'retrying']);
    expect([counted('delivered'), counted('retrying')]).toEqual([1, 1]);
  });
});
