// Builds the stack for tests: stub code by default (milliseconds), a config object instead of the file.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SynclineConfig } from '../core/config.js';
import type { CodeMode } from './constructs/handler-function.js';
import { SynclineStack, type StageName } from './syncline-stack.js';

export const baseConfig: SynclineConfig = SynclineConfig.parse({
  tenants: [
    {
      id: 'demo-shop',
      instances: [
        { id: 'shopify', connector: 'shopify', webhooks: true, pollEveryMinutes: 15, settings: {} },
        { id: 'copernica', connector: 'copernica', webhooks: true, push: true, settings: {} },
      ],
    },
  ],
});

export function withInstance(config: SynclineConfig, tenantId: string, instance: Record<string, unknown>): SynclineConfig {
  const raw = structuredClone(config) as { tenants: { id: string; instances: unknown[] }[] };
  const tenant = raw.tenants.find((t) => t.id === tenantId);
  if (tenant) tenant.instances.push(instance);
  else raw.tenants.push({ id: tenantId, instances: [instance] });
  return SynclineConfig.parse(raw);
}

export interface Synthesized {
  app: App;
  stack: SynclineStack;
  /** Synthesizes on first use: after that the app's assembly is cached and app.synth() runs no validation again. */
  readonly template: Template;
}

export function synth(
  options: { config?: SynclineConfig; stage?: StageName; code?: CodeMode; destroyDataOnRemoval?: boolean } = {},
): Synthesized {
  const app = new App();
  const stage = options.stage ?? 'dev';
  const stack = new SynclineStack(app, `Syncline-${stage}`, {
    stage,
    config: options.config ?? baseConfig,
    code: options.code ?? { kind: 'stub' },
    ...(options.destroyDataOnRemoval ? { destroyDataOnRemoval: true } : {}),
  });
  let template: Template | undefined;
  return {
    app,
    stack,
    get template() {
      template ??= Template.fromStack(stack);
      return template;
    },
  };
}

type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string; DependsOn?: string[] }
>;

export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** The logical id of a construct's CloudFormation resource. */
export function logicalId(stack: SynclineStack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

export interface SynthesizedSchedule {
  properties: Record<string, any>;
  /** The logical id, in the stack, of the function the schedule invokes. */
  functionId: string;
  /** The logical ids, in the stack, that the nested stack holding the schedule depends on. */
  stackDependsOn: string[];
}

/** Every schedule of the nested schedule stacks, with its target function resolved through the nested stack's parameters. */
export function schedulesOf(synthesized: Synthesized): SynthesizedSchedule[] {
  const { stack } = synthesized;
  const parent = synthesized.template.toJSON().Resources as Resources;
  return stack.schedules.stacks.flatMap((nested) => {
    const stackResource = parent[stack.getLogicalId(nested.nestedStackResource!)]!;
    const parameters = (stackResource.Properties?.Parameters ?? {}) as Record<string, { 'Fn::GetAtt'?: [string, string] }>;
    return Object.values(resourcesOf(Template.fromStack(nested), 'AWS::Scheduler::Schedule')).map((r) => {
      const arn = r.Properties!.Target.Arn as { Ref: string };
      return {
        properties: r.Properties!,
        functionId: parameters[arn.Ref]?.['Fn::GetAtt']?.[0] ?? '',
        stackDependsOn: stackResource.DependsOn ?? [],
      };
    });
  });
}
