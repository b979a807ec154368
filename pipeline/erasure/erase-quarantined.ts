// An erased person's quarantined deliveries go too: their raw bodies hold the e-mail and the rest, kept 30 days, and a
// replay after a parser fix would bring the person back (issue 16 item 1).
import type { Identifier } from '../../core/identifiers.js';
import type { QuarantineStore } from '../../core/ports.js';

/** Entries read per erasure; the quarantine holds rejected deliveries of 30 days, which stays far below this. */
const MAX_ENTRIES = 1_000;

/**
 * Removes the tenant's quarantined deliveries whose body, URL or reason names one of the identifiers' values.
 * A short customer id only counts as a whole token, so that an id such as 12 does not match every body.
 */
export async function eraseQuarantined(store: QuarantineStore, tenantId: string, identifiers: readonly Identifier[]): Promise<number> {
  const patterns = [...new Set(identifiers.map((id) => id.value.trim().toLowerCase()).filter((v) => v.length > 0))].flatMap((value) => {
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const forms = [new RegExp(`(?<![\\w.+-])${escaped}(?![\\w-])`)];
    // A phone number in E.164 is also found without its + (a vendor's "31612345678").
    if (/^\+\d+$/.test(value)) forms.push(new RegExp(`(?<!\\d)${escaped.slice(2)}(?!\\d)`));
    return forms;
  });
  if (patterns.length === 0) return 0;
  let removed = 0;
  for (const entry of await store.list(tenantId, MAX_ENTRIES)) {
    const text = [Buffer.from(entry.request.bodyBase64, 'base64').toString('utf8'), entry.request.url, entry.reason]
      .join('\n')
      .toLowerCase();
    if (!patterns.some((p) => p.test(text))) continue;
    await store.remove(tenantId, entry.id);
    removed++;
  }
  return removed;
}
