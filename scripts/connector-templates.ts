// The files `npm run connector:new` writes: a connector that type-checks, with tests that fail until it is filled in.

export interface TemplateNames {
  /** kebab-case connector name, e.g. "loyalty-cards". */
  name: string;
  /** camelCase export, e.g. "loyaltyCards". */
  camel: string;
  /** PascalCase type prefix, e.g. "LoyaltyCards". */
  pascal: string;
}

export function templateNames(name: string): TemplateNames {
  const camel = name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return { name, camel, pascal: camel.charAt(0).toUpperCase() + camel.slice(1) };
}

export function connectorFiles({ name, camel, pascal }: TemplateNames): Record<string, string> {
  return {
    'index.ts': `// The ${name} connector: what it can do, nothing else. Delete the capabilities your vendor does not have.
import { defineConnector } from '../sdk/index.js';
import { ${pascal}Secrets, ${pascal}Settings } from './config.js';
import { pushProfiles, MAX_BATCH_SIZE } from './client.js';
import { parse${pascal}Webhook } from './mapping.js';
import { verify${pascal}Webhook } from './webhook.js';

export { ${pascal}Secrets, ${pascal}Settings } from './config.js';

export const ${camel} = defineConnector<${pascal}Settings, ${pascal}Secrets>({
  name: '${name}',
  kind: 'shop', // TODO: 'shop' | 'pos' | 'dmp' | 'email'
  description: 'TODO: what this connector reads and writes, in one line',
  settingsSchema: ${pascal}Settings,
  secretsSchema: ${pascal}Secrets,
  verifyWebhook: (request, secrets) => verify${pascal}Webhook(request, secrets),
  parseWebhook: parse${pascal}Webhook,
  push: {
    purpose: 'email_marketing', // TODO: the consent purpose this destination needs
    maxBatchSize: MAX_BATCH_SIZE,
    push: (context, changes) => pushProfiles(context, changes),
  },
});

export default ${camel};
`,
    'config.ts': `// Settings (in syncline.config.json) and secrets (secrets.local.json / Secrets Manager) of one ${name} instance.
import { z } from 'zod';

export const ${pascal}Settings = z.object({
  /** The vendor's API root; tests and the simulator point it at 127.0.0.1. TODO: the vendor's real URL. */
  apiBaseUrl: z.url().default('https://api.example.com'),
});
export type ${pascal}Settings = z.infer<typeof ${pascal}Settings>;

export const ${pascal}Secrets = z.object({
  /** TODO: the credential the vendor's API wants. */
  apiKey: z.string().min(1),
  /** TODO: the key the vendor signs webhooks with. */
  webhookSecret: z.string().min(1),
});
export type ${pascal}Secrets = z.infer<typeof ${pascal}Secrets>;
`,
    'schemas.ts': `// ${name}'s payloads in the vendor's own field names. TODO: replace with the documented payloads.
import { z } from 'zod';

export const ${pascal}Webhook = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  created_at: z.string(),
  data: z.object({
    email: z.string().optional(),
  }),
});
export type ${pascal}Webhook = z.infer<typeof ${pascal}Webhook>;
`,
    'mapping.ts': `// Pure mapping: ${name} payloads → canonical events. TODO: map every documented topic, field by field.
import { parseJsonBody, parsePayload, type ConnectorContext, type EventDraft, type WebhookRequest } from '../sdk/index.js';
import type { ${pascal}Secrets, ${pascal}Settings } from './config.js';
import { ${pascal}Webhook } from './schemas.js';

export function parse${pascal}Webhook(request: WebhookRequest, _context: ConnectorContext<${pascal}Settings, ${pascal}Secrets>): EventDraft[] {
  const payload = parsePayload(${pascal}Webhook, parseJsonBody(request.rawBody, '${name} webhook'), '${name} webhook');
  const email = payload.data.email?.trim().toLowerCase();
  if (!email) return [];
  return [
    {
      type: 'customer.upserted',
      sourceEventId: payload.id,
      occurredAt: new Date(payload.created_at).toISOString(),
      identifiers: [{ type: 'email', value: email }],
      data: { email },
    },
  ];
}
`,
    'webhook.ts': `// ${name} webhook signatures. TODO: the vendor's header, what it signs and its encoding.
import { createHmac } from 'node:crypto';
import { hmacSha256, signatureMatches, SignatureInvalid, type WebhookRequest } from '../sdk/index.js';
import type { ${pascal}Secrets } from './config.js';

export const SIGNATURE_HEADER = 'x-${name}-signature';

export function verify${pascal}Webhook(request: WebhookRequest, secrets: ${pascal}Secrets): void {
  const expected = hmacSha256(secrets.webhookSecret, request.rawBody);
  if (!signatureMatches(request.headers[SIGNATURE_HEADER], expected, 'base64')) {
    throw new SignatureInvalid('${name} webhook signature does not match: check the webhook secret');
  }
}

/** Signs a body as the vendor does: the tests and the simulator use it. */
export function sign${pascal}Webhook(rawBody: Buffer, secret: string): Record<string, string> {
  return { [SIGNATURE_HEADER]: createHmac('sha256', secret).update(rawBody).digest('base64') };
}
`,
    'client.ts': `// The ${name} API through the SDK client (retries 429/5xx with Retry-After). TODO: the vendor's real endpoints.
import { createVendorClient, VendorRejected, type ConnectorContext, type ProfileChange, type PushOutcome } from '../sdk/index.js';
import type { ${pascal}Secrets, ${pascal}Settings } from './config.js';

/** TODO: the vendor's documented batch limit. */
export const MAX_BATCH_SIZE = 100;

export async function pushProfiles(context: ConnectorContext<${pascal}Settings, ${pascal}Secrets>, changes: ProfileChange[]): Promise<PushOutcome[]> {
  const http = createVendorClient({
    vendor: '${name}',
    baseURL: context.settings.apiBaseUrl,
    headers: { authorization: \`Bearer \${context.secrets.apiKey}\`, 'content-type': 'application/json' },
  });
  const consentOnly = (c: ProfileChange) => c.changed.length > 0 && c.changed.every((f) => f.startsWith('consent'));
  const sendable = changes.filter((c) => c.email && (c.consent.email_marketing === true || consentOnly(c)));
  try {
    if (sendable.length > 0) {
      await http.request({ method: 'POST', url: '/profiles', data: { profiles: sendable.map((c) => ({ email: c.email, ...c.fields })) } });
    }
  } catch (error) {
    const retryable = !(error instanceof VendorRejected);
    return changes.map((c) => ({ profileId: c.profileId, status: 'failed', reason: '${name} refused the batch', retryable }));
  }
  return changes.map((c): PushOutcome =>
    sendable.includes(c) ? { profileId: c.profileId, status: 'pushed' } : { profileId: c.profileId, status: 'failed', reason: 'no consent or no e-mail', retryable: false },
  );
}
`,
    'simulator.ts': `// A local stand-in for the ${name} API on 127.0.0.1. TODO: the vendor's status codes, headers and pagination.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimulatedVendor, SimulatorFaults } from '../sdk/contract-kit.js';
import { ${pascal}Settings, type ${pascal}Secrets } from './config.js';

export async function start${pascal}Simulator(faults: SimulatorFaults = {}): Promise<SimulatedVendor<${pascal}Settings, ${pascal}Secrets>> {
  const secrets: ${pascal}Secrets = { apiKey: 'simulated-api-key', webhookSecret: 'simulated-webhook-secret' };
  let rateLimitLeft = faults.rateLimitFirst ?? 0;
  let failLeft = faults.failNext ?? 0;
  let requests = 0;
  const received: string[] = [];

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    requests++;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (rateLimitLeft-- > 0) return send(res, 429, { error: 'rate limited' }, { 'retry-after': '0' });
    if (failLeft-- > 0) return send(res, 500, { error: 'server error' });
    if (req.headers.authorization !== \`Bearer \${secrets.apiKey}\`) return send(res, 401, { error: 'unauthorized' });
    if (req.method === 'POST' && req.url === '/profiles') {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { profiles: { email: string }[] };
      received.push(...body.profiles.map((p) => p.email));
      return send(res, 200, { accepted: body.profiles.length });
    }
    return send(res, 404, { error: 'not found' });
  };

  const server = createServer((req, res) => void handle(req, res).catch(() => send(res, 500, { error: 'simulator failure' })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    settings: ${pascal}Settings.parse({ apiBaseUrl: \`http://127.0.0.1:\${port}\` }),
    secrets,
    received: () => [...received],
    requests: () => requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
`,
    'fixtures/SOURCES.md': `# Where the ${name} fixtures come from

Every fixture is a payload COPIED from the vendor's documentation, OpenAPI spec or official SDK repository.
Name the exact page (URL, section) or file (repository, path, commit) for each. Where no official example
exists, build it from the documented field list and say so.

| fixture | source | copied or constructed |
|---|---|---|
| TODO | TODO | TODO |

## Not confirmed by the documentation

- TODO: what you could not confirm (signature details, time zones, limits, …).
`,
    [`${name}.test.ts`]: `import { describe, expect, it } from 'vitest';
import { runContractTests, type WebhookFixture } from '../sdk/contract-kit.js';
import { ${pascal}Settings, type ${pascal}Secrets } from './config.js';
import { ${camel} } from './index.js';
import { start${pascal}Simulator } from './simulator.js';
import { sign${pascal}Webhook } from './webhook.js';

const settings = ${pascal}Settings.parse({});
const secrets: ${pascal}Secrets = { apiKey: 'simulated-api-key', webhookSecret: 'simulated-webhook-secret' };

/** TODO: one entry per fixture in fixtures/, copied from the vendor's documentation (see fixtures/SOURCES.md). */
const fixtures: WebhookFixture[] = [];

runContractTests({
  connector: ${camel},
  settings,
  secrets,
  webhooks: {
    url: 'https://hooks.syncline.example/webhooks/acme/${name}',
    sign: (rawBody, k) => sign${pascal}Webhook(rawBody, k.webhookSecret),
    wrongSecrets: { ...secrets, webhookSecret: 'another-secret' },
    fixtures,
  },
  push: { startVendor: (faults) => start${pascal}Simulator(faults) },
});

describe('${name} specifics', () => {
  it("replace this with your vendor's documented payloads", () => {
    expect.fail(
      'Copy payloads from the vendor documentation into fixtures/, name their sources in fixtures/SOURCES.md, list them in \`fixtures\` above, ' +
        'then replace this test with field-by-field parsing tests, a tampered-body test, a 429/Retry-After test and (if it polls) a resume-from-cursor test.',
    );
  });
});
`,
  };
}
