// The public HTTP API: POST (and GET, for URL checks) /webhooks/{tenant}/{instance} → webhook function, throttled, with access logs.
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { TenantWebhookRoutes } from './tenant-webhook-routes.js';

export const WEBHOOK_ROUTE = '/webhooks/{tenant}/{instance}';
/** One-click survey answers from e-mails (lambdas/survey-answer.ts). */
export const SURVEY_ROUTE = '/r/{tenant}/{token}';

export interface WebhookApiProps {
  apiName: string;
  webhookFunction: lambda.IFunction;
  /** The survey answer function; without it the API has no /r route. */
  surveyFunction?: lambda.IFunction;
  /** Steady requests per second, and the burst above it, of paths no configured tenant has (the generic route). */
  throttle: { rateLimit: number; burstLimit: number };
  /** Each tenant's own budget on its route (tenant-webhook-routes.ts), which no other tenant's traffic uses up. */
  tenantThrottle: { rateLimit: number; burstLimit: number };
  /** The shops' pages and the survey links, every tenant together (addRouteBudget). */
  siteThrottle: { rateLimit: number; burstLimit: number };
  /** Tenants with at least one instance taking webhooks. */
  tenantIds: readonly string[];
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
}

export class WebhookApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly accessLogs: logs.LogGroup;
  readonly tenantRoutes: TenantWebhookRoutes;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: props.apiName,
      description: 'syncline: vendor webhooks',
      // Our own stage below carries the throttling and the access logs.
      createDefaultStage: false,
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      // The default route settings: what the generic route (paths of no configured tenant) may cost. 429 makes vendors retry.
      throttle: props.throttle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        // Ids, route and outcome only; the path holds tenant and instance ids, never personal data.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    // GET answers a vendor's check of the callback URL (Mailchimp), authenticated the same way as a delivery.
    const routes = this.api.addRoutes({
      path: WEBHOOK_ROUTE,
      // ANY, as the tenant routes: were the methods to differ, a method match could win over the literal tenant segment.
      methods: [apigwv2.HttpMethod.ANY],
      integration: new HttpLambdaIntegration('Webhook', props.webhookFunction),
    });
    this.tenantRoutes = new TenantWebhookRoutes(this, 'TenantRoutes', {
      api: this.api,
      integrationTarget: (routes[0]!.node.defaultChild as apigwv2.CfnRoute).target!,
      webhookFunction: props.webhookFunction,
      tenantIds: props.tenantIds,
    });
    // RouteSettings is raw JSON to CloudFormation: its keys are spelt as CloudFormation spells them.
    const budget = { ThrottlingRateLimit: props.tenantThrottle.rateLimit, ThrottlingBurstLimit: props.tenantThrottle.burstLimit };
    (this.stage.node.defaultChild as apigwv2.CfnStage).routeSettings = Object.fromEntries(
      this.tenantRoutes.routeKeys.map((key) => [key, budget]),
    );
    // A route setting names a route key that must exist when the stage is updated.
    for (const stack of this.tenantRoutes.stacks) this.stage.node.addDependency(stack);
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          "Vendors cannot sign requests with AWS credentials or send our tokens: each webhook is authenticated by the connector verifying the vendor's signature over the raw body (HMAC / HTTP Signatures) inside the function, which answers 401 on a bad signature.",
      });
    }
    if (props.surveyFunction) this.addRouteBudget(this.addSurveyRoute(props.surveyFunction), props.siteThrottle);
  }

  /**
   * Gives routes a budget of their own, apart from the stage default that paths of no configured tenant share: the
   * shops' pages (collect, personalize, the script) and the survey links are public traffic of every tenant together.
   */
  addRouteBudget(routes: readonly apigwv2.HttpRoute[], throttle: { rateLimit: number; burstLimit: number }): void {
    const stage = this.stage.node.defaultChild as apigwv2.CfnStage;
    const budget = { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit };
    const keys = routes.map((route) => (route.node.defaultChild as apigwv2.CfnRoute).routeKey);
    stage.routeSettings = { ...(stage.routeSettings as Record<string, unknown>), ...Object.fromEntries(keys.map((key) => [key, budget])) };
    // A route setting names a route key that must exist when the stage is updated.
    for (const route of routes) this.stage.node.addDependency(route);
  }

  /** GET and HEAD (link scanners) follow an answer link; POST is the confirm page's button. */
  private addSurveyRoute(surveyFunction: lambda.IFunction): apigwv2.HttpRoute[] {
    const routes = this.api.addRoutes({
      path: SURVEY_ROUTE,
      methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.HEAD, apigwv2.HttpMethod.POST],
      integration: new HttpLambdaIntegration('SurveyAnswer', surveyFunction),
    });
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'A person follows this link from an e-mail and carries no credentials: the token in the path is authenticated inside the function (AES-256-GCM with the tenant survey key, expiring), which answers 404/410 to a forged or expired one.',
      });
    }
    return routes;
  }

  /** `https://<id>.execute-api.<region>.amazonaws.com` (the $default stage has no path). */
  get baseUrl(): string {
    return this.api.apiEndpoint;
  }
}
