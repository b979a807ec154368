// The sites GET /personalize answers for: connector instances of the website source (the instance id is the site id
// in the route), with the origins of their settings and the customer-token secret of their instance secret.
import * as z from 'zod';
import type { SynclineConfig } from '../../core/config.js';
import type { SecretsProvider } from '../../core/ports.js';
import type { PersonalizeSite } from './personalize-visitor.js';

const WEBSITE_CONNECTOR = 'website';
const SiteSettings = z.object({ origins: z.array(z.string()).default([]) });
/** At least 32 characters: HMAC-SHA256 with a short secret can be brute-forced offline from one token. */
const SiteSecret = z.object({ personalizeSecret: z.string().min(32).optional() });

export function websiteSites(
  config: SynclineConfig,
  secrets: SecretsProvider,
): (tenantId: string, siteId: string) => Promise<PersonalizeSite | undefined> {
  return async (tenantId, siteId) => {
    const instance = config.tenants.find((t) => t.id === tenantId)?.instances.find((i) => i.id === siteId);
    if (instance?.connector !== WEBSITE_CONNECTOR) return undefined;
    const settings = SiteSettings.parse(instance.settings);
    const secret = SiteSecret.safeParse((await secrets.get(tenantId, siteId)) ?? {});
    return { origins: settings.origins, tokenSecret: secret.success ? secret.data.personalizeSecret : undefined };
  };
}
