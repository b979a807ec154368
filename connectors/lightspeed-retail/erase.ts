// Erasure at the source: delete the person's Lightspeed customer record (DELETE /customers/{id}, customers:write).
// Sales stay: they are the retailer's bookkeeping, and deleting the customer detaches them from the person.
import type { ConnectorContext, ErasureOutcome, ErasureSubject } from '../sdk/index.js';
import { LightspeedRetailClient, type RetailClientOptions } from './client.js';
import type { LightspeedRetailSecrets, LightspeedRetailSettings } from './config.js';

export async function eraseRetailCustomers(
  context: ConnectorContext<LightspeedRetailSettings, LightspeedRetailSecrets>,
  subjects: ErasureSubject[],
  options: RetailClientOptions = {},
): Promise<ErasureOutcome[]> {
  const client = new LightspeedRetailClient(context.settings, context.secrets, options);
  const outcomes: ErasureOutcome[] = [];
  for (const subject of subjects) {
    const ids = subject.identifiers.filter((id) => id.type === `customerId:${context.instance}`).map((id) => id.value);
    // Without this store's customer id there is nothing of ours to delete (search by e-mail could hit a namesake).
    if (ids.length === 0) {
      outcomes.push({ profileId: subject.profileId, status: 'unsupported' });
      continue;
    }
    try {
      for (const id of ids) if (!context.settings.anonymousCustomerIds.includes(id)) await client.deleteCustomer(id);
      context.log.info('lightspeed-retail erasure', { customers: ids.length });
      outcomes.push({ profileId: subject.profileId, status: 'confirmed' });
    } catch (error) {
      outcomes.push({
        profileId: subject.profileId,
        status: 'failed',
        reason: error instanceof Error ? error.message.slice(0, 300) : 'unknown error',
      });
    }
  }
  return outcomes;
}
