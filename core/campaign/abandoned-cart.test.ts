import { describe, expect, it } from 'vitest';
import { abandonedCart } from './abandoned-cart.js';
import { activity, build, config, DAY, NOW, order, line } from '../../test/support/campaign-profiles.js';

const rules = config().abandonedCart;
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
const cart = (at: string, id = 'c1') => ({
  type: 'cart.updated' as const,
  occurredAt: at,
  data: { cartId: id, currency: 'EUR', lines: [line('R8', 'cameras', 1899, 'Canon EOS R8')], recoveryUrl: 'https://shop.example/c1' },
});

describe('abandoned cart', () => {
  it('appears once the window has passed, not a minute before', () => {
    expect(abandonedCart(build(cart(minutesAgo(59))), rules, NOW)).toBeUndefined();
    expect(abandonedCart(build(cart(minutesAgo(60))), rules, NOW)).toMatchObject({
      value: 1899,
      lines: '1× Canon EOS R8',
      reason: null,
      followUp: 'reminder',
    });
  });

  it('disappears when the order comes, with its checkout token or any order after the cart', () => {
    expect(
      abandonedCart(build(cart(minutesAgo(120)), order(minutesAgo(30), [line('R8', 'cameras')], { checkoutToken: 'c1' })), rules, NOW),
    ).toBeUndefined();
    expect(
      abandonedCart(build(cart(minutesAgo(120)), order(minutesAgo(30), [line('X', 'other')], { channel: 'pos' })), rules, NOW),
    ).toBeUndefined();
    expect(
      abandonedCart(build(order(minutesAgo(300), [line('X', 'other')]), cart(minutesAgo(120))), rules, NOW),
      'an order before the cart does not answer it',
    ).toBeDefined();
  });

  it('goes stale after maxAgeDays', () => {
    expect(abandonedCart(build(cart(new Date(NOW.getTime() - 31 * DAY).toISOString())), rules, NOW)).toBeUndefined();
  });

  it('takes the survey answer given after the cart to choose the follow-up', () => {
    const answer = (a: string, at = minutesAgo(10)) => activity('survey.answered', at, { question: 'cart-abandon-reason', answer: a });
    expect(abandonedCart(build(cart(minutesAgo(120)), answer(' Price ')), rules, NOW)).toMatchObject({
      reason: 'price',
      followUp: 'alternatives',
    });
    expect(abandonedCart(build(cart(minutesAgo(120)), answer('supplier')), rules, NOW)).toMatchObject({
      reason: 'supplier',
      followUp: 'store',
    });
    expect(abandonedCart(build(cart(minutesAgo(120)), answer('too slow')), rules, NOW)).toMatchObject({
      reason: 'other',
      followUp: 'reminder',
    });
    expect(
      abandonedCart(build(cart(minutesAgo(120)), answer('price', minutesAgo(500))), rules, NOW),
      'an answer about an older cart',
    ).toMatchObject({ reason: null });
  });
});
