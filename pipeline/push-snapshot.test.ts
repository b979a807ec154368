// The pending state of a push lives in the person's snapshot item (core/pending-push.ts): written before the vendor
// call where the destination can answer it, replaced by the snapshot after it (issue 22 guarantees, issue 15 cost).
import { describe, expect, it } from 'vitest';
import type { FieldValue } from '../core/destination.js';
import { acmeConfig, fakePipeline } from '../test/support/fake-pipeline.js';
import { fakeConnector } from '../test/support/fake-connector.js';
import { pushProfiles } from './push-profiles.js';
import { readSnapshot } from './push-snapshot.js';

/** `crm` answers by webhook; `archive` sends nothing back (no webhooks, no poll); `polled` is polled. */
function setup(options: Parameters<typeof fakeConnector>[0] = {}) {
  const config = acmeConfig([
    { id: 'shop', connector: 'fake', webhooks: true },
    { id: 'crm', connector: 'fake', webhooks: true, push: true },
    { id: 'archive', connector: 'fake', push: true },
    { id: 'polled', connector: 'fake', pollEveryMinutes: 15, push: true },
  ]);
  const fake = fakeConnector(options);
  const { deps, post, merge, round } = fakePipeline(config, fake);
  const { instances, log } = deps;
  const push = () =>
    pushProfiles(
      deps,
      deps.push.sent.splice(0).map((message, i) => ({ id: `p${round()}-${i}`, message })),
    );
  const drain = async () => {
    await merge();
    return push();
  };
  const stored = (instance: string): Record<string, FieldValue> | undefined => {
    const profile = deps.profiles.liveProfiles('acme')[0];
    return profile && deps.snapshots.snapshots.get(`acme/${profile.profileId}/${instance}`);
  };
  return { deps, fake, post, merge, drain, stored };
}

describe('the pending state of a push, in the snapshot item (issue 22, issue 15)', () => {
  it('is in the snapshot item while the destination holds the write, and the snapshot that replaces it holds none', async () => {
    const seen: Record<string, FieldValue | undefined> = {};
    const { post, drain, stored, deps } = setup({
      duringPush: async () => {
        for (const instance of ['crm', 'archive', 'polled']) seen[instance] = stored(instance)?.['@pending'];
      },
    });
    await post({ firstName: 'Anna', consent: true });
    expect(await drain()).toEqual([]);
    expect(typeof seen.crm, 'a destination that answers by webhook').toBe('string');
    expect(typeof seen.polled, 'a polled destination').toBe('string');
    expect(
      [...deps.snapshots.snapshots.keys()].some((k) => k.includes('@pending')),
      'no separate item',
    ).toBe(false);
    for (const instance of ['crm', 'archive', 'polled']) {
      expect(stored(instance)).toMatchObject({ firstName: 'Anna', consentEmailMarketing: true, '@pending': false });
    }
  });

  it('writes no pending state for a destination that sends nothing back (no webhooks, no poll)', async () => {
    const during: (FieldValue | undefined)[] = [];
    const { post, drain, stored } = setup({ duringPush: async () => void during.push(stored('archive')?.['@pending']) });
    await post({ firstName: 'Anna', consent: true });
    await drain();
    await post({ firstName: 'Anne', at: '2026-10-02T10:00:00Z' });
    await drain();
    // While any call of either push was out: no item at first, then the first push's snapshot, never a pending state.
    expect(during).toHaveLength(6);
    expect(during.filter((v) => typeof v === 'string')).toEqual([]);
    expect(readSnapshot(stored('archive'))?.fields).toMatchObject({ firstName: 'Anne' });
  });

  it('recognises a callback that answers the write while the push is under way as our echo: a late shop edit holds', async () => {
    let callback: (() => Promise<void>) | undefined;
    let confirmedDuringCall: FieldValue | undefined;
    const { post, merge, drain, deps, stored } = setup({ duringPush: async () => callback?.() });
    await post({ firstName: 'Anna', consent: true });
    expect(await drain()).toEqual([]);
    callback = async () => {
      callback = undefined;
      confirmedDuringCall = readSnapshot(stored('crm'))?.fields.firstName;
      // The destination's callback to the rename being written, stamped after it, merged before the snapshot is stored.
      await post({ firstName: 'Annie', at: '2026-10-02T10:00:05Z' }, 'crm');
      await merge();
    };
    await post({ firstName: 'Annie', at: '2026-10-02T10:00:00Z' });
    expect(await drain()).toEqual([]);
    expect(confirmedDuringCall, 'the snapshot was not yet stored when the callback came').toBe('Anna');
    // The shop's next rename, made two seconds after the first, arrives late: the echo's later stamp does not beat it.
    await post({ firstName: 'Ann', at: '2026-10-02T10:00:02Z' });
    expect(await drain()).toEqual([]);
    expect(deps.profiles.liveProfiles('acme')[0]!.fields.firstName).toMatchObject({ value: 'Ann', source: 'shop' });
  });

  it('leaves no confirmed snapshot of a failed vendor call: the confirmed fields stay, the pending state goes, the retry sends the change', async () => {
    const { post, drain, stored, deps, fake } = setup();
    await post({ firstName: 'Anna', consent: true });
    expect(await drain()).toEqual([]);
    const profileId = deps.profiles.liveProfiles('acme')[0]!.profileId;
    fake.failNext(3);
    await post({ firstName: 'Anne', at: '2026-10-02T10:00:00Z' });
    const failed = await drain();
    expect(failed).toHaveLength(1);
    for (const instance of ['crm', 'archive', 'polled']) {
      const snapshot = stored(instance);
      expect(snapshot?.['@pending'], instance).toBe(false);
      expect(readSnapshot(snapshot)?.fields.firstName, instance).toBe('Anna');
    }
    expect(
      await pushProfiles(deps, [{ id: 'retry', message: { kind: 'sync', tenantId: 'acme', profileId } }]),
      'the retry goes through',
    ).toEqual([]);
    expect(fake.pushed.at(-1)![0]!.fields).toEqual({ firstName: 'Anne' });
    expect(readSnapshot(stored('crm'))?.fields.firstName).toBe('Anne');
  });
});
