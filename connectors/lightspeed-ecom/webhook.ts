// Lightspeed eCom webhooks: `X-Signature` is the hex MD5 of the raw body followed by the app secret, and the body
// is the JSON resource (`{"customer": {…}}` or `{"order": {…}}`) of the itemGroup the webhook subscribes to.
import {
  hmacWebhook,
  parseJsonBody,
  parsePayload,
  PayloadInvalid,
  type ConnectorContext,
  type EventDraft,
  type WebhookRequest,
} from '../sdk/index.js';
import type { LightspeedEcomSecrets, LightspeedEcomSettings } from './config.js';
import { mapCustomer, mapOrder } from './mapping.js';
import { CustomerBody, OrderBody } from './schemas.js';
import { mapProduct, mapProductDelete } from './product-mapping.js';
import { ProductBody } from './product-schemas.js';

/**
 * MD5 over body + secret is what Lightspeed eCom sends (not an HMAC); the comparison is still constant time on the
 * decoded bytes. The hex is read case-insensitively; anything but 32 hex digits fails.
 */
const signature = hmacWebhook<LightspeedEcomSecrets>({
  vendor: 'Lightspeed eCom',
  header: 'X-Signature',
  encoding: 'hex',
  digest: 'md5(body+secret)',
  secret: (secrets) => secrets.webhookSecret ?? secrets.apiSecret,
  read: (value) => (value.trim() === '' ? undefined : /^[0-9a-fA-F]{32}$/.test(value.trim()) ? value.trim() : ''),
  mismatch: 'Lightspeed eCom webhook signature does not match the body (wrong app secret or altered body)',
});

export const verifyEcomWebhook = (request: WebhookRequest, secrets: LightspeedEcomSecrets) => signature.verify(request, secrets, undefined);

/** The header Lightspeed eCom sends with a delivery: what the simulator and tests send too. */
export const signEcomWebhook = (rawBody: Buffer | string, secret: string) => signature.sign(secret, rawBody);

/**
 * itemGroup customers, orders or products: the body says which resource it is. A products delivery links its
 * variants and categories rather than embedding them; mapped without them it would erase the category the catalog
 * holds, so it gives an event only when it embeds them, and the poll (products by updated_at_min, with their
 * variants and categories) brings the change otherwise. A body that is only the product's id is a deletion.
 */
export function parseEcomWebhook(
  request: WebhookRequest,
  context: ConnectorContext<LightspeedEcomSettings, LightspeedEcomSecrets>,
): EventDraft[] {
  const json = parseJsonBody(request.rawBody, 'Lightspeed eCom webhook');
  const mapping = { instance: context.instance, currency: context.settings.currency, now: context.now() };
  if (json !== null && typeof json === 'object' && 'customer' in json) {
    return mapCustomer(parsePayload(CustomerBody, json, 'Lightspeed eCom customers webhook').customer, mapping);
  }
  if (json !== null && typeof json === 'object' && 'order' in json) {
    return mapOrder(parsePayload(OrderBody, json, 'Lightspeed eCom orders webhook').order, mapping);
  }
  if (json !== null && typeof json === 'object' && 'product' in json) {
    const { product } = parsePayload(ProductBody, json, 'Lightspeed eCom products webhook');
    if (!product.updatedAt && !product.title) return mapProductDelete(product.id, mapping);
    if (!Array.isArray(product.categories) || !Array.isArray(product.variants)) return [];
    return mapProduct(product, product.variants, product.categories, mapping);
  }
  const keys =
    json !== null && typeof json === 'object'
      ? Object.keys(json)
          .filter((k) => /^[A-Za-z]{1,40}$/.test(k))
          .slice(0, 3)
      : [];
  throw new PayloadInvalid(
    `Lightspeed eCom webhook for ${keys.join(', ') || 'an unknown resource'} is not one syncline reads (it reads the customers, orders and products item groups); remove the webhook or add a mapping`,
  );
}
