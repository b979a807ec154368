// Lightspeed eCom webhooks: `X-Signature` is the hex MD5 of the raw body followed by the app secret, and the body
// is the JSON resource (`{"customer": {…}}` or `{"order": {…}}`) of the itemGroup the webhook subscribes to.
import { createHash } from 'node:crypto';
import {
  parseJsonBody,
  parsePayload,
  PayloadInvalid,
  signatureMatches,
  SignatureInvalid,
  type ConnectorContext,
  type EventDraft,
  type WebhookRequest,
} from '../sdk/index.js';
import type { LightspeedEcomSecrets, LightspeedEcomSettings } from './config.js';
import { mapCustomer, mapOrder } from './mapping.js';
import { CustomerBody, OrderBody } from './schemas.js';

const signingSecret = (secrets: LightspeedEcomSecrets) => secrets.webhookSecret ?? secrets.apiSecret;

function md5(rawBody: Buffer | string, secret: string): Buffer {
  return createHash('md5').update(rawBody).update(secret).digest();
}

/**
 * MD5 over body + secret is what Lightspeed eCom sends (not an HMAC); the comparison is still constant time on the
 * decoded bytes (signatureMatches). The hex is read case-insensitively; anything but 32 hex digits fails.
 */
export function verifyEcomWebhook(request: WebhookRequest, secrets: LightspeedEcomSecrets): void {
  const received = request.headers['x-signature']?.trim();
  if (received === undefined || received === '') throw new SignatureInvalid('Lightspeed eCom webhook without an X-Signature header');
  const expected = md5(request.rawBody, signingSecret(secrets));
  if (!/^[0-9a-fA-F]{32}$/.test(received) || !signatureMatches(received, expected, 'hex')) {
    throw new SignatureInvalid('Lightspeed eCom webhook signature does not match the body (wrong app secret or altered body)');
  }
}

/** The header Lightspeed eCom sends with a delivery: what the simulator and tests send too. */
export function signEcomWebhook(rawBody: Buffer | string, secret: string): Record<string, string> {
  return { 'x-signature': md5(rawBody, secret).toString('hex') };
}

/** itemGroup customers or orders, itemAction created or updated: the body says which resource it is. */
export function parseEcomWebhook(request: WebhookRequest, context: ConnectorContext<LightspeedEcomSettings, LightspeedEcomSecrets>): EventDraft[] {
  const json = parseJsonBody(request.rawBody, 'Lightspeed eCom webhook');
  const mapping = { instance: context.instance, currency: context.settings.currency };
  if (json !== null && typeof json === 'object' && 'customer' in json) {
    return mapCustomer(parsePayload(CustomerBody, json, 'Lightspeed eCom customers webhook').customer, mapping);
  }
  if (json !== null && typeof json === 'object' && 'order' in json) {
    return mapOrder(parsePayload(OrderBody, json, 'Lightspeed eCom orders webhook').order, mapping);
  }
  const keys = json !== null && typeof json === 'object' ? Object.keys(json).filter((k) => /^[A-Za-z]{1,40}$/.test(k)).slice(0, 3) : [];
  throw new PayloadInvalid(`Lightspeed eCom webhook for ${keys.join(', ') || 'an unknown resource'} is not one syncline reads (it reads the customers and orders item groups); remove the webhook or add a mapping`);
}
