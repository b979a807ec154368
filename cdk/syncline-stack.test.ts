// The synthesized template: functions, queues, tables, API, schedules, alarms, outputs, IAM (secret grants included).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { dueItemKeys, tableDefinitions, TENANT_DUE_INDEX, TENANT_PROFILES_INDEX, TTL_ATTRIBUTE } from '../aws/tables.js';
import { TENANT_DATA_ROLE_VARIABLE } from '../aws/tenant-credentials.js';
import { QUEUE_SENDERS_VARIABLE } from '../pipeline/scope/queue-senders.js';
import { OPS_TTL_ATTRIBUTE } from './constructs/data-tables.js';
import { DIGEST_KEY_VARIABLE } from './constructs/identifier-digest-key.js';
import { HANDLERS, HANDLER_NAMES, REPO_ROOT } from './handlers.js';
import { baseConfig, logicalId, resourcesOf, schedulesOf, synth, withInstance, type Synthesized } from './test-support.js';

// Each synthesis takes 1-3 s on an idle 2-core machine (bundling ~10 s); far longer when the machine is busy.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 240_000 });

let dev: Synthesized;
beforeAll(() => {
  dev = synth();
});

const fnLogicalId = (name: keyof typeof HANDLERS) => logicalId(dev.stack, dev.stack.functions[name]);

describe('functions', () => {
  it('deploys one arm64 Node.js 22 function per handler, named after the stage', () => {
    const functions = resourcesOf(dev.template, 'AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(HANDLER_NAMES.length);
    for (const name of HANDLER_NAMES) {
      const props = functions[fnLogicalId(name)]?.Properties;
      expect(props, `function ${name}`).toMatchObject({
        FunctionName: `syncline-dev-${name}`,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
      });
    }
  });

  it('logs JSON without the platform START/END/REPORT lines, leaving the handler lines (filtered by LOG_LEVEL) and EMF metrics to flow', () => {
    const functions = resourcesOf(dev.template, 'AWS::Lambda::Function');
    for (const name of HANDLER_NAMES)
      expect(functions[fnLogicalId(name)]?.Properties, `function ${name}`).toMatchObject({
        LoggingConfig: { LogFormat: 'JSON', SystemLogLevel: 'WARN', ApplicationLogLevel: 'DEBUG' },
      });
  });

  it('gives every function the runtime contract of lambdas/runtime.ts in its environment, and no secret', () => {
    for (const name of HANDLER_NAMES) {
      const env = dev.template.toJSON().Resources[fnLogicalId(name)].Properties.Environment.Variables as Record<string, unknown>;
      // webhook and poll also get the role of their tenant-scoped sessions (aws/tenant-scoped-dynamo.ts).
      // The survey function reads no identifier: it has no digest key; nor does the resync (profiles by id only).
      const scoped =
        name === 'webhook' || name === 'poll'
          ? [TENANT_DATA_ROLE_VARIABLE]
          : name === 'survey' || name === 'collect' || name === 'resync'
            ? []
            : [DIGEST_KEY_VARIABLE];
      // push writes the survey's answer links, which point at this API.
      if (name === 'push') scoped.push('SYNCLINE_PUBLIC_URL');
      // The merge judges each message by its sender (cdk/queue-producers.test.ts).
      if (name === 'merge') scoped.push(QUEUE_SENDERS_VARIABLE);
      expect(Object.keys(env).sort(), name).toEqual(
        [
          'CHANGES_MAX_RECEIVE_COUNT',
          'CHANGES_QUEUE_URL',
          'LOG_LEVEL',
          'NODE_OPTIONS',
          'OPS_TABLE',
          'PROFILES_TABLE',
          'PUSH_DELAY_SECONDS',
          'PUSH_QUEUE_URL',
          'SYNCLINE_CONFIG_FILE',
          'SYNCLINE_STAGE',
          ...scoped,
        ].sort(),
      );
      expect(env.SYNCLINE_STAGE).toBe('dev');
      expect(env.SYNCLINE_CONFIG_FILE).toBe('/var/task/syncline.config.json');
      expect(env.PROFILES_TABLE).toEqual({ Ref: logicalId(dev.stack, dev.stack.tables.profiles) });
      expect(env.CHANGES_QUEUE_URL).toEqual({ Ref: logicalId(dev.stack, dev.stack.changes.queue) });
    }
  });

  it("tells the merge function the changes queue's maxReceiveCount, so it records dead letters on the last receive", () => {
    const resources = dev.template.toJSON().Resources;
    const redrive = resources[logicalId(dev.stack, dev.stack.changes.queue)].Properties.RedrivePolicy as { maxReceiveCount: number };
    const env = resources[fnLogicalId('merge')].Properties.Environment.Variables as Record<string, unknown>;
    expect(env.CHANGES_MAX_RECEIVE_COUNT).toBe(String(redrive.maxReceiveCount));
  });

  it('wires every handler file in lambdas/ to exactly one function', () => {
    const lambdasDir = join(REPO_ROOT, 'lambdas');
    const handlerFiles = readdirSync(lambdasDir)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .filter((file) => /^export\s+(const|let|async\s+function|function)\s+handler\b/m.test(readFileSync(join(lambdasDir, file), 'utf8')))
      .map((file) => `lambdas/${file}`)
      .sort();
    expect(handlerFiles, 'handler files found in lambdas/ vs HANDLERS in cdk/handlers.ts').toEqual(Object.values(HANDLERS).sort());

    const functions = Object.values(resourcesOf(dev.template, 'AWS::Lambda::Function'));
    for (const file of handlerFiles) {
      const wired = functions.filter((fn) =>
        (fn.Properties?.Tags as { Key: string; Value: string }[]).some((t) => t.Key === 'syncline:entry' && t.Value === file),
      );
      expect(wired, `functions running ${file}`).toHaveLength(1);
    }
  });

  it('does not retry a failed poll asynchronously: the next scheduled run resumes from the cursor', () => {
    dev.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnLogicalId('poll') },
      MaximumRetryAttempts: 0,
    });
  });

  it('logs to a log group with a retention per function', () => {
    for (const name of HANDLER_NAMES) {
      const props = dev.template.toJSON().Resources[fnLogicalId(name)].Properties;
      expect(props.LoggingConfig?.LogGroup, name).toBeDefined();
    }
    for (const group of Object.values(resourcesOf(dev.template, 'AWS::Logs::LogGroup')))
      expect(group.Properties?.RetentionInDays).toBeGreaterThan(0);
  });
});

describe('queues', () => {
  const queues = () => ({
    changes: { queue: dev.stack.changes, consumer: 'merge' as const },
    push: { queue: dev.stack.push, consumer: 'push' as const },
  });

  it.each(['changes', 'push'] as const)(
    'the %s queue redrives to its DLQ after 5 receives, SSE, visibility ≥ 6 × its consumer timeout',
    (name) => {
      const { queue, consumer } = queues()[name];
      const resources = dev.template.toJSON().Resources;
      const props = resources[logicalId(dev.stack, queue.queue)].Properties;
      const dlq = resources[logicalId(dev.stack, queue.deadLetterQueue)].Properties;
      const timeout = resources[fnLogicalId(consumer)].Properties.Timeout as number;
      expect(props.QueueName).toBe(`syncline-dev-${name}`);
      expect(dlq.QueueName).toBe(`syncline-dev-${name}-dlq`);
      expect(props.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(dev.stack, queue.deadLetterQueue), 'Arn'] },
        maxReceiveCount: 5,
      });
      expect(props.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
      expect(props.SqsManagedSseEnabled).toBe(true);
      expect(dlq.SqsManagedSseEnabled).toBe(true);
    },
  );

  it('denies every request to every queue that does not use TLS', () => {
    const policies = Object.values(resourcesOf(dev.template, 'AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(4);
    for (const policy of policies) {
      expect(policy.Properties?.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('feeds merge and push from their queues with partial batch failures, batch size, window and a concurrency cap', () => {
    const mappings = resourcesOf(dev.template, 'AWS::Lambda::EventSourceMapping');
    const byFunction = (name: 'merge' | 'push') =>
      Object.values(mappings).filter((m) => m.Properties?.FunctionName.Ref === fnLogicalId(name));
    for (const [name, queue, batch] of [
      ['merge', dev.stack.changes, { BatchSize: 50, MaximumBatchingWindowInSeconds: 2, ScalingConfig: { MaximumConcurrency: 10 } }],
      ['push', dev.stack.push, { BatchSize: 10, MaximumBatchingWindowInSeconds: 10, ScalingConfig: { MaximumConcurrency: 2 } }],
    ] as const) {
      const found = byFunction(name);
      expect(found, `event sources of ${name}`).toHaveLength(1);
      expect(found[0]?.Properties).toMatchObject({
        ...batch,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        EventSourceArn: { 'Fn::GetAtt': [logicalId(dev.stack, queue.queue), 'Arn'] },
      });
    }
    expect(Object.keys(mappings)).toHaveLength(2);
  });
});

describe('tables', () => {
  it('creates profiles and ops tables on demand with pk/sk strings, PITR, KMS encryption and TTL, retained', () => {
    const tables = resourcesOf(dev.template, 'AWS::DynamoDB::GlobalTable');
    expect(Object.keys(tables)).toHaveLength(2);
    for (const [name, table] of [
      ['profiles', dev.stack.tables.profiles],
      ['ops', dev.stack.tables.ops],
    ] as const) {
      const resource = tables[logicalId(dev.stack, table)];
      expect(resource?.DeletionPolicy, name).toBe('Retain');
      expect(resource?.UpdateReplacePolicy, name).toBe('Retain');
      expect(resource?.Properties).toMatchObject({
        TableName: `syncline-dev-${name}`,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: expect.arrayContaining([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ]),
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      });
      expect(resource?.Properties?.Replicas[0]).toMatchObject({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      });
    }
    expect(OPS_TTL_ATTRIBUTE).toBe(TTL_ATTRIBUTE);
    expect(tables[logicalId(dev.stack, dev.stack.tables.ops)]?.Properties?.TimeToLiveSpecification).toEqual({
      AttributeName: TTL_ATTRIBUTE,
      Enabled: true,
    });
    // TTL on the profiles table too (history items): cdk/table-ttl.test.ts.
  });

  it('lets only a dev stage delete its tables with the stack', () => {
    const destroyed = synth({ destroyDataOnRemoval: true });
    for (const table of Object.values(resourcesOf(destroyed.template, 'AWS::DynamoDB::GlobalTable')))
      expect(table.DeletionPolicy).toBe('Delete');
    expect(() => synth({ stage: 'prod', destroyDataOnRemoval: true })).toThrow(/only the dev stage/);
  });
});

describe('webhook API', () => {
  it('routes GET, HEAD and POST /r/{tenant}/{token} to the survey function, and gives the push the API URL for its links', () => {
    for (const method of ['GET', 'HEAD', 'POST'])
      dev.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${method} /r/{tenant}/{token}`,
        AuthorizationType: 'NONE',
      });
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [fnLogicalId('survey'), 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
    const push = resourcesOf(dev.template, 'AWS::Lambda::Function')[fnLogicalId('push')];
    expect(push?.Properties?.Environment.Variables.SYNCLINE_PUBLIC_URL, 'push knows the answer links base').toBeDefined();
  });

  it('routes POST /webhooks/{tenant}/{instance} and its GET URL check to the webhook function', () => {
    // One generic webhook route for any method (the function answers 405 to all but POST and GET), like each tenant's own.
    const routeKeys = Object.values(resourcesOf(dev.template, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties?.RouteKey as string);
    expect(routeKeys.filter((k) => k.includes('/webhooks/')).sort()).toEqual(['ANY /webhooks/{tenant}/{instance}']);
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'ANY /webhooks/{tenant}/{instance}',
      AuthorizationType: 'NONE',
    });
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [fnLogicalId('webhook'), 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
  });

  it('routes GET /personalize/{tenant}/{site} and its CORS preflight to the personalize function', () => {
    for (const RouteKey of ['GET /personalize/{tenant}/{site}', 'OPTIONS /personalize/{tenant}/{site}'])
      dev.template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey, AuthorizationType: 'NONE' });
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [fnLogicalId('personalize'), 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
  });

  it('routes POST /collect/{tenant}/{site}, its CORS preflight and GET /syncline.js to the collect function', () => {
    for (const RouteKey of ['POST /collect/{tenant}/{site}', 'OPTIONS /collect/{tenant}/{site}', 'GET /syncline.js'])
      dev.template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey, AuthorizationType: 'NONE' });
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [fnLogicalId('collect'), 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
  });

  it('throttles the stage and writes JSON access logs to a log group', () => {
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      // The generic route: paths of no configured tenant (tenants have their own routes and budgets).
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logicalId(dev.stack, dev.stack.api.accessLogs), 'Arn'] },
        Format: Match.stringLikeRegexp('"status":"\\$context.status"'),
      },
    });
    synth({ stage: 'prod' }).template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      RouteSettings: { 'ANY /webhooks/demo-shop/{instance}': { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 } },
    });
  });
});

describe('per-tenant webhook budgets (issue 16 item 4)', () => {
  const routeSettings = (synthesized: Synthesized) =>
    Object.values(resourcesOf(synthesized.template, 'AWS::ApiGatewayV2::Stage'))[0]?.Properties?.RouteSettings as Record<string, unknown>;
  const tenantRoutes = (synthesized: Synthesized) =>
    synthesized.stack.api.tenantRoutes.stacks.flatMap((nested) =>
      Object.values(resourcesOf(Template.fromStack(nested), 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties?.RouteKey as string),
    );

  it('gives each tenant with webhooks its own route and throttle, and paths of no tenant only the small default', () => {
    const two = synth({
      config: withInstance(baseConfig, 'other-shop', { id: 'woo', connector: 'woocommerce', webhooks: true, settings: {} }),
    });
    expect(tenantRoutes(two).sort()).toEqual(['ANY /webhooks/demo-shop/{instance}', 'ANY /webhooks/other-shop/{instance}']);
    expect(routeSettings(two)).toMatchObject({
      'ANY /webhooks/demo-shop/{instance}': { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      'ANY /webhooks/other-shop/{instance}': { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
    two.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
    });
  });

  it('routes a tenant’s own route to the webhook function, which API Gateway may invoke for it', () => {
    const nested = Template.fromStack(dev.stack.api.tenantRoutes.stacks[0]!).toJSON().Resources as Record<string, any>;
    const route = Object.values(nested).find((r) => r.Type === 'AWS::ApiGatewayV2::Route');
    expect(JSON.stringify(route?.Properties.Target)).toContain('integrations/');
    const permissions = Object.values(resourcesOf(dev.template, 'AWS::Lambda::Permission')).map((p) =>
      JSON.stringify(p.Properties?.SourceArn),
    );
    expect(permissions.some((arn) => arn.includes('/*/*/webhooks/*'))).toBe(true);
  });

  it('gives the shops’ pages (collect, the script, personalize) and the survey links a budget of their own, not the small default', () => {
    const site = { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 };
    expect(routeSettings(dev)).toMatchObject({
      'POST /collect/{tenant}/{site}': site,
      'OPTIONS /collect/{tenant}/{site}': site,
      'GET /syncline.js': site,
      'GET /personalize/{tenant}/{site}': site,
      'OPTIONS /personalize/{tenant}/{site}': site,
      'GET /r/{tenant}/{token}': site,
      'HEAD /r/{tenant}/{token}': site,
      'POST /r/{tenant}/{token}': site,
    });
    expect(routeSettings(synth({ stage: 'prod' }))).toMatchObject({
      'POST /collect/{tenant}/{site}': { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
    });
  });

  it('adds no route for a tenant without webhooks', () => {
    const quiet = synth({
      config: withInstance(baseConfig, 'poll-only', { id: 'shop', connector: 'shopify', pollEveryMinutes: 15, settings: {} }),
    });
    expect(tenantRoutes(quiet)).toEqual(['ANY /webhooks/demo-shop/{instance}']);
  });
});

describe('schedules and outputs follow the config; secrets are the operator’s', () => {
  const schedulesTo = (synthesized: Synthesized, fn: string) => schedulesOf(synthesized).filter((s) => s.functionId === fn);

  it('schedules a poll of each polling instance with {tenantId, instanceId}, in a nested stack created after the group', () => {
    const polls = schedulesTo(dev, fnLogicalId('poll'));
    expect(polls).toHaveLength(1);
    expect(polls[0]?.properties).toMatchObject({
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      GroupName: 'syncline-dev',
      Target: { Input: JSON.stringify({ tenantId: 'demo-shop', instanceId: 'shopify' }), RetryPolicy: { MaximumRetryAttempts: 2 } },
    });
    expect(polls[0]?.stackDependsOn, 'created after its group').toContain(logicalId(dev.stack, dev.stack.schedules.group));
    dev.template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'syncline-dev' });
    // In the main stack only the stage's one resync schedule (cdk/resync.test.ts).
    dev.template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    // One nested stack of schedules, one of per-tenant webhook routes.
    dev.template.resourceCountIs('AWS::CloudFormation::Stack', 2);
  });

  it('schedules a campaign sweep of each tenant every campaigns.sweepEveryMinutes', () => {
    const sweeps = schedulesTo(dev, fnLogicalId('sweep'));
    expect(sweeps).toHaveLength(1);
    expect(sweeps[0]?.properties).toMatchObject({
      // The default 15 minutes, on the quarter hours (cdk/constructs/schedules.ts sweepSchedule).
      ScheduleExpression: 'cron(0/15 * * * ? *)',
      Target: { Input: JSON.stringify({ tenantId: 'demo-shop' }) },
    });
    expect(schedulesOf(dev)).toHaveLength(2);
  });

  it('creates no connector secret: the operator creates syncline/<stage>/<tenant>/<instance>, so secrets do not count against the stack', () => {
    // The one secret is the stage's identifier digest key, however many instances the config has.
    dev.template.resourceCountIs('AWS::SecretsManager::Secret', 1);
  });

  it('outputs the webhook base URL, the alarm topic and the analytics bucket and workgroup only (none per tenant): `syncline webhooks` prints each instance’s URL', () => {
    const outputs = dev.template.toJSON().Outputs as Record<string, { Value: unknown; Description: string }>;
    expect(outputs.WebhookBaseUrl?.Value).toEqual({ 'Fn::GetAtt': [logicalId(dev.stack, dev.stack.api.api), 'ApiEndpoint'] });
    expect(Object.keys(outputs).sort()).toEqual(['AlarmTopicArn', 'AnalyticsBucket', 'AnalyticsWorkGroup', 'WebhookBaseUrl']);
  });

  it('gives a new instance in the config its schedule with no code change, and adds nothing else per instance', () => {
    const config = withInstance(baseConfig, 'other-shop', { id: 'shop-eu', connector: 'shopify', webhooks: true, pollEveryMinutes: 5 });
    const synthesized = synth({ config });
    const { template } = synthesized;
    const inputs = schedulesOf(synthesized).map((s) => s.properties.Target.Input);
    expect(inputs).toContainEqual(JSON.stringify({ tenantId: 'other-shop', instanceId: 'shop-eu' }));
    expect(inputs).toContainEqual(JSON.stringify({ tenantId: 'other-shop' }));
    expect(inputs).toHaveLength(4);
    // The stack itself is the same size: tenants share the functions, the generic routes, roles and outputs (a tenant's own
    // webhook route lives in a nested stack).
    expect(Object.keys(template.toJSON().Resources).length).toBe(Object.keys(dev.template.toJSON().Resources).length);
    expect(Object.keys(template.toJSON().Outputs).length).toBe(Object.keys(dev.template.toJSON().Outputs).length);
    template.resourceCountIs('AWS::Lambda::Function', HANDLER_NAMES.length);
    template.resourceCountIs('AWS::ApiGatewayV2::Route', Object.keys(dev.template.findResources('AWS::ApiGatewayV2::Route')).length);
  });

  it('deploys dev and prod side by side under different names', () => {
    const prod = synth({ stage: 'prod' });
    expect(prod.stack.stackName).toBe('Syncline-prod');
    const names = (s: Synthesized) =>
      [
        ...Object.values(resourcesOf(s.template, 'AWS::Lambda::Function')).map((r) => r.Properties?.FunctionName),
        ...Object.values(resourcesOf(s.template, 'AWS::SQS::Queue')).map((r) => r.Properties?.QueueName),
        ...Object.values(resourcesOf(s.template, 'AWS::DynamoDB::GlobalTable')).map((r) => r.Properties?.TableName),
      ] as string[];
    const devNames = names(dev);
    expect(devNames.every((n) => n.startsWith('syncline-dev-'))).toBe(true);
    expect(names(prod).filter((n) => devNames.includes(n))).toEqual([]);
  });
});

describe('erasures', () => {
  it('alarms when the sweep gives up on an erasure, from its log line', () => {
    const filters = Object.values(resourcesOf(dev.template, 'AWS::Logs::MetricFilter')).map((f) => f.Properties!);
    expect(filters).toContainEqual(expect.objectContaining({ FilterPattern: '{ $.message = "erasure failed permanently*" }' }));
    const alarms = Object.values(resourcesOf(dev.template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties!);
    expect(alarms.find((a) => a.AlarmName === 'syncline-dev-erasure-failed-permanently')).toMatchObject({
      MetricName: 'syncline-dev-erasures-failed-permanently',
      Namespace: 'Syncline',
      Threshold: 0,
    });
  });
});

describe('alarms and dashboard', () => {
  it('alarms when a DLQ holds any message and when a queue’s oldest message is too old', () => {
    const alarms = Object.values(resourcesOf(dev.template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties!);
    for (const queue of [dev.stack.changes, dev.stack.push]) {
      const on = (q: typeof queue.queue, metric: string) =>
        alarms.filter(
          (a) => a.MetricName === metric && a.Namespace === 'AWS/SQS' && JSON.stringify(a.Dimensions).includes(logicalId(dev.stack, q)),
        );
      const dlq = on(queue.deadLetterQueue, 'ApproximateNumberOfMessagesVisible');
      expect(dlq, `DLQ alarm of ${queue.node.id}`).toHaveLength(1);
      expect(dlq[0]).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [expect.anything()] });
      const age = on(queue.queue, 'ApproximateAgeOfOldestMessage');
      expect(age, `age alarm of ${queue.node.id}`).toHaveLength(1);
      expect(age[0]?.Threshold).toBeGreaterThan(0);
    }
    const errorAlarms = alarms.filter((a) => a.MetricName === 'Errors' && a.Namespace === 'AWS/Lambda');
    expect(errorAlarms).toHaveLength(HANDLER_NAMES.length);
  });

  it('has a dashboard for the stage', () => {
    dev.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'syncline-dev' });
  });
});

describe('least privilege', () => {
  // Actions each function's role may use, flattened from its policies.
  const actionsOf = (name: keyof typeof HANDLERS): { actions: string[]; json: string } => {
    const roleId = logicalId(dev.stack, dev.stack.functions[name].role as never);
    const policies = Object.values(resourcesOf(dev.template, 'AWS::IAM::Policy')).filter((p) =>
      p.Properties?.Roles.some((r: { Ref: string }) => r.Ref === roleId),
    );
    const statements = policies.flatMap((p) => p.Properties?.PolicyDocument.Statement as { Action: string | string[] }[]);
    return { actions: statements.flatMap((s) => [s.Action].flat()), json: JSON.stringify(statements) };
  };
  const secretStatements = (synthesized: Synthesized, name: keyof typeof HANDLERS) => {
    const roleId = logicalId(synthesized.stack, synthesized.stack.functions[name].role as never);
    return Object.values(resourcesOf(synthesized.template, 'AWS::IAM::Policy'))
      .filter((p) => p.Properties?.Roles.some((r: { Ref: string }) => r.Ref === roleId))
      .flatMap((p) => p.Properties?.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));
  };
  const stageSecrets = (stage: string) => ({
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':secretsmanager:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:secret:syncline/${stage}/*`,
      ],
    ],
  });

  const digestKeyStatement = () =>
    expect.objectContaining({
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: { Ref: logicalId(dev.stack, dev.stack.digestKey.secret) },
    });

  it('lets only webhook, poll, push and personalize read connector secrets, and survey its survey keys: GetSecretValue, and only on the stage’s syncline/<stage>/ names', () => {
    const connectorSecrets = expect.objectContaining({ Action: 'secretsmanager:GetSecretValue', Resource: stageSecrets('dev') });
    for (const name of ['webhook', 'poll'] as const) expect(secretStatements(dev, name), name).toEqual([connectorSecrets]);
    for (const name of ['push', 'personalize'] as const)
      expect(secretStatements(dev, name), name).toEqual([connectorSecrets, digestKeyStatement()]);
    for (const name of ['merge', 'sweep'] as const) expect(secretStatements(dev, name), name).toEqual([digestKeyStatement()]);
    // The survey function reads the tenants' survey keys, none of the connector secrets.
    expect(JSON.stringify(secretStatements(dev, 'survey'))).toContain(':secret:syncline/dev/*/survey-??????');
    expect(secretStatements(dev, 'survey')).toHaveLength(1);
    const prod = synth({ stage: 'prod' });
    expect(secretStatements(prod, 'webhook')).toEqual([expect.objectContaining({ Resource: stageSecrets('prod') })]);
  });

  it('gives the profiles table to merge (read/write), push and sweep (read) only, and no one deletes tables', () => {
    const profilesId = logicalId(dev.stack, dev.stack.tables.profiles);
    for (const name of ['webhook', 'poll'] as const) expect(actionsOf(name).json, name).not.toContain(profilesId);
    expect(actionsOf('merge').actions).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem']),
    );
    for (const name of ['push', 'resync'] as const) {
      const writes = actionsOf(name).json.match(new RegExp(`dynamodb:(PutItem|DeleteItem|BatchWriteItem)[^}]*${profilesId}`));
      expect(writes, `${name} writes to the profiles table`).toBeNull();
    }
    // The sweep writes its due items by BatchWriteItem, confined to the tenants' due partitions, and no other item.
    const sweepWrites = (
      JSON.parse(actionsOf('sweep').json) as { Action: string | string[]; Resource: unknown; Condition?: unknown }[]
    ).filter(
      (s) => JSON.stringify(s.Resource).includes(profilesId) && [s.Action].flat().some((a) => /PutItem|DeleteItem|BatchWriteItem/.test(a)),
    );
    expect(sweepWrites.map((s) => [[s.Action].flat(), s.Condition])).toEqual([
      [
        ['dynamodb:BatchWriteItem'],
        { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [dueItemKeys.partition('*')] }, Null: { 'dynamodb:LeadingKeys': 'false' } },
      ],
    ]);
    // The sweep takes a profile off the tenant-due index (UpdateItem) until its tenant is migrated; the push never writes there.
    expect(actionsOf('push').json.match(new RegExp(`dynamodb:UpdateItem[^}]*${profilesId}`)), 'push').toBeNull();
    expect(actionsOf('sweep').actions).toContain('dynamodb:UpdateItem');
    for (const name of HANDLER_NAMES)
      expect(
        actionsOf(name).actions.filter((a) => /DeleteTable|dynamodb:\*|sqs:\*/.test(a)),
        name,
      ).toEqual([]);
  });

  it('gives the personalize function reads of the profiles and ops tables only: no write action on any table', () => {
    const statements = JSON.parse(actionsOf('personalize').json) as { Action: string | string[]; Resource: unknown }[];
    const dynamo = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.flatMap((s) => [s.Action].flat()).sort()).toEqual(
      ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:Query'].sort(),
    );
    const tables = JSON.stringify(dynamo.map((s) => s.Resource));
    expect(tables).toContain(logicalId(dev.stack, dev.stack.tables.profiles));
    expect(tables).toContain(logicalId(dev.stack, dev.stack.tables.ops));
    expect(actionsOf('personalize').actions.filter((a) => /^(dynamodb|sqs):.*(Put|Update|Delete|Write|Send)/.test(a))).toEqual([]);
  });

  it('lets webhook and poll send to the changes queue, merge and sweep to the push queue, and push to none', () => {
    const sendsTo = (name: keyof typeof HANDLERS) => {
      const statements = JSON.parse(actionsOf(name).json) as { Action: string | string[]; Resource: unknown }[];
      const targets = statements.filter((s) => [s.Action].flat().includes('sqs:SendMessage')).map((s) => JSON.stringify(s.Resource));
      return [dev.stack.changes.queue, dev.stack.push.queue]
        .filter((q) => targets.some((t) => t.includes(logicalId(dev.stack, q))))
        .map((q) => q.node.scope?.node.id);
    };
    expect(Object.fromEntries(HANDLER_NAMES.map((n) => [n, sendsTo(n)]))).toEqual({
      webhook: ['ChangesQueue'],
      poll: ['ChangesQueue'],
      merge: ['PushQueue'],
      push: [],
      sweep: ['PushQueue'],
      resync: [],
      personalize: [],
      survey: ['ChangesQueue'],
      collect: ['ChangesQueue'],
    });
  });

  it('gives the collect function no DynamoDB action and no secret: it only sends to the changes queue', () => {
    const { actions } = actionsOf('collect');
    expect(
      actions.filter((a) => a.startsWith('dynamodb:')),
      'no table grant: quarantine goes through the queue',
    ).toEqual([]);
    expect(actions.filter((a) => a.startsWith('secretsmanager:'))).toEqual([]);
    expect(actions.filter((a) => a.startsWith('sqs:')).sort()).toEqual(
      ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'].sort(),
    );
  });
});

describe('tenant isolation in IAM (dynamodb:LeadingKeys)', () => {
  type Statement = {
    Effect: string;
    Action: string | string[];
    Resource: unknown;
    Condition?: Record<string, Record<string, unknown>>;
    Principal?: unknown;
  };
  const statementsOfRole = (roleId: string): Statement[] =>
    Object.values(resourcesOf(dev.template, 'AWS::IAM::Policy'))
      .filter((p) => p.Properties?.Roles.some((r: { Ref: string }) => r.Ref === roleId))
      .flatMap((p) => p.Properties?.PolicyDocument.Statement as Statement[]);
  const roleIdOf = (name: keyof typeof HANDLERS) => logicalId(dev.stack, dev.stack.functions[name].role as never);
  const tenantRoleId = () => logicalId(dev.stack, dev.stack.tenantData.role as never);
  const dynamoActions = (s: Statement) => [s.Action].flat().filter((a) => a.startsWith('dynamodb:'));
  const tableId = (name: 'profiles' | 'ops') => logicalId(dev.stack, dev.stack.tables[name]);
  const confinedTo = (keys: string) => ({
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [keys] },
    Null: { 'dynamodb:LeadingKeys': 'false' },
  });

  it('confines every DynamoDB grant of every role to `T#` keys: no Scan, and a tenant is listed by a confined index Query', () => {
    const roles = { ...Object.fromEntries(HANDLER_NAMES.map((n) => [n, roleIdOf(n)])), tenantData: tenantRoleId() };
    const indexReaders: string[] = [];
    for (const [name, roleId] of Object.entries(roles)) {
      for (const statement of statementsOfRole(roleId).filter((s) => dynamoActions(s).length > 0)) {
        const batchWritesDueItems = name === 'sweep' && dynamoActions(statement).join() === 'dynamodb:BatchWriteItem';
        const keys = name === 'tenantData' ? 'T#${aws:PrincipalTag/tenant}#*' : batchWritesDueItems ? dueItemKeys.partition('*') : 'T#*';
        expect(statement.Condition, `${name}: ${JSON.stringify(statement.Action)}`).toEqual(confinedTo(keys));
        expect(
          dynamoActions(statement).filter((a) => /Scan|DescribeTable|GetRecords|GetShardIterator|\*/.test(a)),
          name,
        ).toEqual([]);
        const resources = JSON.stringify(statement.Resource);
        if (resources.includes('/index/')) {
          expect(resources, `${name}: only the tenant-profiles index, by name`).toContain(`/index/${TENANT_PROFILES_INDEX.name}`);
          if (name !== 'sweep')
            expect(resources, `${name}: the tenant-due index is the sweep's`).not.toContain(`/index/${TENANT_DUE_INDEX.name}`);
          else expect(resources, 'sweep: the profiles due').toContain(`/index/${TENANT_DUE_INDEX.name}`);
          expect(resources, name).not.toContain('/index/*');
          indexReaders.push(name);
        }
      }
    }
    expect(indexReaders.sort()).toEqual(['merge', 'resync', 'sweep']);
  });

  it('gives the profiles table its sparse KEYS_ONLY tenant-profiles index, as aws/tables.ts defines it for the emulators', () => {
    const table = resourcesOf(dev.template, 'AWS::DynamoDB::GlobalTable')[tableId('profiles')]!;
    const defined = tableDefinitions().profiles.GlobalSecondaryIndexes!;
    expect(table.Properties?.GlobalSecondaryIndexes).toEqual(
      defined.map((index) => ({ IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection })),
    );
  });

  it('gives webhook and poll no table of their own: they assume TenantDataAccess, which reaches only the tagged tenant’s ops items', () => {
    for (const name of ['webhook', 'poll'] as const) {
      const statements = statementsOfRole(roleIdOf(name));
      expect(statements.flatMap(dynamoActions), `${name} has no DynamoDB grant`).toEqual([]);
      expect(statements, name).toContainEqual(
        expect.objectContaining({ Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: { 'Fn::GetAtt': [tenantRoleId(), 'Arn'] } }),
      );
      const env = dev.template.toJSON().Resources[fnLogicalId(name)].Properties.Environment.Variables as Record<string, unknown>;
      expect(env[TENANT_DATA_ROLE_VARIABLE], name).toEqual({ 'Fn::GetAtt': [tenantRoleId(), 'Arn'] });
    }
    const granted = statementsOfRole(tenantRoleId());
    expect(granted.map((s) => JSON.stringify(s.Resource))).toEqual([JSON.stringify({ 'Fn::GetAtt': [tableId('ops'), 'Arn'] })]);
    expect(granted[0]!.Condition).toEqual(confinedTo('T#${aws:PrincipalTag/tenant}#*'));
  });

  it('lets only the webhook and poll roles assume TenantDataAccess, tagging the session with one tenant and no wildcard', () => {
    const trust = dev.template.toJSON().Resources[tenantRoleId()].Properties.AssumeRolePolicyDocument.Statement as Statement[];
    const principals = (s: Statement) => JSON.stringify(s.Principal);
    const assumers = trust
      .filter((s) => s.Action === 'sts:AssumeRole')
      .map(principals)
      .join(' ');
    const taggers = trust
      .filter((s) => s.Action === 'sts:TagSession')
      .map(principals)
      .join(' ');
    for (const name of ['webhook', 'poll'] as const) {
      expect(assumers, `${name} may assume`).toContain(roleIdOf(name));
      expect(taggers, `${name} may tag`).toContain(roleIdOf(name));
    }
    for (const name of ['merge', 'push', 'sweep'] as const) expect(`${assumers} ${taggers}`, name).not.toContain(roleIdOf(name));
    // No tenant list (it outgrows the 2,048-character trust policy): which tenant a session is for is the code's choice.
    expect(trust.find((s) => s.Action === 'sts:TagSession')?.Condition).toEqual({
      StringLike: { 'aws:RequestTag/tenant': '?*' },
      StringNotLike: { 'aws:RequestTag/tenant': ['*#*', '*${*}*', '*${?}*'] },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['tenant'] },
    });
    expect(JSON.stringify(trust)).not.toContain('demo-shop');
    expect([...new Set(trust.map((s) => s.Action))].sort()).toEqual(['sts:AssumeRole', 'sts:TagSession']);
  });
});

describe('identifier digest key (issue 16 item 10)', () => {
  it('generates the stage’s digest key in Secrets Manager, outside the connector secrets’ syncline/<stage>/ prefix, kept on removal', () => {
    const secrets = resourcesOf(dev.template, 'AWS::SecretsManager::Secret');
    const secret = secrets[logicalId(dev.stack, dev.stack.digestKey.secret)];
    expect(secret?.Properties).toMatchObject({
      Name: 'syncline-dev/identifier-digest-key',
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
    expect(secret?.Properties?.SecretString, 'no value in the template').toBeUndefined();
    expect(secret?.DeletionPolicy).toBe('Retain');
  });

  it('gives merge, push, sweep and personalize (it looks visitors up by identifier) the key’s ARN, and no other function the key or its ARN', () => {
    for (const name of HANDLER_NAMES) {
      const env = dev.template.toJSON().Resources[fnLogicalId(name)].Properties.Environment.Variables as Record<string, unknown>;
      if (!['merge', 'push', 'sweep', 'personalize'].includes(name)) expect(env[DIGEST_KEY_VARIABLE], name).toBeUndefined();
      else expect(env[DIGEST_KEY_VARIABLE], name).toEqual({ Ref: logicalId(dev.stack, dev.stack.digestKey.secret) });
    }
  });
});
