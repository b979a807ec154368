// One Lambda function per handler: esbuild-bundled, code-split ESM on arm64/Node 22, its own role and log group.
import { Duration, RemovalPolicy, Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { bundleForDeploy } from '../handler-bundle.js';
import { HANDLERS, REPO_ROOT, type HandlerName } from '../handlers.js';

/** Where the config file lands inside every bundle; the handlers read it through SYNCLINE_CONFIG_FILE. */
const BUNDLED_CONFIG_FILE = '/var/task/syncline.config.json';

/**
 * How function code is produced: `bundle` runs esbuild (what `cdk synth`/`deploy` do);
 * `stub` puts a one-line inline handler in place so that unit tests synthesize in milliseconds.
 */
export type CodeMode = { kind: 'bundle'; configFile: string } | { kind: 'stub' };

export interface HandlerFunctionProps {
  handler: HandlerName;
  functionName: string;
  code: CodeMode;
  timeout: Duration;
  memorySize: number;
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
  description: string;
}

export class HandlerFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const entry = HANDLERS[props.handler];

    // Unnamed, so a retained log group never blocks a later deploy of the same stage.
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.removalPolicy });

    // An own role instead of AWSLambdaBasicExecutionRole: that managed policy may create any log group in the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `syncline ${props.handler} function`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
    );

    const common = {
      functionName: props.functionName,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      role: this.role,
      logGroup: this.logGroup,
      // JSON format so that Lambda's own START/END/REPORT lines (platform events at INFO, ~300 bytes per invocation)
      // can be left out: they were most of the log volume billed per event (docs/benchmarks.md, stop 31). Duration,
      // errors and throttles stay as CloudWatch's Lambda metrics. The handlers' own lines are JSON already
      // (lambdas/logger.ts) and filter themselves by LOG_LEVEL (debug on dev, info on prod), so Lambda filters none of
      // them (DEBUG); an EMF metric line, which has no level, counts as INFO and flows too.
      loggingFormat: lambda.LoggingFormat.JSON,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      applicationLogLevelV2: lambda.ApplicationLogLevel.DEBUG,
      environment: { ...props.environment, SYNCLINE_CONFIG_FILE: BUNDLED_CONFIG_FILE, NODE_OPTIONS: '--enable-source-maps' },
    } satisfies lambda.FunctionOptions & { runtime: lambda.Runtime };

    if (props.code.kind === 'bundle') {
      // Bundled by local esbuild with code splitting (cdk/handler-bundle.ts, which bench/footprint.ts measures):
      // NodejsFunction bundles to one --outfile, so lazily imported connectors would still sit in the entry file.
      this.function = new lambda.Function(this, 'Function', {
        ...common,
        handler: 'index.handler',
        code: lambda.Code.fromAsset(bundleForDeploy(join(REPO_ROOT, entry), props.code.configFile)),
      });
    } else {
      this.function = new lambda.Function(this, 'Function', {
        ...common,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => { throw new Error("stub code: synthesized for tests only"); };'),
      });
    }

    // Lets tests (and people reading the console) see which handler file a function runs.
    Tags.of(this.function).add('syncline:entry', entry);

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 on purpose: the code is developed and tested on Node 20/22 and the AWS SDK requires Node >= 22 from 2027; moving to the next runtime is a tested change, not a side effect of a CDK upgrade.',
    });
  }
}
