// Erasure at the source: delete the person's customer account in the shop (DELETE /customers/{id}.json).
// Orders stay: they are the merchant's bookkeeping.
import type { ConnectorContext, ErasureOutcome, ErasureSubject } from '../sdk/index.js';
import { LightspeedEcomClient, type EcomClientOptions } from './client.js';
import type { LightspeedEcomSecrets, LightspeedEcomSettings } from './config.js';

export async function eraseEcomCustomers(
  context: ConnectorContext<LightspeedEcomSettings, LightspeedEcomSecrets>,
  subjects: ErasureSubject[],
  options: EcomClientOptions = {},
): Promise<ErasureOutcome[]> {
  const client = new LightspeedEcomClient(context.settings, context.secrets, options);
  const outcomes: ErasureOutcome[] = [];
  for (const subject of subjects) {
    const ids = subject.identifiers
      .filter((id) => id.type === `customerId:${context.instance}` && /^\d+$/.test(id.value))
      .map((id) => id.value);
    // Without this shop's customer id there is nothing of ours to delete.
    if (ids.length === 0) {
      outcomes.push({ profileId: subject.profileId, status: 'unsupported' });
      continue;
    }
    try {
      for (const id of ids) await client.deleteCustomer(id);
      context.log.info('lightspeed-ecom erasure', { customers: ids.length });
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
