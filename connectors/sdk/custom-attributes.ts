// Vendor fields that have no canonical field (a points balance, a shoe size, a store's own customer flags): a
// connector declares the ones its vendor has, an instance may choose its own, and customer.upserted carries them
// as `attributes` to the profile, where they are kept with provenance (core/merge/custom-attributes.ts).
import * as z from 'zod';
import { CustomAttributeName } from '../../core/events.js';

/** A custom attribute's value as read from the vendor: plain data, never an object graph. */
export type CustomAttributeValue = string | number | boolean | null;

/** Per vendor record (e.g. "customer", "order"): the vendor's field paths (dotted) to carry as custom attributes. */
export type CustomAttributes = Readonly<Record<string, readonly string[]>>;

/**
 * An instance's choice, per vendor record: attribute name → the vendor's field path (`{ customer: { shoeSize:
 * 'custom_field_1' } }`). Absent for a record: every field the connector declares, named after its path.
 */
export const CustomAttributeSettings = z.record(z.string().min(1), z.record(CustomAttributeName, z.string().min(1).max(200)));
export type CustomAttributeSettings = z.infer<typeof CustomAttributeSettings>;

/** The declared fields of one vendor record, as plain data; fields absent or not plain values are left out. */
export function pickCustomAttributes(record: unknown, fields: readonly string[]): Record<string, CustomAttributeValue> {
  const picked: Record<string, CustomAttributeValue> = {};
  for (const path of fields) {
    let value: unknown = record;
    for (const key of path.split('.')) {
      value =
        value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) picked[path] = value as CustomAttributeValue;
  }
  return picked;
}

/** An attribute name from a vendor path: `tier.name` → `tier_name`. */
const nameOf = (path: string) =>
  path
    .replace(/[^A-Za-z0-9_]/g, '_')
    .replace(/^[^A-Za-z]+/, '')
    .slice(0, 40);

/**
 * The custom attributes of one vendor record by attribute name: the instance's choice when it made one, else every
 * declared field. An empty string is no value (null), so clearing a field at the vendor clears it on the profile.
 * Undefined when nothing is kept, so events of instances without custom attributes stay as they were.
 */
export function customAttributesOf(
  record: unknown,
  declared: readonly string[] | undefined,
  chosen: Readonly<Record<string, string>> | undefined,
): Record<string, CustomAttributeValue> | undefined {
  const byName = chosen ?? Object.fromEntries((declared ?? []).map((path) => [nameOf(path), path]));
  const out: Record<string, CustomAttributeValue> = {};
  for (const [name, path] of Object.entries(byName)) {
    if (!CustomAttributeName.safeParse(name).success) continue;
    const value = pickCustomAttributes(record, [path])[path];
    if (value !== undefined) out[name] = value === '' ? null : value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
