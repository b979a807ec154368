// cdk-nag AwsSolutions: zero unacknowledged findings, and every acknowledgement says why.
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { synth, type Synthesized } from './test-support.js';

// Each synthesis takes 1-3 s on an idle 2-core machine (bundling ~10 s); far longer when the machine is busy.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 240_000 });

describe.each(['dev', 'prod'] as const)('cdk-nag AwsSolutions on the %s stage', (stage) => {
  let synthesized: Synthesized;
  let report: ReturnType<AwsSolutionsChecks['validateScope']>;
  beforeAll(() => {
    synthesized = synth({ stage });
    report = new AwsSolutionsChecks().validateScope(synthesized.app);
    void synthesized.template; // synthesized here, under the hook timeout, for the annotations below
  });

  it('reports no unacknowledged finding', () => {
    const findings = report.violations.map(
      (v) => `${v.ruleName} on ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}: ${v.description}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('leaves no warning or error annotation on the stack', () => {
    const annotations = Annotations.fromStack(synthesized.stack);
    expect(annotations.findWarning('*', Match.anyValue()).map((a) => `${a.id}: ${String(a.entry.data)}`)).toEqual([]);
    expect(annotations.findError('*', Match.anyValue()).map((a) => `${a.id}: ${String(a.entry.data)}`)).toEqual([]);
  });

  it('gives every acknowledgement a reason a reviewer can check', () => {
    const acknowledgements = synthesized.app.node
      .findAll()
      .flatMap((c) =>
        c.node.metadata
          .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .map((m) => ({ path: c.node.path, rules: m.data as Record<string, string> })),
      );
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { path, rules } of acknowledgements) {
      for (const [rule, reason] of Object.entries(rules)) expect(reason.length, `${rule} on ${path}`).toBeGreaterThan(60);
    }
  });
});

it('synthesizes with the checks registered the way cdk/app.ts does', () => {
  const { app } = synth();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  expect(() => app.synth()).not.toThrow();
});

it('fails the synthesis when the checks are registered the way cdk/app.ts does and a finding is not acknowledged', () => {
  const { app, stack } = synth();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // A role with a wildcard action and no acknowledgement: AwsSolutions-IAM5.
  stack.functions.merge.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
  expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Action::s3:\*\]/);
});
