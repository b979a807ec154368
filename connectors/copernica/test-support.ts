// Shared by the Copernica tests: fixtures as Copernica would post them, signers, settings and a silent context.
import { contextFor as contextIn, fixturesOf } from '../sdk/testing/index.js';
import type { ConnectorContext, WebhookRequest } from '../sdk/index.js';
import { createCallbackSigner, type CallbackSigner, type SignInput } from './callback-signer.js';
import { CopernicaSettings, type CopernicaSecrets } from './config.js';
import { encodeForm } from './form.js';

export const CALLBACK_URL = 'https://hooks.syncline.example/webhooks/acme/copernica-nl';
export const FORM = 'application/x-www-form-urlencoded';

const fixtures = fixturesOf('copernica');
export const fixture = (name: string) => fixtures.json(name);
export const fixtureText = fixtures.text;

/** The documented examples are "decoded POST requests": Copernica posts them form-encoded. */
export function formBody(name: string): string {
  return encodeForm(fixture(name));
}

export const signer = createCallbackSigner({ accountId: 1234 });
/** Same keyId, another key: what a forger without Copernica's private key can do at best. */
export const forger = createCallbackSigner({ accountId: 1234 });

/** Settings matching the documented examples: database 1, e-mail in a field called "mail". */
export const settings = CopernicaSettings.parse({
  databaseId: 1,
  keyField: 'mail',
  accountId: 1234,
  unsubscribeFields: { newsletter: 'no' },
});

export const secrets: CopernicaSecrets = {
  accessToken: 'simulated-api-token',
  callbackPublicKeys: { [signer.keyId]: signer.publicKeyPem },
};

export const wrongSecrets: CopernicaSecrets = {
  ...secrets,
  callbackPublicKeys: { [signer.keyId]: forger.publicKeyPem },
};

export function signedRequest(
  body: string,
  options: { now?: Date; url?: string; contentType?: string; sign?: Partial<SignInput>; by?: CallbackSigner } = {},
): WebhookRequest {
  const now = options.now ?? new Date();
  const url = options.url ?? CALLBACK_URL;
  const contentType = options.contentType ?? FORM;
  const overrides = { 'content-type': contentType, ...options.sign?.overrides };
  const headers = (options.by ?? signer).sign({ body, url, now, ...options.sign, overrides });
  return { method: 'POST', url, headers, rawBody: Buffer.from(body) };
}

export function contextFor(
  s: CopernicaSettings,
  k: CopernicaSecrets = secrets,
  now = new Date(),
): ConnectorContext<CopernicaSettings, CopernicaSecrets> {
  return contextIn('copernica-nl', s, k, now);
}
