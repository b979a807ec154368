// Shared by the Mailchimp tests: documented webhook examples posted as Mailchimp posts them, settings and a silent context.
import { contextFor as contextIn, fixturesOf, TEST_NOW } from '../sdk/testing/index.js';
import type { ConnectorContext, WebhookRequest } from '../sdk/index.js';
import { MailchimpSettings, type MailchimpSecrets } from './config.js';
import { encodeForm } from './form.js';

export const FORM = 'application/x-www-form-urlencoded';
const TOKEN = 'a-long-random-webhook-token-0f3c9';
export const CALLBACK = 'https://hooks.syncline.example/webhooks/acme/mailchimp-nl';
export const CALLBACK_URL = `${CALLBACK}?token=${TOKEN}`;

/** The audience of the documented examples ("a6b5da1054"). */
export const settings = MailchimpSettings.parse({ listId: 'a6b5da1054' });
export const secrets: MailchimpSecrets = { apiKey: 'simulatedkey0123456789abcdef-us21', webhookToken: TOKEN };

/** The documented examples list the decoded POST variables ("data[merges][FNAME]": …); Mailchimp posts them form-encoded. */
function fixturePairs(name: string): Record<string, string> {
  return fixturesOf('mailchimp').json<Record<string, string>>(name);
}

export function formBody(name: string, overrides: Record<string, string> = {}): string {
  return encodeForm({ ...fixturePairs(name), ...overrides });
}

export function webhookRequest(body: string, url = CALLBACK_URL, contentType = FORM): WebhookRequest {
  return { method: 'POST', url, headers: { 'content-type': contentType, 'user-agent': 'MailChimp' }, rawBody: Buffer.from(body) };
}

export function contextFor(
  s: MailchimpSettings = settings,
  k: MailchimpSecrets = secrets,
  now = TEST_NOW,
): ConnectorContext<MailchimpSettings, MailchimpSecrets> {
  return contextIn('mailchimp-nl', s, k, now);
}
