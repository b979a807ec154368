// Reads a verified callback body (form-encoded as documented, or JSON as Publisher callbacks may be) and maps it.
import { createHash } from 'node:crypto';
import { PayloadInvalid, parseJsonBody, parsePayload, type ConnectorContext, type EventDraft, type WebhookRequest } from '../sdk/index.js';
import type { CopernicaSecrets, CopernicaSettings } from './config.js';
import { decodeForm } from './form.js';
import { messageCallbackToEvents, profileCallbackToEvents } from './mapping.js';
import { MessageCallback, ProfileCallback, withEvent } from './schemas.js';

const PROFILE_EVENTS = new Set(['create', 'update', 'delete']);
const MESSAGE_EVENTS = new Set(['open', 'click', 'delivery', 'failure', 'failed', 'bounce']);

export function decodeCallbackBody(request: WebhookRequest): Record<string, unknown> {
  const contentType = (request.headers['content-type'] ?? '').toLowerCase();
  const text = request.rawBody.toString('utf8');
  const looksJson = contentType.includes('json') || (contentType === '' && text.trimStart().startsWith('{'));
  const decoded = looksJson ? parseJsonBody(request.rawBody, 'Copernica callback') : decodeForm(text);
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded))
    throw new PayloadInvalid('Copernica callback is not an object');
  return withEvent(decoded as Record<string, unknown>);
}

export function parseCopernicaCallback(
  request: WebhookRequest,
  context: ConnectorContext<CopernicaSettings, CopernicaSecrets>,
): EventDraft[] {
  const payload = decodeCallbackBody(request);
  const date = Date.parse(request.headers['date'] ?? '');
  const ctx = {
    instance: context.instance,
    settings: context.settings,
    deliveryId: createHash('sha256').update(request.rawBody).digest('base64url').slice(0, 22),
    fallbackTime: new Date(Number.isNaN(date) ? context.now().getTime() : date).toISOString(),
  };
  const event = String(payload['event'] ?? '');
  if (PROFILE_EVENTS.has(event)) return profileCallbackToEvents(parsePayload(ProfileCallback, payload, `Copernica ${event} callback`), ctx);
  if (MESSAGE_EVENTS.has(event)) return messageCallbackToEvents(parsePayload(MessageCallback, payload, `Copernica ${event} callback`), ctx);
  // The type is echoed only when it is a short word: it never carries personal data then.
  throw new PayloadInvalid(`Copernica callback of unknown type ${/^[a-z_-]{1,20}$/.test(event) ? `"${event}"` : '(unreadable)'}`);
}
