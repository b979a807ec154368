// Mailchimp webhooks carry no signature: the callback URL holds a secret token, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  PayloadInvalid,
  parsePayload,
  SignatureInvalid,
  type ConnectorContext,
  type EventDraft,
  type WebhookRequest,
} from '../sdk/index.js';
import type { MailchimpSecrets, MailchimpSettings } from './config.js';
import { decodeForm } from './form.js';
import { webhookToEvents } from './mapping.js';
import { MailchimpWebhook } from './schemas.js';

export const TOKEN_PARAMETER = 'token';

function tokenFrom(url: string): string | undefined {
  try {
    const value = new URL(url).searchParams.get(TOKEN_PARAMETER);
    return value === null || value === '' ? undefined : value;
  } catch {
    return undefined;
  }
}

/** Equal-length digests so that neither the length nor the content of the token leaks through timing. */
function sameSecret(received: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(received), digest(expected));
}

/**
 * Checks the `token` query parameter of the callback URL. Mailchimp's URL validation is a GET without a body:
 * the webhook route must answer it (200) before this check ever runs; see SOURCES.md.
 */
export function verifyMailchimpWebhook(request: WebhookRequest, secrets: MailchimpSecrets): void {
  const received = tokenFrom(request.url);
  if (received === undefined) throw new SignatureInvalid('Mailchimp webhook without the token query parameter in its URL');
  if (!sameSecret(received, secrets.webhookToken)) throw new SignatureInvalid('Mailchimp webhook token does not match the instance secret');
}

export function parseMailchimpWebhook(
  request: WebhookRequest,
  context: ConnectorContext<MailchimpSettings, MailchimpSecrets>,
): EventDraft[] {
  const type = (request.headers['content-type'] ?? 'application/x-www-form-urlencoded').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new PayloadInvalid(`Mailchimp webhooks are form-encoded, got ${type}`);
  const hook = parsePayload(MailchimpWebhook, decodeForm(request.rawBody.toString('utf8')), 'Mailchimp webhook');
  if (hook.data.list_id !== undefined && hook.data.list_id !== context.settings.listId) {
    // Another audience's webhook pointed at this instance: nothing of ours, acknowledge and drop.
    context.log.warn('mailchimp webhook for another audience ignored', { type: hook.type });
    return [];
  }
  return webhookToEvents(hook, { instance: context.instance, settings: context.settings });
}
