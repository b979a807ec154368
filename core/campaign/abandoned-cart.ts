// Abandoned carts: a cart or checkout with no order within the window. Modelled as projected fields that appear
// once the window has passed and disappear when the order comes, so the push diff sends each change exactly once.
import type { Profile } from '../profile.js';
import type { CartRecord } from '../profile.js';
import type { AbandonedCartRules } from './config.js';
import { countedOrders, DAY_MS, openCarts } from './orders.js';

export interface AbandonedCart {
  cart: CartRecord;
  value: number;
  /** e.g. `1× Canon EOS R8 | 2× SD card 128GB`. */
  lines: string;
  /** The survey answer about why, normalised to a key of the follow-ups (`other` for anything else). */
  reason: string | null;
  followUp: string;
}

export function abandonedCart(profile: Profile, rules: AbandonedCartRules, now: Date): AbandonedCart | undefined {
  const cart = openCarts(profile).find((c) => c.lines.length > 0);
  if (!cart) return undefined;
  const ageMs = now.getTime() - Date.parse(cart.at);
  if (ageMs < rules.windowMinutes * 60_000 || ageMs > rules.maxAgeDays * DAY_MS) return undefined;
  // An order after the cart (in the shop or at the till) answers it, even without the checkout token.
  if (countedOrders(profile).some((o) => o.placedAt >= cart.at)) return undefined;
  const answer = profile.activity.find((a) => a.kind === 'survey.answered' && a.detail.question === rules.surveyQuestion && a.at >= cart.at)
    ?.detail.answer;
  const normalised = answer?.trim().toLowerCase();
  const reason = normalised === undefined ? null : normalised in rules.followUps ? normalised : 'other';
  return {
    cart,
    value: cart.total ?? Math.round(cart.lines.reduce((s, l) => s + l.price * l.quantity, 0) * 100) / 100,
    lines: cart.lines.map((l) => `${l.quantity}× ${l.name}`).join(' | '),
    reason,
    followUp: reason === null ? rules.noAnswer : (rules.followUps[reason] ?? rules.noAnswer),
  };
}
