// Turns a connector's event draft into a canonical event: the pipeline, not the connector, decides tenant and source.
import { CanonicalEvent, type EventDraft } from '../core/events.js';
import { PayloadInvalid } from '../connectors/sdk/errors.js';

/** How far a vendor's clock may run ahead of ours before its time is not believed. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** Vendor times inside event data that order changes or count as recency. */
const DATA_TIMES = ['placedAt', 'createdAt', 'completedAt'] as const;

/**
 * A time later than receipt plus the skew is the receipt time instead, recorded in `clamped`: an event dated in 2099
 * (a wrong clock, or anyone holding Mailchimp's callback URL) would otherwise win every later change of its fields.
 */
function clampFutureTimes(draft: EventDraft, receivedAt: Date): { draft: EventDraft; clamped?: Record<string, string> } {
  const limit = receivedAt.getTime() + MAX_CLOCK_SKEW_MS;
  const late = (value: unknown): value is string => typeof value === 'string' && Date.parse(value) > limit;
  const clamped: Record<string, string> = {};
  const now = receivedAt.toISOString();
  let out = draft;
  if (late(draft.occurredAt)) {
    clamped.occurredAt = new Date(draft.occurredAt).toISOString();
    out = { ...out, occurredAt: now };
  }
  const data = draft.data as Record<string, unknown>;
  for (const key of DATA_TIMES) {
    const value = data[key];
    if (!late(value)) continue;
    clamped[`data.${key}`] = new Date(value).toISOString();
    out = { ...out, data: { ...(out.data as Record<string, unknown>), [key]: now } } as EventDraft;
  }
  return Object.keys(clamped).length === 0 ? { draft } : { draft: out, clamped };
}

export function completeEvents(
  drafts: readonly EventDraft[],
  envelope: { tenantId: string; connector: string; instance: string; receivedAt: Date },
): CanonicalEvent[] {
  return drafts.map((original) => {
    const { draft, clamped } = clampFutureTimes(original, envelope.receivedAt);
    const result = CanonicalEvent.safeParse({
      ...draft,
      ...(clamped ? { clamped } : {}),
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
