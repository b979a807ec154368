// The webhook and merge functions as they deploy (cdk/handler-bundle.ts: minified, code-split, the lite AWS clients of
// aws/lite/ in place of the SDK's) on the emulators: a signed Shopify delivery goes through the webhook bundle onto the
// changes queue, and the merge bundle makes a profile of it in DynamoDB Local. The other tests run the TypeScript
// sources with the SDK; this one runs the code Lambda runs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleHandler } from '../cdk/handler-bundle.js';
import { HANDLERS, REPO_ROOT } from '../cdk/handlers.js';
import { deliveryHeaders, fixture, secrets, SHOP_DOMAIN } from '../connectors/shopify/test-support.js';
import { signShopifyWebhook } from '../connectors/shopify/simulator.js';
import { identifierKey, type Identifier } from '../core/identifiers.js';
import { DynamoProfileRepository } from '../aws/dynamo-profile-repository.js';
import { secretEnvName } from '../aws/secrets.js';
import { useEmulators } from '../test/support/emulators.js';
import { sqsEvent, takeAll, webhookEvent } from '../test/support/lambda-events.js';

const env = useEmulators();

type WebhookHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
type MergeHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;
let webhook: WebhookHandler;
let merge: MergeHandler;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-deployed-'));
  const configFile = join(dir, 'syncline.config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      tenants: [{ id: 'acme', instances: [{ id: 'shop', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP_DOMAIN } }] }],
    }),
  );
  process.env.SYNCLINE_CONFIG_FILE = configFile;
  process.env[secretEnvName('acme', 'shop')] = JSON.stringify(secrets);
  const load = async <T>(name: 'webhook' | 'merge') =>
    (
      (await import(pathToFileURL(join(bundleHandler(join(REPO_ROOT, HANDLERS[name]), { configFile }).dir, 'index.mjs')).href)) as {
        handler: T;
      }
    ).handler;
  webhook = await load<WebhookHandler>('webhook');
  merge = await load<MergeHandler>('merge');
}, 120_000);

afterAll(() => {
  delete process.env.SYNCLINE_CONFIG_FILE;
  delete process.env[secretEnvName('acme', 'shop')];
});

describe('the deployed bundles with the lite AWS clients, on the emulators', () => {
  it('queues a signed Shopify delivery from the webhook bundle, and the merge bundle makes its profile', async () => {
    const body = JSON.stringify(fixture('customers-create.json'));
    const response = await webhook(
      webhookEvent({
        tenant: 'acme',
        instance: 'shop',
        body,
        headers: { ...deliveryHeaders('customers/create'), ...signShopifyWebhook(body, secrets.webhookSecret) },
      }),
    );
    expect(response.statusCode, response.body).toBe(202);

    const queued = await takeAll(env.sqs, env.queues.changes.url);
    expect(queued.length, 'messages the webhook bundle sent').toBeGreaterThan(0);
    expect(await merge(sqsEvent(queued))).toEqual({ batchItemFailures: [] });

    const repository = new DynamoProfileRepository(env.db, env.tables.profiles);
    const email: Identifier = { type: 'email', value: 'bob.norman@hostmail.com' };
    const profileId = (await repository.lookup('acme', [email])).get(identifierKey(email));
    expect(profileId, 'the e-mail points at a profile').toBeDefined();
    expect((await repository.get('acme', profileId!))?.fields.firstName?.value).toBe('Bob');
  });
});
