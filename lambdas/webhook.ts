// POST /webhooks/{tenant}/{instance}: API Gateway HTTP API (payload v2) → verify, parse, queue → 202.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { answerWebhookCheck, ingestWebhook, type WebhookDeps } from '../pipeline/ingest-webhook.js';
import type { WebhookRequest } from '../connectors/sdk/index.js';
import { tenantRuntime } from './tenant-runtime.js';

function toWebhookRequest(event: APIGatewayProxyEventV2): WebhookRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  return {
    method: event.requestContext.http.method,
    // API Gateway is https only; stage variables are set by the operator, never by a request (the local server sets
    // `scheme` to the one it was reached by).
    url: `${event.stageVariables?.scheme === 'http' ? 'http' : 'https'}://${event.requestContext.domainName}${event.rawPath}${query}`,
    headers,
    rawBody: Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8'),
  };
}

/** `deps` gets the tenant of the route: in AWS its stores act under credentials confined to that tenant's keys. */
function createWebhookHandler(deps: (tenantId: string) => WebhookDeps) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const tenant = event.pathParameters?.tenant ?? tenantOfRoute(event.routeKey);
    const instance = event.pathParameters?.instance;
    if (!tenant || !instance) return json(404, { error: 'use POST /webhooks/{tenant}/{instance}' });
    const method = event.requestContext.http.method;
    if (method !== 'POST' && method !== 'GET') return json(405, { error: 'webhooks are POSTed' });
    const request = toWebhookRequest(event);
    // A path or Host that makes no URL (malformed percent-encoding, `Host: [`): the sender's error, not ours.
    if (!URL.canParse(request.url)) return json(400, { error: 'malformed request URL' });
    try {
      const response =
        method === 'GET'
          ? await answerWebhookCheck(deps(tenant), tenant, instance, request)
          : await ingestWebhook(deps(tenant), tenant, instance, request);
      return json(response.statusCode, response.body);
    } catch (error) {
      // Queue or store unavailable: 503 makes the vendor retry the delivery later.
      deps(tenant).log.error('webhook could not be accepted', { tenantId: tenant, instance, reason: (error as Error).message });
      return json(503, { error: 'temporarily unavailable, retry later' });
    }
  };
}

/** A tenant's own route (`ANY /webhooks/<tenant>/{instance}`, cdk/constructs/tenant-webhook-routes.ts) names it in its key, which we define. */
function tenantOfRoute(routeKey: string | undefined): string | undefined {
  return routeKey?.match(/^\S+ \/webhooks\/([^/{}]+)\/\{instance\}$/)?.[1];
}

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export const handler = createWebhookHandler((tenantId) => tenantRuntime(tenantId).webhook);
