// The one config file (syncline.config.json) that the local runtime and the CDK stack both read.
import * as z from 'zod';
import { CampaignConfig } from './campaign/config.js';
import { IdentityRules } from './identity/rules.js';

const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes');

export const InstanceConfig = z.object({
  id: Slug,
  /** Name of an installed connector (connectors/<name>). */
  connector: z.string(),
  /** Connector-specific settings, validated by the connector's own schema when loaded. */
  settings: z.record(z.string(), z.unknown()).default({}),
  webhooks: z.boolean().default(false),
  /** Poll every N minutes; omitted: no polling. */
  pollEveryMinutes: z.number().int().min(1).max(1440).optional(),
  /** Destinations: push merged profiles to this instance. */
  push: z.boolean().default(false),
});
export type InstanceConfig = z.infer<typeof InstanceConfig>;

export const TenantConfig = z
  .object({
    id: Slug,
    /** Calling code assumed for national phone numbers when comparing field values (31 = the Netherlands); never for identifiers. */
    defaultCountryCode: z
      .string()
      .regex(/^[1-9]\d{0,2}$/)
      .default('31'),
    /** Instances whose values win a tie on event time, most trusted first. */
    sourcePriority: z.array(Slug).default([]),
    /** Which identifiers match people, their priority and limits, and values that never match (core/identity/rules.ts). */
    identity: IdentityRules,
    instances: z.array(InstanceConfig).min(1),
    /** Segments, traits, abandoned carts, cross-sell, control groups and field mapping (core/campaign/config.ts). */
    campaigns: CampaignConfig,
  })
  .superRefine((tenant, ctx) => {
    const seen = new Set<string>();
    for (const instance of tenant.instances) {
      if (seen.has(instance.id))
        ctx.addIssue({ code: 'custom', message: `instance "${instance.id}" appears twice in tenant "${tenant.id}"` });
      seen.add(instance.id);
    }
    const campaigns = new Set<string>();
    for (const campaign of tenant.campaigns.campaigns) {
      if (campaigns.has(campaign.id))
        ctx.addIssue({ code: 'custom', message: `campaign "${campaign.id}" appears twice in tenant "${tenant.id}"` });
      campaigns.add(campaign.id);
    }
    for (const instance of Object.keys(tenant.campaigns.fieldMapping)) {
      if (!seen.has(instance))
        ctx.addIssue({
          code: 'custom',
          message: `campaigns.fieldMapping names instance "${instance}", which tenant "${tenant.id}" does not have`,
        });
    }
  });
export type TenantConfig = z.infer<typeof TenantConfig>;

export const SynclineConfig = z
  .object({
    tenants: z.array(TenantConfig).min(1),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    for (const tenant of config.tenants) {
      if (seen.has(tenant.id)) ctx.addIssue({ code: 'custom', message: `tenant "${tenant.id}" appears twice` });
      seen.add(tenant.id);
    }
  });
export type SynclineConfig = z.infer<typeof SynclineConfig>;

export function findInstance(
  config: SynclineConfig,
  tenantId: string,
  instanceId: string,
): { tenant: TenantConfig; instance: InstanceConfig } | undefined {
  const tenant = config.tenants.find((t) => t.id === tenantId);
  const instance = tenant?.instances.find((i) => i.id === instanceId);
  return tenant && instance ? { tenant, instance } : undefined;
}

/** Higher number wins; instances not listed rank lowest. */
export function sourcePriority(tenant: TenantConfig, instance: string): number {
  const index = tenant.sourcePriority.indexOf(instance);
  return index < 0 ? 0 : tenant.sourcePriority.length - index;
}
