// Vendor fields that have no canonical field (a loyalty tier, a store's own customer flags): the place a connector
// declares them. Declared only: they are not part of any canonical event yet, and nothing here gives them meaning;
// the pipeline's handling of custom attributes is built later (the seed-stories issue).

/** A custom attribute's value as read from the vendor: plain data, never an object graph. */
export type CustomAttributeValue = string | number | boolean | null;

/** Per vendor record (e.g. "customer", "order"): the vendor's field paths (dotted) to carry as custom attributes. */
export type CustomAttributes = Readonly<Record<string, readonly string[]>>;

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
