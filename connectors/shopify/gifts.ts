// What a Shopify order says about being a gift: a note attribute the theme or a gift app collected at checkout
// (Shopify's order attributes are "custom key-value pairs … such as delivery instructions or gift messages", with
// no fixed key), and a shipping address in another person's name. Gift-card lines are flagged per line (mapping.ts).

/** Words that make a note attribute a gift attribute, matched in its name, case-insensitively (ShopifySettings). */
export const DEFAULT_GIFT_WORDS = ['gift', 'cadeau'];

/** Values that say "not a gift" in an attribute whose name says gift ("Gift wrap: no"). */
const NO = /^(false|no|nee|0|off|none|geen)$/i;

interface Attribute {
  name: string;
  value?: unknown;
}

/** Whether one of the order's note attributes names a gift and carries a value that is not a "no". */
export function hasGiftAttribute(attributes: readonly Attribute[] | null | undefined, words: readonly string[]): boolean {
  return (attributes ?? []).some(({ name, value }) => {
    const text = value === null || value === undefined ? '' : String(value).trim();
    return words.some((word) => name.toLowerCase().includes(word.toLowerCase())) && text !== '' && !NO.test(text);
  });
}

interface Named {
  name?: string | null | undefined;
  first_name?: string | null | undefined;
  last_name?: string | null | undefined;
}

const fullName = (n: Named | null | undefined): string | undefined => {
  const name = n?.name?.trim() || [n?.first_name, n?.last_name].filter((p) => p?.trim()).join(' ');
  const normalised = name
    ?.normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return normalised ? normalised : undefined;
};

/**
 * Whether the order ships to someone else: the shipping address's name differs from the buyer's (the billing
 * address's, else the customer's). Unknown (false) when either name is missing: a pickup has no shipping address.
 */
export function shipsToAnotherPerson(shipping: Named | null | undefined, ...buyer: (Named | null | undefined)[]): boolean {
  const recipient = fullName(shipping);
  const buyerName = buyer.map(fullName).find((n) => n !== undefined);
  return recipient !== undefined && buyerName !== undefined && recipient !== buyerName;
}
