// GET (and the CORS preflight OPTIONS) /personalize/{tenant}/{site} on the public HTTP API → the personalize function.
import { Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

export const PERSONALIZE_ROUTE = '/personalize/{tenant}/{site}';

export function addPersonalizeRoute(api: apigwv2.HttpApi, fn: lambda.IFunction): apigwv2.HttpRoute[] {
  // OPTIONS goes to the function too: it answers preflights for the site's own origins only (its settings), which the
  // API's one CORS configuration for every tenant could not.
  const routes = api.addRoutes({
    path: PERSONALIZE_ROUTE,
    methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.OPTIONS],
    integration: new HttpLambdaIntegration('Personalize', fn),
  });
  for (const route of routes)
    Validations.of(route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        "A shop's visitors have no AWS credentials: the function answers only for the visitor named by the site's anonymous id (a random bearer value from the visitor's own cookie) or a customer token the shop signed (HMAC, expiring), and the answer holds no personal data.",
    });
  return routes;
}
