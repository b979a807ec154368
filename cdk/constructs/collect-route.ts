// POST (and the CORS preflight OPTIONS) /collect/{tenant}/{site} and GET /syncline.js on the public HTTP API → the
// collect function. The function's only grant is sqs:SendMessage on the changes queue (cdk/syncline-stack.ts).
import { Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

export const COLLECT_ROUTE = '/collect/{tenant}/{site}';
export const TRACKING_SCRIPT_ROUTE = '/syncline.js';

export function addCollectRoutes(api: apigwv2.HttpApi, fn: lambda.IFunction): apigwv2.HttpRoute[] {
  const integration = new HttpLambdaIntegration('Collect', fn);
  // OPTIONS goes to the function: it answers preflights for the site's own origins only, which one API-wide CORS
  // configuration for every tenant could not.
  const routes = [
    ...api.addRoutes({ path: COLLECT_ROUTE, methods: [apigwv2.HttpMethod.POST, apigwv2.HttpMethod.OPTIONS], integration }),
    ...api.addRoutes({ path: TRACKING_SCRIPT_ROUTE, methods: [apigwv2.HttpMethod.GET], integration }),
  ];
  for (const route of routes)
    Validations.of(route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        "A shop's visitors have no AWS credentials: a batch is accepted only from the site's configured origins with its write key, validated and rate-limited per site by the function, which can do nothing but queue events; the script itself is public.",
    });
  return routes;
}
