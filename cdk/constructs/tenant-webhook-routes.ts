// Per-tenant webhook budgets (issue 16 item 4). An HTTP API throttles per stage and per route, not per path value, and
// WAF does not attach to HTTP APIs (only to REST APIs, CloudFront, ALB, AppSync, Cognito, App Runner, Verified Access),
// so each tenant with webhooks gets its own route `ANY /webhooks/<tenant>/{instance}` with its own route throttle: a
// flood at one tenant's URLs, or at names no tenant has (the generic route, on the stage's small default budget),
// cannot use up another tenant's. One route per tenant (not per instance) keeps 200 tenants under the API's default
// quota of 300 routes; the routes live in nested stacks like the schedules, so they never count against the main
// stack's 500 resources.
import { NestedStack, Stack, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** Well below CloudFormation's 500 resources per stack. */
const ROUTES_PER_STACK = 250;

/** The route of one tenant's webhooks: literal tenant, any instance, any method (the function answers 405 to others). */
export function tenantRouteKey(tenantId: string): string {
  return `ANY /webhooks/${tenantId}/{instance}`;
}

export interface TenantWebhookRoutesProps {
  api: apigwv2.HttpApi;
  /** The generic route's integration (`integrations/<id>`): every tenant route calls the same webhook function. */
  integrationTarget: string;
  webhookFunction: lambda.IFunction;
  /** Tenants with at least one instance taking webhooks, in config order. */
  tenantIds: readonly string[];
}

export class TenantWebhookRoutes extends Construct {
  readonly routeKeys: string[] = [];
  readonly stacks: NestedStack[] = [];

  constructor(scope: Construct, id: string, props: TenantWebhookRoutesProps) {
    super(scope, id);
    // The generic route's permission names its own path; the tenant routes' paths are covered by one more.
    props.webhookFunction.addPermission('TenantWebhookRoutes', {
      principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: Stack.of(this).formatArn({ service: 'execute-api', resource: props.api.apiId, resourceName: '*/*/webhooks/*' }),
    });
    for (let start = 0; start < props.tenantIds.length; start += ROUTES_PER_STACK) {
      const stack = new NestedStack(this, `Routes${this.stacks.length}`, { description: 'syncline: per-tenant webhook routes' });
      this.stacks.push(stack);
      for (const tenantId of props.tenantIds.slice(start, start + ROUTES_PER_STACK)) {
        const routeKey = tenantRouteKey(tenantId);
        const route = new apigwv2.CfnRoute(stack, `Route-${tenantId}`, {
          apiId: props.api.apiId,
          routeKey,
          target: props.integrationTarget,
          authorizationType: 'NONE',
        });
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            "Vendors cannot sign requests with AWS credentials or send our tokens: each webhook is authenticated by the connector verifying the vendor's signature over the raw body inside the function, which answers 401 on a bad signature (as on the generic route).",
        });
        this.routeKeys.push(routeKey);
      }
    }
  }
}
