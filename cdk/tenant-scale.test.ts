// The number of tenants a deploy holds does not run into CloudFormation's or IAM's default limits: 200 tenants with
// 4 connector instances each (30-character ids) synthesise into stacks that each stay within the documented quotas.
// CloudFormation (Understand CloudFormation quotas): 500 resources, 200 outputs, 200 parameters, 200 mappings per stack,
// and a template body of at most 1 MB (uploaded to S3, as cdk deploy does).
// IAM (IAM and AWS STS quotas, counted without whitespace): a managed policy 6,144 characters, a role's inline policies
// 10,240 together, a role trust policy 2,048 by default.
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { synth, type Synthesized } from './test-support.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const LIMITS = {
  resources: 500,
  outputs: 200,
  parameters: 200,
  mappings: 200,
  templateBytes: 1_000_000,
  managedPolicyChars: 6_144,
  inlineRolePolicyChars: 10_240,
  trustPolicyChars: 2_048,
};

/** 200 tenants like `fitness-store-amsterdam-000123`, each with a shop (webhooks + poll), a second source and two destinations. */
function agencyConfig(tenants: number): SynclineConfig {
  return SynclineConfig.parse({
    tenants: Array.from({ length: tenants }, (_, n) => {
      const shop = n % 2 === 0 ? 'shopify' : 'woocommerce';
      return {
        id: `fitness-store-amsterdam-${String(n).padStart(6, '0')}`,
        instances: [
          { id: `${shop}-main-store`, connector: shop, webhooks: true, pollEveryMinutes: 15, settings: {} },
          { id: 'klaviyo-newsletter', connector: 'klaviyo', webhooks: true, pollEveryMinutes: 60, push: true, settings: {} },
          { id: 'copernica-crm', connector: 'copernica', webhooks: true, push: true, settings: {} },
          { id: 'copernica-backup', connector: 'copernica', pollEveryMinutes: 1440, push: true, settings: {} },
        ],
      };
    }),
  });
}

/** IAM counts policy size without whitespace; CloudFormation intrinsics stand in for ARNs that are at least as long. */
const policyChars = (document: unknown) => JSON.stringify(document).replace(/\s/g, '').length;

interface StackFigures {
  name: string;
  template: Record<string, any>;
}

describe('a deploy of 200 tenants × 4 connector instances', () => {
  let synthesized: Synthesized;
  let stacks: StackFigures[];
  beforeAll(() => {
    synthesized = synth({ config: agencyConfig(200) });
    void synthesized.template;
    stacks = synthesized.app.node
      .findAll()
      .filter(Stack.isStack)
      .map((s) => ({ name: s.node.path, template: Template.fromStack(s).toJSON() }));
  });

  it('keeps every stack within CloudFormation’s resource, output, parameter, mapping and template-size quotas', () => {
    for (const { name, template } of stacks) {
      expect(Object.keys(template.Resources ?? {}).length, `resources of ${name}`).toBeLessThanOrEqual(LIMITS.resources);
      expect(Object.keys(template.Outputs ?? {}).length, `outputs of ${name}`).toBeLessThanOrEqual(LIMITS.outputs);
      expect(Object.keys(template.Parameters ?? {}).length, `parameters of ${name}`).toBeLessThanOrEqual(LIMITS.parameters);
      expect(Object.keys(template.Mappings ?? {}).length, `mappings of ${name}`).toBeLessThanOrEqual(LIMITS.mappings);
      expect(Buffer.byteLength(JSON.stringify(template)), `template size of ${name}`).toBeLessThanOrEqual(LIMITS.templateBytes);
    }
  });

  it('keeps every managed policy, every role’s inline policies and every trust policy within IAM’s default quotas', () => {
    const resources = stacks.flatMap(({ template }) => Object.entries(template.Resources as Record<string, any>));
    const inline = new Map<string, number>();
    for (const [id, resource] of resources) {
      if (resource.Type === 'AWS::IAM::ManagedPolicy')
        expect(policyChars(resource.Properties.PolicyDocument), `managed policy ${id}`).toBeLessThanOrEqual(LIMITS.managedPolicyChars);
      if (resource.Type === 'AWS::IAM::Policy') {
        for (const role of resource.Properties.Roles ?? []) {
          const key = JSON.stringify(role);
          inline.set(key, (inline.get(key) ?? 0) + policyChars(resource.Properties.PolicyDocument));
        }
      }
      if (resource.Type === 'AWS::IAM::Role') {
        expect(policyChars(resource.Properties.AssumeRolePolicyDocument), `trust policy of ${id}`).toBeLessThanOrEqual(
          LIMITS.trustPolicyChars,
        );
        for (const policy of resource.Properties.Policies ?? []) {
          const key = JSON.stringify({ Ref: id });
          inline.set(key, (inline.get(key) ?? 0) + policyChars(policy.PolicyDocument));
        }
      }
    }
    expect(inline.size).toBeGreaterThan(0);
    for (const [role, chars] of inline) expect(chars, `inline policies of ${role}`).toBeLessThanOrEqual(LIMITS.inlineRolePolicyChars);
  });

  it('still schedules every poll at its instance’s interval and every tenant’s sweep', () => {
    const inputs = stacks.flatMap(({ template }) =>
      Object.values(template.Resources as Record<string, any>)
        .filter((r) => r.Type === 'AWS::Scheduler::Schedule')
        .map((r) => `${r.Properties.ScheduleExpression} ${r.Properties.Target.Input}`),
    );
    expect(inputs).toContain(
      `rate(15 minutes) ${JSON.stringify({ tenantId: 'fitness-store-amsterdam-000123', instanceId: 'woocommerce-main-store' })}`,
    );
    expect(inputs).toContain(
      `rate(1 day) ${JSON.stringify({ tenantId: 'fitness-store-amsterdam-000199', instanceId: 'copernica-backup' })}`,
    );
    expect(inputs.filter((i) => i.includes('"instanceId"'))).toHaveLength(200 * 3);
    expect(inputs.filter((i) => i.includes('"tenantId"') && !i.includes('"instanceId"'))).toHaveLength(200);
    // One resync schedule for the stage, whatever the number of tenants.
    expect(inputs.filter((i) => !i.includes('"tenantId"'))).toEqual(['rate(15 minutes) {}']);
  });
});
