// Turns a connector's event draft into a canonical event: the pipeline, not the connector, decides tenant and source.
import { CanonicalEvent, type EventDraft } from '../core/events.js';
import { PayloadInvalid } from '../connectors/sdk/errors.js';

export function completeEvents(
  drafts: readonly EventDraft[],
  envelope: { tenantId: string; connector: string; instance: string; receivedAt: Date },
): CanonicalEvent[] {
  return drafts.map((draft) => {
    const result = CanonicalEvent.safeParse({
      ...draft,
      tenantId: envelope.tenantId,
      source: { connector: envelope.connector, instance: envelope.instance },
      receivedAt: envelope.receivedAt.toISOString(),
    });
    if (!result.success) {
      throw new PayloadInvalid(
        `connector ${envelope.connector} produced an invalid ${draft.type} event`,
        result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      );
    }
    return result.data;
  });
}
