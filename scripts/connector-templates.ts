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
import { MAX_BATCH_SIZE, pushProfiles } from './client.js';
import { ${pascal}Secrets, ${pascal}Settings } from './config.js';
import { poll${pascal} } from './poll.js';
import { parse${pascal}Webhook, signature } from './webhook.js';

export { ${pascal}Secrets, ${pascal}Settings } from './config.js';

export const ${camel} = defineConnector<${pascal}Settings, ${pascal}Secrets>({
  name: '${name}',
  kind: 'shop', // TODO: 'shop' | 'pos' | 'dmp' | 'email' | 'website' | 'ads' (and the same in connectors/kinds.ts)
  description: 'TODO: what this connector reads and writes, in one line',
  settingsSchema: ${pascal}Settings,
  secretsSchema: ${pascal}Secrets,
  verifyWebhook: signature.verify,
  parseWebhook: parse${pascal}Webhook,
  poll: poll${pascal},
  push: {
    purpose: 'email_marketing', // TODO: the consent purpose this destination needs
    maxBatchSize: MAX_BATCH_SIZE,
    push: (context, changes) => pushProfiles(context, changes),
  },
  // Vendor fields with no canonical field, declared for later (docs/connectors.md); e.g. { customer: ['loyalty.tier'] }.
  customAttributes: {},
});
`,
    'config.ts': `// Settings (in syncline.config.json) and secrets (secrets.local.json / Secrets Manager) of one ${name} instance.
import * as z from 'zod';

export const ${pascal}Settings = z.object({
  /** The vendor's API root; tests and the simulator point it at 127.0.0.1. TODO: the vendor's real URL. */
  apiBaseUrl: z.url().default('https://api.example.com'),
  /** Records per poll page. TODO: the vendor's documented maximum. */
  pageSize: z.number().int().min(1).max(250).default(50),
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
import * as z from 'zod';

export const ${pascal}Customer = z.object({
  id: z.string().min(1),
  email: z.string().optional(),
  updated_at: z.iso.datetime({ offset: true }),
});
export type ${pascal}Customer = z.infer<typeof ${pascal}Customer>;

/** A webhook delivery: the topic and the record it is about. */
export const ${pascal}Webhook = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  created_at: z.iso.datetime({ offset: true }),
  data: ${pascal}Customer,
});
export type ${pascal}Webhook = z.infer<typeof ${pascal}Webhook>;

/** One page of GET /customers. */
export const ${pascal}CustomerPage = z.object({ customers: z.array(${pascal}Customer) });
`,
    'mapping.ts': `// Pure mapping: ${name} records → canonical events. TODO: map every documented field.
import { normaliseEmail, type EventDraft } from '../sdk/index.js';
import type { ${pascal}Customer } from './schemas.js';

/** One customer as it was at \`updated_at\`: the same version always gives the same event id. */
export function mapCustomer(customer: ${pascal}Customer): EventDraft[] {
  const email = normaliseEmail(customer.email);
  if (!email) return [];
  return [
    {
      type: 'customer.upserted',
      sourceEventId: \`customer:\${customer.id}:\${customer.updated_at}\`,
      occurredAt: new Date(customer.updated_at).toISOString(),
      identifiers: [{ type: 'email', value: email }],
      data: { email },
    },
  ];
}
`,
    'webhook.ts': `// ${name} webhooks: the signature scheme and the topics syncline reads. TODO: the vendor's header, encoding,
// what it signs, and its topic names.
import { hmacWebhook, parseJsonBody, parsePayload, topic, topicTable, type ConnectorContext, type EventDraft, type WebhookRequest } from '../sdk/index.js';
import type { ${pascal}Secrets, ${pascal}Settings } from './config.js';
import { mapCustomer } from './mapping.js';
import { ${pascal}Customer, ${pascal}Webhook } from './schemas.js';

export const signature = hmacWebhook<${pascal}Secrets, ${pascal}Settings>({
  vendor: '${name}',
  header: 'X-${pascal}-Signature',
  encoding: 'base64',
  secret: (secrets) => secrets.webhookSecret,
  mismatch: '${name} webhook signature does not match the body (wrong webhook secret or altered body)',
});

/** Signs a body as the vendor does: the tests and the simulator use it. */
export const sign${pascal}Webhook = (rawBody: Buffer | string, secret: string) => signature.sign(secret, rawBody);

const TOPICS = topicTable<[]>({
  vendor: '${name}',
  topics: {
    'customer.created': topic(${pascal}Customer, mapCustomer),
    'customer.updated': topic(${pascal}Customer, mapCustomer),
  },
  acknowledged: ['ping'],
  remedy: 'remove the subscription or add a mapping',
});

export function parse${pascal}Webhook(request: WebhookRequest, _context: ConnectorContext<${pascal}Settings, ${pascal}Secrets>): EventDraft[] {
  const delivery = parsePayload(${pascal}Webhook, parseJsonBody(request.rawBody, '${name} webhook'), '${name} webhook');
  return TOPICS.find(delivery.type)?.(delivery.data) ?? [];
}
`,
    'poll.ts': `// Incremental poll of customers by updated_at: one page per call; the SDK keeps the cursor. TODO: the vendor's
// streams (add orders beside customers), its paging ('pages' or 'tokens') and its filter.
import { incrementalStreams, type ConnectorContext } from '../sdk/index.js';
import { ${pascal}Client } from './client.js';
import type { ${pascal}Secrets, ${pascal}Settings } from './config.js';
import { mapCustomer } from './mapping.js';

type Context = ConnectorContext<${pascal}Settings, ${pascal}Secrets>;

const streams = incrementalStreams({
  vendor: '${name}',
  paging: 'pages',
  nextPassFrom: 'highWater',
  client: (context: Context) => new ${pascal}Client(context),
  streams: {
    async customers(client, { since, position }, context) {
      const customers = await client.customers({ page: position, limit: context.settings.pageSize, updatedSince: since });
      return {
        events: customers.flatMap(mapCustomer),
        marks: customers.map((c) => new Date(c.updated_at).toISOString()),
        next: customers.length === context.settings.pageSize ? position + 1 : null,
      };
    },
  },
});

export const poll${pascal} = streams.poll;
export const readCursor = streams.readCursor;
`,
    'client.ts': `// The ${name} API through the SDK client (retries 429/5xx with Retry-After). TODO: the vendor's real endpoints.
import { createVendorClient, isConsentOnly, parsePayload, VendorRejected, type ConnectorContext, type ProfileChange, type PushOutcome, type VendorClient } from '../sdk/index.js';
import type { ${pascal}Secrets, ${pascal}Settings } from './config.js';
import { ${pascal}CustomerPage, type ${pascal}Customer } from './schemas.js';

/** TODO: the vendor's documented batch limit. */
export const MAX_BATCH_SIZE = 100;

export class ${pascal}Client {
  readonly http: VendorClient;
  constructor(context: ConnectorContext<${pascal}Settings, ${pascal}Secrets>) {
    this.http = createVendorClient({
      vendor: '${name}',
      baseURL: context.settings.apiBaseUrl,
      headers: { authorization: \`Bearer \${context.secrets.apiKey}\`, 'content-type': 'application/json' },
    });
  }

  async customers(query: { page: number; limit: number; updatedSince: string | null }): Promise<${pascal}Customer[]> {
    const params = { page: query.page, limit: query.limit, ...(query.updatedSince ? { updated_since: query.updatedSince } : {}) };
    const response = await this.http.request<unknown>({ method: 'GET', url: '/customers', params });
    return parsePayload(${pascal}CustomerPage, response.data, '${name} customers page').customers;
  }
}

export async function pushProfiles(context: ConnectorContext<${pascal}Settings, ${pascal}Secrets>, changes: ProfileChange[]): Promise<PushOutcome[]> {
  const { http } = new ${pascal}Client(context);
  const sendable = changes.filter((c) => c.email && (c.consent.email_marketing === true || isConsentOnly(c)));
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
// \`npm start\` runs it for an instance whose apiBaseUrl is "simulator" (it finds the \`simulator\` export below).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedVendor, SimulatorFaults } from '../sdk/simulator-kit.js';
import { defineSimulator } from '../sdk/define-simulator.js';
import { readBody, sendJson, startVendorServer } from '../sdk/simulator-kit.js';
import { ${pascal}Settings, type ${pascal}Secrets } from './config.js';
import type { ${pascal}Customer } from './schemas.js';

export interface ${pascal}Simulator extends SimulatedVendor<${pascal}Settings, ${pascal}Secrets> {
  customers: ${pascal}Customer[];
}

export async function start${pascal}Simulator(faults: SimulatorFaults = {}, customers: ${pascal}Customer[] = []): Promise<${pascal}Simulator> {
  const secrets: ${pascal}Secrets = { apiKey: 'simulated-api-key', webhookSecret: 'simulated-webhook-secret' };
  const received: string[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.authorization !== \`Bearer \${secrets.apiKey}\`) return sendJson(res, 401, { error: 'unauthorized' });
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (req.method === 'GET' && url.pathname === '/customers') {
      const page = Number(url.searchParams.get('page') ?? 1);
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const since = url.searchParams.get('updated_since');
      const matching = customers.filter((c) => since === null || c.updated_at >= since);
      return sendJson(res, 200, { customers: matching.slice((page - 1) * limit, page * limit) });
    }
    if (req.method === 'POST' && url.pathname === '/profiles') {
      const body = JSON.parse(await readBody(req)) as { profiles: { email: string }[] };
      received.push(...body.profiles.map((p) => p.email));
      return sendJson(res, 200, { accepted: body.profiles.length });
    }
    return sendJson(res, 404, { error: 'not found' });
  };
  const server = await startVendorServer(handle, {
    faults,
    rateLimited: (_req, res) => sendJson(res, 429, { error: 'rate limited' }, { 'retry-after': '0' }),
    failed: (_req, res) => sendJson(res, 500, { error: 'server error' }),
    crashed: (res) => sendJson(res, 500, { error: 'simulator failure' }),
  });
  return {
    settings: ${pascal}Settings.parse({ apiBaseUrl: server.origin }),
    secrets,
    customers,
    received: () => [...received],
    requests: server.requests,
    stop: server.stop,
  };
}

export const simulator = defineSimulator<${pascal}Simulator>({
  connector: '${name}',
  async start({ faults }) {
    const sim = await start${pascal}Simulator(faults);
    return { settings: { ...sim.settings }, secrets: { ...sim.secrets, webhookSecret: randomBytes(24).toString('base64url') }, handle: sim, stop: sim.stop };
  },
});
`,
    'fixtures/customer-created.json': `{
  "id": "evt_0001",
  "type": "customer.created",
  "created_at": "2026-01-15T09:30:00Z",
  "data": { "id": "cus_0001", "email": "Ada.Lovelace@example.com", "updated_at": "2026-01-15T09:30:00Z" }
}
`,
    'fixtures/customer-created.expected.json': `[
  {
    "type": "customer.upserted",
    "sourceEventId": "customer:cus_0001:2026-01-15T09:30:00Z",
    "occurredAt": "2026-01-15T09:30:00.000Z",
    "identifiers": [{ "type": "email", "value": "ada.lovelace@example.com" }],
    "data": { "email": "ada.lovelace@example.com" }
  }
]
`,
    'fixtures/SOURCES.md': `# Where the ${name} fixtures come from

Every fixture is a payload COPIED from the vendor's documentation, OpenAPI spec or official SDK repository.
Name the exact page (URL, section) or file (repository, path, commit) for each. Where no official example
exists, build it from the documented field list and say so.

| fixture | source | copied or constructed |
|---|---|---|
| customer-created.json (+ .expected.json, the canonical events it must produce) | TODO: replace with the vendor's documented example | TODO |

## Not confirmed by the documentation

- TODO: what you could not confirm (signature details, time zones, limits, …).
`,
    [`${name}.test.ts`]: `import { describe, expect, it } from 'vitest';
import { runContractTests } from '../sdk/contract-kit.js';
import { ${pascal}Settings, type ${pascal}Secrets } from './config.js';
import { ${camel} } from './index.js';
import { start${pascal}Simulator } from './simulator.js';
import { sign${pascal}Webhook } from './webhook.js';

const settings = ${pascal}Settings.parse({});
const secrets: ${pascal}Secrets = { apiKey: 'simulated-api-key', webhookSecret: 'simulated-webhook-secret' };

runContractTests({
  connector: ${camel},
  settings,
  secrets,
  webhooks: {
    url: 'https://hooks.syncline.example/webhooks/acme/${name}',
    sign: (rawBody, k) => sign${pascal}Webhook(rawBody, k.webhookSecret),
    wrongSecrets: { ...secrets, webhookSecret: 'another-secret' },
  },
  push: { startVendor: (faults) => start${pascal}Simulator(faults) },
});

describe('${name} specifics', () => {
  it("replace this with your vendor's documented payloads", () => {
    expect.fail(
      'Copy payloads from the vendor documentation into fixtures/, name their sources in fixtures/SOURCES.md, give each a <name>.expected.json (the kit checks every pair), ' +
        'then replace this test with field-by-field parsing tests, a tampered-body test, a 429/Retry-After test and (if it polls) a resume-from-cursor test.',
    );
  });
});
`,
  };
}
