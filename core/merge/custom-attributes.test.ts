import { describe, expect, it } from 'vitest';
import { InMemoryProfileRepository } from '../identity/in-memory-profile-repository.js';
import type { CanonicalEvent } from '../events.js';
import type { Profile } from '../profile.js';
import { projectProfile } from '../projection.js';
import { selectFields, destinationName } from '../campaign/field-mapping.js';
import { DestinationFieldMapping } from '../campaign/config.js';
import { event, tenant } from '../../test/support/events.js';
import { mergeEvent } from './merge-service.js';
import { CUSTOM_ATTRIBUTE_LIMIT } from './custom-attributes.js';

const ANNA = [{ type: 'email' as const, value: 'anna@example.com' }];
const POS = { connector: 'lightspeed-retail', instance: 'pos' } as const;

function withAttributes(id: string, at: string, attributes: Record<string, string | number | boolean | null>): CanonicalEvent {
  return event({
    type: 'customer.upserted',
    source: POS,
    sourceEventId: id,
    occurredAt: at,
    identifiers: ANNA,
    data: { email: 'anna@example.com', attributes },
  });
}

async function merged(events: readonly CanonicalEvent[]): Promise<Profile> {
  const repo = new InMemoryProfileRepository();
  for (const e of events) await mergeEvent({ profiles: repo, newProfileId: () => 'p1' }, tenant(), e);
  const [profile] = repo.liveProfiles('acme');
  if (profile === undefined) throw new Error('no profile was stored');
  return profile;
}

describe('custom attributes on the profile', () => {
  it('keeps a vendor field with no canonical place on the profile with its source and time, and projects it', async () => {
    const profile = await merged([withAttributes('c1', '2026-11-20T10:00:00Z', { shoeSize: '43', loyalty_balance: 120 })]);
    expect(profile.fields.custom_shoeSize).toMatchObject({ value: '43', source: 'pos', at: '2026-11-20T10:00:00.000Z', eventId: 'c1' });
    expect(projectProfile(profile)).toMatchObject({ custom_shoeSize: '43', custom_loyalty_balance: 120 });
  });

  it('lets the later report of an attribute win whatever order they arrive in, and leaves the others alone', async () => {
    const older = withAttributes('c1', '2026-11-20T10:00:00Z', { loyalty_balance: 120, shoeSize: '43' });
    const newer = withAttributes('c2', '2026-11-21T10:00:00Z', { loyalty_balance: 80 });
    for (const order of [
      [older, newer],
      [newer, older],
    ]) {
      const projected = projectProfile(await merged(order));
      expect(projected).toMatchObject({ custom_loyalty_balance: 80, custom_shoeSize: '43' });
    }
  });

  it('keeps at most the limit of custom attributes per profile, the same ones whatever the arrival order', async () => {
    const many = (from: number) =>
      Object.fromEntries(Array.from({ length: CUSTOM_ATTRIBUTE_LIMIT }, (_, i) => [`a${String(from + i).padStart(3, '0')}`, i]));
    const first = withAttributes('c1', '2026-11-20T10:00:00Z', many(10));
    const second = withAttributes('c2', '2026-11-20T11:00:00Z', many(0));
    const a = await merged([first, second]);
    const b = await merged([second, first]);
    const names = (p: Profile) =>
      Object.keys(p.fields)
        .filter((f) => f.startsWith('custom_'))
        .sort();
    expect(names(a)).toHaveLength(CUSTOM_ATTRIBUTE_LIMIT);
    expect(names(a)).toEqual(names(b));
    expect(names(a)[0]).toBe('custom_a000');
  });

  it('caps a long attribute value like any other field value', async () => {
    const profile = await merged([withAttributes('c1', '2026-11-20T10:00:00Z', { note: 'x'.repeat(1_000) })]);
    expect(String(profile.fields.custom_note?.value).length).toBeLessThanOrEqual(1_000);
  });

  it('is pushed under the name the field mapping gives it, or left out where the mapping says so', () => {
    const fields = { email: 'anna@example.com', custom_shoeSize: '43', custom_year_to_date: 12 };
    const mapping = DestinationFieldMapping.parse({ fields: { custom_shoeSize: 'SHOE_SIZE', custom_year_to_date: null } });
    const selected = selectFields(fields, mapping);
    expect(Object.keys(selected).map((name) => destinationName(name, mapping))).toEqual(['email', 'SHOE_SIZE']);
  });
});
