// What a quarantine entry keeps at rest (issue 16 item 6): no query-string secret (Mailchimp's `?token=`), and a
// rejection reason without the e-mail addresses a vendor put in a header or a field name. The entry still replays.
import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import type { CanonicalEvent } from '../../core/events.js';
import { PayloadInvalid, type AnyConnector } from '../../connectors/sdk/index.js';
import { mailchimp } from '../../connectors/mailchimp/index.js';
import { CALLBACK_URL, FORM, formBody, secrets, settings, webhookRequest } from '../../connectors/mailchimp/test-support.js';
import { MemoryQuarantine, MemoryQueue, MemoryStatus, memoryLogger } from '../../test/support/memory-ports.js';
import { ingestWebhook, type WebhookDeps } from '../ingest-webhook.js';
import { createInstanceResolver } from '../instances.js';
import { replayQuarantined } from './replay-quarantine.js';

const config = SynclineConfig.parse({
  tenants: [{ id: 'acme', instances: [{ id: 'mailchimp-nl', connector: 'mailchimp', webhooks: true, settings }] }],
});
const EMAIL = 'anna.jansen@example.com';

function deps(connector: AnyConnector = mailchimp as AnyConnector) {
  const log = memoryLogger();
  const quarantine = new MemoryQuarantine();
  const events = new MemoryQueue<CanonicalEvent>();
  const d: WebhookDeps = {
    instances: createInstanceResolver({ config, connectors: { mailchimp: connector }, secrets: { get: async () => secrets }, log }),
    events,
    quarantine,
    status: new MemoryStatus(),
    log,
  };
  return { d, log, quarantine, events };
}

/** Everything of the entry but the body (kept as received, for the replay; the erasure removes it). */
function storedText(entry: { request: { bodyBase64: string } }): string {
  return JSON.stringify({ ...entry, request: { ...entry.request, bodyBase64: '' } });
}

describe('quarantine entries at rest', () => {
  it('keep no query-string secret and no e-mail in the reason, the answer or the log, for an odd Content-Type', async () => {
    const { d, log, quarantine } = deps();
    const response = await ingestWebhook(
      d,
      'acme',
      'mailchimp-nl',
      webhookRequest(formBody('subscribe.json'), CALLBACK_URL, `text/${EMAIL}`),
    );
    expect(response.statusCode).toBe(422);
    const [entry] = quarantine.entries;
    expect(entry, 'quarantined').toBeDefined();
    expect(storedText(entry!)).not.toContain(secrets.webhookToken);
    expect(storedText(entry!)).not.toContain(EMAIL);
    expect(entry!.reason).toContain('<e-mail>');
    expect(JSON.stringify(response.body)).not.toContain(EMAIL);
    expect(log.lines.join('\n')).not.toContain(EMAIL);
    expect(new URL(entry!.request.url).pathname).toBe(new URL(CALLBACK_URL).pathname);
  });

  it('keep no e-mail from a zod issue path naming data[merges][<e-mail>]', async () => {
    // The reason a schema gives for a form field named after an address, as parsePayload words it.
    const zodLike = {
      ...mailchimp,
      parseWebhook: () => {
        throw new PayloadInvalid(`Mailchimp webhook does not match the documented payload: data.merges.${EMAIL}: Invalid input`);
      },
    } as AnyConnector;
    const { d, quarantine, log } = deps(zodLike);
    const body = `${formBody('subscribe.json')}&${encodeURIComponent(`data[merges][${EMAIL}][a][b]`)}=1`;
    const response = await ingestWebhook(d, 'acme', 'mailchimp-nl', webhookRequest(body, CALLBACK_URL, FORM));
    expect(response.statusCode).toBe(422);
    expect(storedText(quarantine.entries[0]!)).not.toContain(EMAIL);
    expect(storedText(quarantine.entries[0]!)).not.toContain(secrets.webhookToken);
    expect(JSON.stringify(response.body)).not.toContain(EMAIL);
    expect(log.lines.join('\n')).not.toContain(EMAIL);
  });

  it('still replay after a fix: the stripped token is put back from the instance secret, only by the replay', async () => {
    const broken = {
      ...mailchimp,
      parseWebhook: () => {
        throw new PayloadInvalid(`subscribe for ${EMAIL}: connector 1.0 does not know it`);
      },
    } as AnyConnector;
    const before = deps(broken);
    expect((await ingestWebhook(before.d, 'acme', 'mailchimp-nl', webhookRequest(formBody('subscribe.json')))).statusCode).toBe(422);
    const [entry] = before.quarantine.entries;
    expect(storedText(entry!)).not.toContain(secrets.webhookToken);
    expect(entry!.reason).not.toContain(EMAIL);

    // A live request cannot use the placeholder to pass the token check.
    expect(
      (await ingestWebhook(before.d, 'acme', 'mailchimp-nl', webhookRequest(formBody('subscribe.json'), entry!.request.url))).statusCode,
    ).toBe(401);

    const after = deps();
    after.quarantine.entries.push(entry!);
    const [outcome] = await replayQuarantined(after.d, 'acme', entry!.id);
    expect(outcome?.status, outcome?.reason).toBe('replayed');
    expect(after.events.sent.length).toBeGreaterThan(0);
  });
});
