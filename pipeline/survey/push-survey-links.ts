// Adds the survey's answer links to what the push sends, for tenants with the survey on: the links need the tenant's
// key, which only the push (and the answer route) reads, so they are not part of the projection the merge compares.
import type { TenantConfig } from '../../core/config.js';
import type { FieldValue } from '../../core/destination.js';
import type { Profile } from '../../core/profile.js';
import { abandonedCart } from '../../core/campaign/abandoned-cart.js';
import { surveyLinkFields } from '../../core/campaign/survey/survey-links.js';
import type { Logger } from '../../connectors/sdk/index.js';

export interface SurveyLinkDeps {
  /** The tenant's survey key (survey-secret.ts). */
  secret(tenantId: string): Promise<Buffer | undefined>;
  /** The public URL of the answer route's API when the tenant sets no `survey.linkBaseUrl` (the stage's API URL). */
  baseUrl(): string | undefined;
}

/** The projection with every answer's link field; unchanged when the tenant has no survey, key or base URL. */
export async function withSurveyLinks(
  deps: SurveyLinkDeps | undefined,
  log: Logger,
  tenant: TenantConfig,
  profile: Profile,
  projected: Record<string, FieldValue>,
  now: Date,
): Promise<Record<string, FieldValue>> {
  const rules = tenant.campaigns.survey;
  if (!deps || !rules.enabled) return projected;
  const secret = await deps.secret(tenant.id);
  const baseUrl = rules.linkBaseUrl ?? deps.baseUrl();
  if (!secret || !baseUrl) {
    log.warn('survey is on but its links cannot be made', {
      tenantId: tenant.id,
      reason: secret ? 'no link base URL' : 'no survey secret',
    });
    return projected;
  }
  const cart = abandonedCart(profile, tenant.campaigns.abandonedCart, now);
  return { ...projected, ...surveyLinkFields(profile, cart, tenant.campaigns, { secret, baseUrl }) };
}
