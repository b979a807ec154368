import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import type { CanonicalEvent } from '../core/events.js';
import { InMemoryProfileRepository } from '../core/identity/in-memory-profile-repository.js';
import type { PushMessage } from '../core/ports.js';
import type { CampaignContact } from '../core/campaign/frequency-cap.js';
import { fakeConnector, signFake } from '../test/support/fake-connector.js';
import { MemoryCursors, MemoryQuarantine, MemoryQueue, MemorySnapshots, MemoryStatus, memoryLogger } from '../test/support/memory-ports.js';
import { answerWebhookCheck, ingestWebhook, MAX_WEBHOOK_BYTES } from './ingest-webhook.js';
import { createInstanceResolver } from './instances.js';
import { mergeBatch } from './merge-batch.js';
import { pushProfiles } from './push-profiles.js';

function setup(options: Parameters<typeof fakeConnector>[0] = {}) {
  const config = SynclineConfig.parse({
    tenants: [
      {
        id: 'acme',
        instances: [
          { id: 'shop', connector: 'fake', webhooks: true },
          { id: 'crm', connector: 'fake', webhooks: true, push: true },
          { id: 'quiet', connector: 'fake' },
        ],
      },
      { id: 'other', instances: [{ id: 'crm', connector: 'fake', webhooks: true }] },
    ],
  });
  const fake = fakeConnector(options);
  const log = memoryLogger();
  const instances = createInstanceResolver({
    config,
    connectors: { fake: fake.connector },
    secrets: { get: async () => ({ secret: 'shh' }) },
    log,
  });
  const deps = {
    instances,
    events: new MemoryQueue<CanonicalEvent>(),
    push: new MemoryQueue<PushMessage>(),
    quarantine: new MemoryQuarantine(),
    profiles: new InMemoryProfileRepository(),
    snapshots: new MemorySnapshots(),
    status: new MemoryStatus(),
    cursors: new MemoryCursors(),
    log,
  };
  const post = (body: string, headers = signFake(body), tenant = 'acme', instance = tenant === 'acme' ? 'shop' : 'crm') =>
    ingestWebhook(deps, tenant, instance, {
      method: 'POST',
      url: `https://hooks.example/webhooks/${tenant}/${instance}`,
      headers,
      rawBody: Buffer.from(body),
    });
  /** Moves everything queued through merge and push, as the queue consumers would. */
  const drain = async () => {
    const events = deps.events.sent.splice(0);
    const merged = await mergeBatch(
      deps,
      events.map((e, i) => ({ id: `m${i}`, body: JSON.stringify(e) })),
    );
    const pushes = deps.push.sent.splice(0);
    const failed = await pushProfiles(
      deps,
      pushes.map((message, i) => ({ id: `p${i}`, message })),
    );
    return { merged, failed, pushes };
  };
  return { deps, fake, post, drain, log };
}

const body = (o: Record<string, unknown>) => JSON.stringify({ id: '1', email: 'anna@example.com', at: '2026-10-01T10:00:00Z', ...o });

describe('webhook ingestion', () => {
  it('queues the canonical events of a signed webhook with tenant and source filled in', async () => {
    const { deps, post } = setup();
    const response = await post(body({ firstName: 'Anna' }));
    expect(response).toEqual({ statusCode: 202, body: { accepted: 1 } });
    expect(deps.events.sent[0]).toMatchObject({
      tenantId: 'acme',
      source: { connector: 'fake', instance: 'shop' },
      type: 'customer.upserted',
    });
  });

  it('answers 401 to a bad signature and keeps nothing', async () => {
    const { deps, post } = setup();
    const response = await post(body({}), signFake(body({}), 'wrong'));
    expect(response.statusCode).toBe(401);
    expect(deps.events.sent).toHaveLength(0);
    expect(deps.quarantine.entries).toHaveLength(0);
  });

  it('quarantines an authentic but invalid payload with its reason and answers 422', async () => {
    const { deps, post } = setup();
    const bad = JSON.stringify({ id: 1, email: 'anna@example.com' });
    const response = await post(bad);
    expect(response.statusCode).toBe(422);
    expect(response.body.error).toMatch(/does not match the documented payload: id: .*; at: /);
    expect(deps.quarantine.entries).toEqual([
      expect.objectContaining({ id: response.body.quarantineId, tenantId: 'acme', instance: 'shop', reason: response.body.error }),
    ]);
    expect(Buffer.from(deps.quarantine.entries[0]!.request.bodyBase64, 'base64').toString()).toBe(bad);
  });

  it('keeps an invalid delivery once when its first attempt was kept but answered with an error and the vendor redelivers', async () => {
    const { deps, post } = setup();
    const record = deps.status.record.bind(deps.status);
    let failures = 1;
    deps.status.record = async (...args) => {
      if (failures-- > 0) throw new Error('ThrottlingException');
      return record(...args);
    };
    const bad = JSON.stringify({ id: 1, email: 'anna@example.com' });
    await expect(post(bad), 'the first attempt fails after the entry was kept: the handler answers 503').rejects.toThrow(/Throttling/);
    const redelivery = await post(bad);

    expect(redelivery.statusCode).toBe(422);
    expect(
      deps.quarantine.entries.map((e) => e.id),
      'one entry for the delivery and its redelivery',
    ).toEqual([redelivery.body.quarantineId]);
  });

  it('answers 401, as for a bad signature, for an unknown tenant, an unknown instance and an instance without webhooks', async () => {
    const { post } = setup();
    expect((await post(body({}), undefined, 'nobody')).statusCode).toBe(401);
    expect((await post(body({}), undefined, 'acme', 'nothing')).statusCode).toBe(401);
    expect((await post(body({}), undefined, 'acme', 'quiet')).statusCode).toBe(401);
  });

  it("answers a vendor's GET check of the callback URL only when it authenticates", async () => {
    const { deps } = setup();
    const check = (headers: Record<string, string>, tenant = 'acme') =>
      answerWebhookCheck(deps, tenant, 'crm', {
        method: 'GET',
        url: 'https://hooks.example/webhooks/acme/crm',
        headers,
        rawBody: Buffer.alloc(0),
      });
    expect((await check(signFake(''))).statusCode).toBe(200);
    expect((await check(signFake('', 'wrong'))).statusCode).toBe(401);
    expect((await check(signFake(''), 'nobody')).statusCode).toBe(401);
  });

  it('refuses a body above the queue limit with 413', async () => {
    const { post } = setup();
    const huge = 'x'.repeat(MAX_WEBHOOK_BYTES + 1);
    expect((await post(huge)).statusCode).toBe(413);
  });

  it('never logs the e-mail address of a rejected or accepted webhook', async () => {
    const { post, log, drain } = setup();
    await post(body({ consent: true }));
    await post(JSON.stringify({ id: 2, email: 'anna@example.com' }));
    await post(body({}), signFake(body({}), 'wrong'));
    await drain();
    expect(log.lines.join('\n')).not.toContain('anna@example.com');
  });
});

describe('push to destinations', () => {
  it('pushes nothing for a profile without e-mail marketing consent', async () => {
    const { post, drain, fake } = setup();
    await post(body({ firstName: 'Anna' }));
    await drain();
    expect(fake.pushed).toEqual([]);
  });

  it('pushes the profile once consent is given, then only the fields that changed', async () => {
    const { post, drain, fake } = setup();
    await post(body({ firstName: 'Anna', consent: true }));
    await drain();
    expect(fake.pushed.flat()).toHaveLength(1);
    expect(fake.pushed[0]![0]).toMatchObject({ email: 'anna@example.com', fields: { firstName: 'Anna', consentEmailMarketing: true } });
    await post(body({ firstName: 'Annie', at: '2026-10-02T10:00:00Z' }));
    await drain();
    expect(fake.pushed[1]![0]!.changed).toEqual(['firstName']);
    expect(fake.pushed[1]![0]!.fields).toEqual({ firstName: 'Annie' });
  });

  it('propagates a withdrawal of consent and then stops pushing', async () => {
    const { post, drain, fake } = setup();
    await post(body({ consent: true }));
    await drain();
    await post(body({ consent: false, at: '2026-10-03T10:00:00Z' }));
    await drain();
    expect(fake.pushed[1]![0]!.fields).toEqual({ consentEmailMarketing: false });
    await post(body({ firstName: 'Quiet', at: '2026-10-04T10:00:00Z' }));
    await drain();
    expect(fake.pushed).toHaveLength(2);
  });

  it('writes no change back to the destination it came from, and takes its echo of our write as no news (issue 22)', async () => {
    const { post, drain, fake, deps } = setup();
    await post(body({ firstName: 'Anna', consent: true }));
    await drain();
    expect(fake.pushed).toHaveLength(1);
    // A name edited at the destination: known there already, so no write back (case 4)...
    const fromCrm = (o: Record<string, unknown>) => post(body(o), undefined, 'acme', 'crm');
    await fromCrm({ firstName: 'Anne', at: '2026-10-02T10:00:00Z' });
    await drain();
    expect(fake.pushed, 'no write back to the destination the change came from').toHaveLength(1);
    const profile = deps.profiles.liveProfiles('acme')[0]!;
    expect(profile.fields.firstName).toMatchObject({ value: 'Anne', source: 'crm' });
    expect(await deps.snapshots.get('acme', profile.profileId, 'crm')).toMatchObject({ firstName: 'Anne' });
    // ...and its callback answering our next write (stamped later, carrying what we wrote) does not beat a newer shop
    // edit that arrives after it (case 2).
    await post(body({ firstName: 'Annie', at: '2026-10-03T10:00:00Z' }));
    await drain();
    expect(fake.pushed[1]![0]!.fields).toEqual({ firstName: 'Annie' });
    await fromCrm({ firstName: 'Annie', at: '2026-10-03T10:00:05Z' });
    await post(body({ firstName: 'Ann', at: '2026-10-03T10:00:02Z' }));
    await drain();
    expect(deps.profiles.liveProfiles('acme')[0]!.fields.firstName).toMatchObject({ value: 'Ann', source: 'shop' });
    expect(fake.pushed.map((batch) => batch[0]!.fields.firstName)).toEqual(['Anna', 'Annie', 'Ann']);
  });

  it('takes a callback that answers our write before the push stored its snapshot as our echo: a late unsubscribe holds (issue 22)', async () => {
    let callback: (() => Promise<void>) | undefined;
    const { post, drain, deps } = setup({ duringPush: async () => callback?.() });
    const merge = () =>
      mergeBatch(
        deps,
        deps.events.sent.splice(0).map((e, i) => ({ id: `cb${i}`, body: JSON.stringify(e) })),
      );
    // The destination's subscribe callback, stamped a few seconds after the shop's grant, arrives and is merged while
    // the push that caused it is still waiting for the destination's answer.
    callback = async () => {
      callback = undefined;
      await post(body({ consent: true, at: '2026-10-01T10:00:05Z' }), undefined, 'acme', 'crm');
      const [stored] = [...deps.snapshots.snapshots.values()];
      expect(stored?.['@pending'], 'the pending state is written before the push').toEqual(expect.any(String));
      await merge();
    };
    await post(body({ consent: true }));
    await drain();
    // The shop's unsubscribe, made two seconds after the grant, arrives late: it is the newest fact and holds.
    await post(body({ consent: false, at: '2026-10-01T10:00:02Z' }));
    await drain();
    const profile = deps.profiles.liveProfiles('acme')[0]!;
    expect(profile.consent.email_marketing).toMatchObject({ granted: false });
    // Replaced after the push: the snapshot holds nothing pending, and no separate item was written.
    expect([...deps.snapshots.snapshots.keys()].filter((k) => k.includes('@pending'))).toEqual([]);
    expect(await deps.snapshots.get('acme', profile.profileId, 'crm')).toMatchObject({ '@pending': false });
    expect(await deps.snapshots.get('acme', profile.profileId, 'crm')).toMatchObject({ consentEmailMarketing: false });
  });

  it('batches pushes to the destination limit', async () => {
    const { post, drain, fake } = setup();
    for (const n of [1, 2, 3, 4, 5]) await post(body({ id: String(n), email: `p${n}@example.com`, consent: true }));
    await drain();
    expect(fake.pushed.map((b) => b.length)).toEqual([2, 2, 1]);
  });

  it('reports the messages of a failed push for retry, and the retry sends them', async () => {
    const { post, drain, fake, deps } = setup({ failPushes: 1 });
    await post(body({ consent: true }));
    const { failed, pushes } = await drain();
    expect(failed).toEqual(['p0']);
    expect(
      await pushProfiles(
        deps,
        pushes.map((message, i) => ({ id: `p${i}`, message })),
      ),
    ).toEqual([]);
    expect(fake.pushed.flat()).toHaveLength(1);
  });

  it('pushes one change per profile for a batch holding several messages for it', async () => {
    const { deps, fake, post } = setup();
    await post(body({ firstName: 'Anna', consent: true }));
    const events = deps.events.sent.splice(0);
    await mergeBatch(
      deps,
      events.map((e, i) => ({ id: `m${i}`, body: JSON.stringify(e) })),
    );
    const [push] = deps.push.sent.splice(0);
    const sameProfile = [0, 1, 2].map((i) => ({ id: `p${i}`, message: push! }));

    expect(await pushProfiles(deps, sameProfile)).toEqual([]);
    expect(fake.pushed.flat(), 'one change, not one per message (concurrent changes of one profile may land in any order)').toHaveLength(1);
  });

  /** A source reports an address change as Mailchimp's upemail does: the new address, found by the old one. */
  const addressChange = (from: string, to: string, at: string): CanonicalEvent => ({
    tenantId: 'acme',
    source: { connector: 'fake', instance: 'shop' },
    sourceEventId: `upemail-${at}`,
    occurredAt: at,
    receivedAt: at,
    identifiers: [
      { type: 'email', value: to },
      { type: 'email', value: from },
    ],
    type: 'customer.upserted',
    data: { email: to },
  });

  it('tells the destination the address it last received when the profile changes address, once', async () => {
    const { post, drain, fake, deps } = setup();
    await post(body({ firstName: 'Anna', consent: true }));
    await drain();
    expect(fake.pushed[0]![0]!.previousEmail, 'a first push has no earlier address').toBeUndefined();
    deps.events.sent.push(addressChange('anna@example.com', 'anna.new@example.com', '2026-10-02T10:00:00Z'));
    await drain();
    expect(fake.pushed[1]![0]).toMatchObject({ email: 'anna.new@example.com', previousEmail: 'anna@example.com', changed: ['email'] });
    await post(body({ email: 'anna.new@example.com', firstName: 'Annie', at: '2026-10-03T10:00:00Z' }));
    await drain();
    expect(fake.pushed[2]![0]!.previousEmail, 'the destination has the new address now').toBeUndefined();
  });

  it("keeps the destination's own id for the person and hands it to the next push and to an erasure", async () => {
    const { post, drain, fake, deps } = setup({ remoteId: (c) => `remote-${c.email}` });
    await post(body({ firstName: 'Anna', consent: true }));
    await drain();
    expect(fake.pushed[0]![0]!.remoteId).toBeUndefined();
    await post(body({ firstName: 'Annie', at: '2026-10-02T10:00:00Z' }));
    await drain();
    expect(fake.pushed[1]![0]).toMatchObject({ remoteId: 'remote-anna@example.com', changed: ['firstName'] });
    expect(Object.keys(fake.pushed[1]![0]!.fields), 'the id is no field').toEqual(['firstName']);
    deps.events.sent.push({
      tenantId: 'acme',
      source: { connector: 'fake', instance: 'crm' },
      sourceEventId: 'gdpr-2',
      occurredAt: '2026-10-05T00:00:00Z',
      receivedAt: '2026-10-05T00:00:00Z',
      identifiers: [{ type: 'email', value: 'anna@example.com' }],
      type: 'erasure.requested',
      data: { scope: 'person' },
    });
    await drain();
    expect(fake.erased).toEqual([expect.objectContaining({ remoteId: 'remote-anna@example.com' })]);
  });

  it('never asks a destination to erase by an address another live profile holds (a refused, shared address)', async () => {
    const { post, drain, fake, deps } = setup();
    await post(body({ consent: true }));
    await post(body({ id: '2', email: 'bob@example.com', consent: true }));
    await drain();
    const bob = deps.profiles.liveProfiles('acme').find((p) => p.identifiers.some((i) => i.value === 'bob@example.com'))!;
    // Bob was refused Anna's address (it is shared): the identity index records him as holding it too.
    deps.profiles.sharing.set('acme|email#anna@example.com', new Set([bob.profileId]));
    deps.events.sent.push({
      tenantId: 'acme',
      source: { connector: 'fake', instance: 'crm' },
      sourceEventId: 'gdpr-3',
      occurredAt: '2026-10-05T00:00:00Z',
      receivedAt: '2026-10-05T00:00:00Z',
      identifiers: [{ type: 'email', value: 'anna@example.com' }],
      type: 'erasure.requested',
      data: { scope: 'person' },
    });
    await drain();
    expect(fake.erased).toHaveLength(1);
    expect(fake.erased[0]!.email).toBeUndefined();
    expect(JSON.stringify(fake.erased[0]), 'no identifier Bob holds').not.toMatch(/anna@example\.com/);
  });

  it('forwards an erasure to every destination that can erase', async () => {
    const { post, drain, fake, deps } = setup();
    await post(body({ consent: true }));
    await drain();
    deps.events.sent.push({
      tenantId: 'acme',
      source: { connector: 'fake', instance: 'crm' },
      sourceEventId: 'gdpr-1',
      occurredAt: '2026-10-05T00:00:00Z',
      receivedAt: '2026-10-05T00:00:00Z',
      identifiers: [{ type: 'email', value: 'anna@example.com' }],
      type: 'erasure.requested',
      data: { scope: 'person' },
    });
    await drain();
    expect(fake.erased).toEqual([expect.objectContaining({ email: 'anna@example.com' })]);
    expect(deps.profiles.liveProfiles('acme')).toEqual([]);
    expect(deps.snapshots.snapshots.size).toBe(0);
  });

  it('keeps tenants apart: the same e-mail in two tenants is two profiles', async () => {
    const { post, drain, deps } = setup();
    await post(body({}));
    await post(body({}), undefined, 'other', 'crm');
    await drain();
    expect(deps.profiles.liveProfiles('acme')).toHaveLength(1);
    expect(deps.profiles.liveProfiles('other')).toHaveLength(1);
  });
});

describe('merge batch reads and writes (issue 15)', () => {
  it('reads a batch in two rounds, commits each person once and writes its history once', async () => {
    const { deps, post, drain } = setup();
    await post(body({ id: 'a0', email: 'anna@example.com', firstName: 'Anna' }));
    await post(body({ id: 'b0', email: 'bert@example.com', firstName: 'Bert' }));
    await drain();
    const calls: Record<string, number> = {};
    const count = (name: string) => {
      calls[name] = (calls[name] ?? 0) + 1;
    };
    const real = deps.profiles;
    const wrap = Object.create(real) as InMemoryProfileRepository;
    for (const name of ['lookupEntries', 'get', 'getMany', 'commit', 'appendHistory'] as const) {
      const method = (real[name] as (...args: unknown[]) => Promise<unknown>).bind(real);
      Object.assign(wrap, { [name]: (...args: unknown[]) => (count(name), method(...args)) });
    }
    deps.profiles = wrap;
    for (const [i, email] of ['anna@example.com', 'bert@example.com', 'anna@example.com', 'bert@example.com', 'anna@example.com'].entries())
      await post(body({ id: `x${i}`, email, lastName: `L${i}` }));
    const { merged } = await drain();

    expect(merged.failedIds).toEqual([]);
    expect(calls, 'one lookup and one profile read for the batch; one commit per person; one history write').toEqual({
      lookupEntries: 1,
      getMany: 1,
      commit: 2,
      appendHistory: 1,
    });
    const history = await real.history(
      'acme',
      [...real.liveProfiles('acme')].map((p) => p.profileId),
    );
    expect(history).toHaveLength(7);
  });
});

describe('push batch reads and writes (issue 15)', () => {
  it('asks the contact log once per push batch who may have contacts, and reads the log of those alone: a previous contact still counts', async () => {
    const { deps, post, fake } = setup();
    for (const n of [1, 2, 3, 4, 5]) await post(body({ id: String(n), email: `p${n}@example.com`, consent: true }));
    const events = deps.events.sent.splice(0);
    await mergeBatch(
      deps,
      events.map((e, i) => ({ id: `m${i}`, body: JSON.stringify(e) })),
    );
    const profileOf = async (email: string) =>
      (await deps.profiles.lookup('acme', [{ type: 'email', value: email }])).values().next().value!;
    const contacted = await profileOf('p1@example.com');
    const now = Date.now();
    // A contact of an earlier push, 3 days ago, and one from outside the 30-day window.
    const log = new Map<string, CampaignContact[]>([
      [
        contacted,
        [
          { campaign: 'win-back', instance: 'crm', at: new Date(now - 3 * 86_400_000).toISOString() },
          { campaign: 'win-back', instance: 'crm', at: new Date(now - 40 * 86_400_000).toISOString() },
        ],
      ],
    ]);
    const asked: { profileIds: readonly string[]; since: Date }[] = [];
    const listed: string[] = [];
    const contacts = {
      record: async (_t: string, profileId: string, c: readonly CampaignContact[]) =>
        void log.set(profileId, [...(log.get(profileId) ?? []), ...c]),
      list: async (_t: string, profileId: string) => (listed.push(profileId), log.get(profileId) ?? []),
      removeAll: async () => {},
      contactedSince: async (_t: string, profileIds: readonly string[], since: Date) => {
        asked.push({ profileIds, since });
        return new Set(profileIds.filter((id) => (log.get(id) ?? []).some((c) => Date.parse(c.at) > since.getTime())));
      },
    };
    const pushes = deps.push.sent.splice(0);
    const failed = await pushProfiles(
      { ...deps, contacts },
      pushes.map((message, i) => ({ id: `p${i}`, message })),
    );
    expect(failed).toEqual([]);
    expect(asked, 'one question for the batch').toHaveLength(1);
    expect(asked[0]!.profileIds).toHaveLength(5);
    expect(Math.abs(now - 30 * 86_400_000 - asked[0]!.since.getTime()), 'the tenant window of 30 days').toBeLessThan(60_000);
    expect(listed, 'the log of the contacted person alone').toEqual([contacted]);
    const counts = new Map(fake.pushed.flat().map((c) => [c.email, c.fields.contactsLast30Days]));
    expect(counts.get('p1@example.com'), 'the earlier push counts, the old contact does not').toBe(1);
    for (const n of [2, 3, 4, 5]) expect(counts.get(`p${n}@example.com`)).toBe(0);
  });

  it('reads the profiles and snapshots of a push batch in one request each, writes the pending state and the snapshots in one each, and skips the contact log when no field is mapped', async () => {
    const { deps, post, drain, fake } = setup();
    for (const n of [1, 2, 3, 4, 5]) await post(body({ id: String(n), email: `p${n}@example.com`, consent: true }));
    const events = deps.events.sent.splice(0);
    await mergeBatch(
      deps,
      events.map((e, i) => ({ id: `m${i}`, body: JSON.stringify(e) })),
    );
    const calls: Record<string, number> = {};
    const count = <T extends object>(real: T, names: (keyof T)[]): T => {
      const wrap = Object.create(real) as T;
      for (const name of names) {
        const method = (real[name] as (...args: unknown[]) => Promise<unknown>).bind(real);
        Object.assign(wrap, {
          [name]: (...args: unknown[]) => {
            calls[String(name)] = (calls[String(name)] ?? 0) + 1;
            return method(...args);
          },
        });
      }
      return wrap;
    };
    const contacts = { record: async () => {}, list: async () => [], removeAll: async () => {} };
    // The destination takes only the fields it names: no contacts-in-window field.
    deps.instances.tenant('acme').campaigns.fieldMapping.crm = { only: true, fields: { firstName: 'first_name' } };
    const pushes = deps.push.sent.splice(0);
    const failed = await pushProfiles(
      {
        ...deps,
        profiles: count(deps.profiles, ['get', 'getMany']),
        snapshots: count(deps.snapshots, ['get', 'getMany', 'put', 'putMany']),
        contacts: count(contacts, ['list']),
      },
      pushes.map((message, i) => ({ id: `p${i}`, message })),
    );
    expect(failed).toEqual([]);
    expect(fake.pushed.flat()).toHaveLength(5);
    // The pending state before the push and the snapshots after it, one write each, in the same items: nothing removed.
    expect(calls).toEqual({ getMany: 2, putMany: 2 });
    expect(deps.snapshots.snapshots.size).toBe(5);
  });
});
