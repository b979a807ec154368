// POST /collect/{tenant}/{site} (and its CORS preflight), GET /syncline.js: API Gateway HTTP API (payload v2) → the
// collect pipeline. Its role may send to the changes queue and nothing else: no table, no secret (cdk/collect-route.ts).
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createHash } from 'node:crypto';
import type { CanonicalEvent } from '../core/events.js';
import { answerCollectPreflight, collectBatch, type CollectDeps, type CollectRequest } from '../pipeline/collect/collect-batch.js';
import { siteRateLimit } from '../pipeline/collect/site-rate-limit.js';
import { quarantineViaQueue, type QueuedQuarantine } from '../pipeline/quarantine/queued-quarantine.js';
import { loadConnector } from '../connectors/installed.js';
import { sqsClient } from '../aws/aws-clients.js';
import { SqsMessageQueue } from '../aws/sqs-queue.js';
import { once, required, runtimeOverrides } from './container.js';
import { loadDeployedConfig } from './deployed-config.js';
import { createLogger } from './logger.js';
import { trackingScript } from './tracking-script.js';

function toCollectRequest(event: APIGatewayProxyEventV2): CollectRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
  return {
    method: event.requestContext.http.method,
    url: `https://${event.requestContext.domainName}${event.rawPath}`,
    headers,
    rawBody: Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8'),
  };
}

/** A day in browsers, a year in shared caches would pin a bad release: one day, revalidated by ETag after it. */
function serveScript(ifNoneMatch: string | undefined): APIGatewayProxyStructuredResultV2 {
  const script = trackingScript();
  const etag = `"${createHash('sha256').update(script).digest('base64url').slice(0, 16)}"`;
  const headers = {
    'content-type': 'text/javascript; charset=utf-8',
    'cache-control': 'public, max-age=86400, stale-while-revalidate=604800',
    etag,
    'access-control-allow-origin': '*',
  };
  if (ifNoneMatch === etag) return { statusCode: 304, headers };
  return { statusCode: 200, headers, body: script };
}

export function createCollectHandler(deps: () => CollectDeps) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const method = event.requestContext.http.method;
    if (event.rawPath === '/syncline.js' && (method === 'GET' || method === 'HEAD')) return serveScript(event.headers?.['if-none-match']);
    const tenant = event.pathParameters?.tenant;
    const site = event.pathParameters?.site;
    if (!tenant || !site) return json(404, {}, { error: 'use POST /collect/{tenant}/{site}' });
    const request = toCollectRequest(event);
    try {
      const response =
        method === 'OPTIONS'
          ? await answerCollectPreflight(deps(), tenant, site, request)
          : method === 'POST'
            ? await collectBatch(deps(), tenant, site, request)
            : { statusCode: 405, headers: {}, body: { error: 'batches are POSTed' } };
      return json(response.statusCode, response.headers, response.body);
    } catch (error) {
      // The changes queue is unavailable: a beacon's batch is lost, a fallback fetch's the next page sends again.
      deps().log.error('collect batch could not be queued', { tenantId: tenant, site, reason: (error as Error).message });
      return json(503, {}, { error: 'temporarily unavailable' });
    }
  };
}

function json(statusCode: number, headers: Record<string, string>, body: unknown): APIGatewayProxyStructuredResultV2 {
  return body === undefined
    ? { statusCode, headers }
    : { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function collectRuntime(): CollectDeps {
  return once('collect', () => {
    // Not shared(): that builds the table stores and the push queue, which this function neither needs nor may use.
    const overrides = runtimeOverrides();
    const config = overrides.config ?? loadDeployedConfig();
    const log = overrides.log ?? createLogger(process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'syncline');
    const now = overrides.now ?? (() => new Date());
    const queueUrl = required('CHANGES_QUEUE_URL');
    const connectors = overrides.connectors;
    return {
      config,
      connectors: connectors ? async (name) => connectors[name] ?? (await loadConnector(name)) : loadConnector,
      events: new SqsMessageQueue<CanonicalEvent>(sqsClient(), queueUrl),
      quarantine: quarantineViaQueue(new SqsMessageQueue<QueuedQuarantine>(sqsClient(), queueUrl)),
      limit: siteRateLimit(),
      log,
      now,
    };
  });
}

export const handler = createCollectHandler(collectRuntime);
