// The CDK app: `npx cdk synth|deploy -c stage=dev|prod [-c config=path] [-c alarmEmail=…] [-c destroyData=true]`.
// Environment-agnostic (no account/region lookups), so it synthesizes offline without credentials.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { resolve } from 'node:path';
import { loadConfig } from '../lambdas/load-config.js';
import { REPO_ROOT } from './handlers.js';
import { STAGES, SynclineStack, type StageName } from './syncline-stack.js';

const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return value === undefined || value === null || value === '' ? undefined : String(value);
};

const stage = (context('stage') ?? 'dev') as StageName;
if (!STAGES.includes(stage)) throw new Error(`-c stage=${stage}: the stage must be one of ${STAGES.join(', ')}`);
const configFile = resolve(REPO_ROOT, context('config') ?? 'syncline.config.json');
const alarmEmail = context('alarmEmail');

new SynclineStack(app, `Syncline-${stage}`, {
  stage,
  config: loadConfig(configFile),
  code: { kind: 'bundle', configFile },
  destroyDataOnRemoval: context('destroyData') === 'true',
  ...(alarmEmail ? { alarmEmail } : {}),
});

// AWS Solutions checks fail the synth on any unacknowledged finding.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
