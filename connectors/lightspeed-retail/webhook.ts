// Lightspeed Retail (X-Series) webhooks: the X-Signature check on the raw body, and the form-encoded delivery
// whose `payload` field holds the changed customer or sale as JSON.
import {
  hmacWebhook,
  parsePayload,
  PayloadInvalid,
  SignatureInvalid,
  topic,
  topicTable,
  type ConnectorContext,
  type EventDraft,
  type WebhookRequest,
} from '../sdk/index.js';
import type { LightspeedRetailSecrets, LightspeedRetailSettings } from './config.js';
import { mapCustomer, mapSale } from './mapping.js';
import { Customer, Sale, WebhookForm } from './schemas.js';

/**
 * `X-Signature: signature=<hex>,algorithm=HMAC-SHA256` → its parts (names lower-cased, spaces ignored). A part named
 * twice is refused: it is a duplicated header, which HTTP joins with a comma, and only one value may be the signature.
 */
export function signatureParts(header: string): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const piece of header.split(',')) {
    const at = piece.indexOf('=');
    if (at <= 0) continue;
    const name = piece.slice(0, at).trim().toLowerCase();
    if (Object.hasOwn(parts, name)) throw new SignatureInvalid('Lightspeed Retail webhook with more than one X-Signature');
    parts[name] = piece.slice(at + 1).trim();
  }
  return parts;
}

/** Hex HMAC-SHA256 of the raw (form-encoded) body, keyed with the app's client secret. */
const signature = hmacWebhook<LightspeedRetailSecrets>({
  vendor: 'Lightspeed Retail',
  header: 'X-Signature',
  encoding: 'hex',
  secret: (secrets) => secrets.clientSecret,
  read(value) {
    const { signature, algorithm } = signatureParts(value);
    if (algorithm === undefined || algorithm.toUpperCase() !== 'HMAC-SHA256') {
      throw new SignatureInvalid('Lightspeed Retail webhook signed with an algorithm other than HMAC-SHA256');
    }
    return signature ?? '';
  },
  write: (hex) => `signature=${hex},algorithm=HMAC-SHA256`,
  mismatch: 'Lightspeed Retail webhook signature does not match the body (wrong client secret or altered body)',
});

export const verifyRetailWebhook = (request: WebhookRequest, secrets: LightspeedRetailSecrets) =>
  signature.verify(request, secrets, undefined);

/** The header Lightspeed sends with a signed delivery: what the simulator and tests send too. */
export const signRetailWebhook = (rawBody: Buffer | string, clientSecret: string) => signature.sign(clientSecret, rawBody);

type Mapping = Parameters<typeof mapCustomer>[1];

/** The topics syncline reads. There is no create topic: a new customer or sale arrives as its first update. */
export const TOPICS = topicTable<[Mapping]>({
  vendor: 'Lightspeed Retail',
  noun: 'webhook type',
  topics: { 'customer.update': topic(Customer, mapCustomer), 'sale.update': topic(Sale, mapSale) },
  remedy: 'remove the subscription or add a mapping',
  shown: /^[a-z_.]{1,40}$/,
});

function readForm(rawBody: Buffer): WebhookForm {
  const form = Object.fromEntries(new URLSearchParams(rawBody.toString('utf8')));
  return parsePayload(WebhookForm, form, 'Lightspeed Retail webhook form');
}

/** The `type` field when the delivery has it (it is not guaranteed), else what the payload looks like. */
function topicOf(form: WebhookForm, payload: Record<string, unknown>): string {
  if (form.type !== undefined) return form.type;
  if ('line_items' in payload || 'register_sale_products' in payload) return 'sale.update';
  if ('customer_code' in payload || 'first_name' in payload) return 'customer.update';
  throw new PayloadInvalid('Lightspeed Retail webhook payload is neither a customer nor a sale');
}

export function parseRetailWebhook(
  request: WebhookRequest,
  context: ConnectorContext<LightspeedRetailSettings, LightspeedRetailSecrets>,
): EventDraft[] {
  const form = readForm(request.rawBody);
  if (form.domain_prefix !== undefined && form.domain_prefix !== context.settings.domainPrefix) {
    // One client secret signs every retailer's deliveries: a valid signature does not prove the store is this instance's.
    const shown = /^[a-z0-9-]{1,63}$/.test(form.domain_prefix) ? form.domain_prefix : '(unreadable)';
    throw new PayloadInvalid(`Lightspeed Retail webhook for store ${shown} reached the instance for ${context.settings.domainPrefix}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(form.payload);
  } catch {
    throw new PayloadInvalid('Lightspeed Retail webhook payload field is not valid JSON');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new PayloadInvalid('Lightspeed Retail webhook payload is not an object');
  const mapping = {
    instance: context.instance,
    currency: context.settings.currency,
    anonymousCustomerIds: context.settings.anonymousCustomerIds,
    customAttributes: context.settings.customAttributes,
  };
  return TOPICS.find(topicOf(form, json as Record<string, unknown>))!(json, mapping);
}
