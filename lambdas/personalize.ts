// GET /personalize/{tenant}/{site}: API Gateway HTTP API (payload v2) → the visitor's answer (pipeline/personalize).
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { personalizeVisitor, type PersonalizeDeps } from '../pipeline/personalize/personalize-visitor.js';
import { websiteSites } from '../pipeline/personalize/website-sites.js';
import { DynamoProfileRepository } from '../aws/dynamo-profile-repository.js';
import { DynamoTenantStatsStore } from '../aws/dynamo-campaign-store.js';
import { DynamoCatalogStore } from '../aws/dynamo-catalog.js';
import { cachedStats } from '../core/campaign/cached-stats.js';
import { EnvOrFileSecrets, SecretsManagerSecrets } from '../aws/secrets.js';
import { documentClient } from '../aws/aws-clients.js';
import { digestKeyFromEnvironment } from '../aws/digest-key.js';
import { tableNames } from '../aws/tables.js';
import { loadDeployedConfig } from './deployed-config.js';
import { createLogger } from './logger.js';
import { once, runtimeOverrides } from './container.js';

function createPersonalizeHandler(deps: () => PersonalizeDeps) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const tenant = event.pathParameters?.tenant;
    const site = event.pathParameters?.site;
    if (!tenant || !site) return { statusCode: 404, body: JSON.stringify({ error: 'use GET /personalize/{tenant}/{site}' }) };
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
    const query: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(event.rawQueryString ?? '')) query[name] = value;
    try {
      return await personalizeVisitor(deps(), { method: event.requestContext.http.method, tenant, site, query, headers });
    } catch (error) {
      // The table or the secret unavailable: the page renders without personalisation and may ask again.
      personalizeLog().error('personalize could not answer', { tenantId: tenant, site, reason: (error as Error).message });
      return { statusCode: 503, headers: { 'cache-control': 'no-store' }, body: JSON.stringify({ error: 'temporarily unavailable' }) };
    }
  };
}

const personalizeLog = () =>
  once('personalize-log', () => runtimeOverrides().log ?? createLogger(process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'personalize'));

/** Read-only: the profiles table (identifier items, profiles, the catalog) and the tenant stats on the ops table; no queue, no write. */
export function personalizeRuntime(): PersonalizeDeps {
  return once('personalize', () => {
    const overrides = runtimeOverrides();
    const config = overrides.config ?? loadDeployedConfig();
    const names = tableNames();
    const db = documentClient();
    const secrets =
      overrides.secrets ??
      (process.env.SYNCLINE_STAGE && process.env.AWS_LAMBDA_FUNCTION_NAME
        ? new SecretsManagerSecrets(process.env.SYNCLINE_STAGE)
        : new EnvOrFileSecrets());
    return {
      config,
      site: websiteSites(config, secrets),
      // The identifier items are keyed by an HMAC digest: the visitor's anonymous id is found only with the stage's key.
      // Read-only: eventually consistent reads, and a legacy identifier item is read, not moved (no write grant).
      profiles: new DynamoProfileRepository(db, names.profiles, { ...withDigestKey(), readOnly: true }),
      stats: cachedStats(new DynamoTenantStatsStore(db, names.ops)),
      // The tenants' catalogs (on the profiles table): comparable products for the categories a visitor looks for.
      catalog: new DynamoCatalogStore(db, names.profiles),
      now: overrides.now ?? (() => new Date()),
    };
  });
}

function withDigestKey() {
  const digestKey = digestKeyFromEnvironment();
  return digestKey ? { digestKey } : {};
}

export const handler = createPersonalizeHandler(personalizeRuntime);
