// Square Loyalty → who bought at the register. A loyalty account is found by the buyer's phone number at the till;
// it names that number (`mapping.phone_number`), the customer profile Square keeps for it (`customer_id`), and its
// points. The account becomes a customer.upserted that joins those identifiers (and its points balance, as custom
// attributes); an order without a customer on which the buyer collected points gets the account's identifiers.
import type { EventDraft, Identifier } from '../sdk/index.js';
import { customerIdentifiers, utcTime, type MappingContext } from './mapping.js';
import type { LoyaltyAccount } from './schemas.js';

const present = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/** The account's identifiers: Square's customer id, the phone number, and the account itself as the loyalty id. */
export function loyaltyIdentifiers(account: LoyaltyAccount, context: MappingContext): Identifier[] {
  return [
    ...customerIdentifiers(context, { id: account.customer_id ?? null, phone: account.mapping?.phone_number ?? null }),
    { type: 'loyaltyId', value: account.id },
  ];
}

export function mapLoyaltyAccount(account: LoyaltyAccount, context: MappingContext): EventDraft[] {
  const time = account.updated_at ?? account.created_at;
  const at = present(time) ? utcTime(time, 'loyalty_account.updated_at') : context.now.toISOString();
  return [
    {
      type: 'customer.upserted',
      sourceEventId: `loyalty-account/${account.id}@${at}`.slice(0, 256),
      occurredAt: at,
      identifiers: loyaltyIdentifiers(account, context),
      data: {
        attributes: {
          ...(typeof account.balance === 'number' ? { loyalty_points: account.balance } : {}),
          ...(typeof account.lifetime_points === 'number' ? { loyalty_lifetime_points: account.lifetime_points } : {}),
        },
      },
    },
  ];
}
