// What GET /personalize tells the website's next page about a visitor: segments, cross-sell suggestions, the open
// cart with its survey follow-up, and the likely next job. Computed through the campaign functions, with no personal
// data in it (no e-mail, name, address, or any id but product SKUs), so a page may cache and show it.
import type { CampaignConfig } from '../campaign/config.js';
import { abandonedCart } from '../campaign/abandoned-cart.js';
import { suggestCrossSell } from '../campaign/cross-sell.js';
import { countedOrders, openCarts, productKey } from '../campaign/orders.js';
import { rfmScore } from '../campaign/rfm.js';
import { computeSegments } from '../campaign/segments.js';
import type { TenantStats } from '../campaign/tenant-stats.js';
import { computeTraits } from '../campaign/traits.js';
import { inHoldout } from '../campaign/control-group.js';
import { nextJob } from '../campaign/next-job.js';
import type { CatalogView } from '../campaign/comparable-alternatives.js';
import type { NextJob, Profile } from '../profile.js';

export interface PersonalizeSuggestion {
  sku: string;
  name: string;
  /** e.g. `searched:drills`, `bought-with:Shaker 600ml` (core/campaign/cross-sell.ts). */
  reason: string;
}

export interface PersonalizeCart {
  lines: { sku: string; name: string; quantity: number; price: number }[];
  value: number;
  currency: string | null;
  /** The survey answer about why the cart was left, normalised (`price`, `product`, …); null without one. */
  reason: string | null;
  /** The follow-up path for that reason once the cart counts as abandoned (core/campaign/abandoned-cart.ts); null before. */
  followUp: string | null;
}

export interface PersonalizeAnswer {
  segments: string[];
  suggestions: PersonalizeSuggestion[];
  cart: PersonalizeCart | null;
  /** The DIY job the recent behaviour points to (core/campaign/next-job.ts): its id, reason (categories only) and confidence. */
  nextJob: NextJob | null;
}

export interface PersonalizeContext {
  campaigns: CampaignConfig;
  now: Date;
  /** The tenant stats of the last sweep: without them there are no suggestions (as in the pushed fields). */
  stats?: TenantStats | undefined;
  /** The catalog's products in the categories this visitor looks for (core/campaign/catalog-view.ts), as in the pushes. */
  catalog?: CatalogView | undefined;
}

/** The answer for a visitor syncline does not know, or who did not consent: the same shape, nothing in it. */
export const EMPTY_ANSWER: PersonalizeAnswer = Object.freeze({ segments: [], suggestions: [], cart: null, nextJob: null });

/**
 * The visitor's answer. With the tenant's purpose consent on (the default), a profile without `personalisation`
 * consent gets the empty answer, and the loyal segment (an RFM score) needs `profiling` consent as in the pushes.
 */
export function personalizeAnswer(profile: Profile | undefined, context: PersonalizeContext): PersonalizeAnswer {
  if (!profile) return EMPTY_ANSWER;
  const { campaigns: config, now, stats, catalog } = context;
  const consentFor = (purpose: 'personalisation' | 'profiling') => !config.purposeConsent || profile.consent[purpose]?.granted === true;
  if (!consentFor('personalisation')) return EMPTY_ANSWER;

  const traits = computeTraits(profile, config);
  const rfm = consentFor('profiling') ? rfmScore(traits, stats?.rfm) : undefined;
  const segments = computeSegments(profile, traits, rfm, config.segments, now);
  const named = (['new', 'repeat', 'loyal', 'lapsed', 'engaged', 'unengaged'] as const).filter((s) => segments[s]);
  // A generic-mail control group sees the site without what its campaign personalises, as it gets the mail without it.
  const held = new Set(
    config.campaigns
      .filter((c) => inHoldout(profile.tenantId, c.id, profile.profileId, c.controlShare))
      .flatMap((c) => c.personalises ?? []),
  );
  const suggestions = [...held].some((f) => f.startsWith('crossSell'))
    ? []
    : suggestCrossSell(profile, traits, stats, config.crossSell, now, catalog).map((s) => ({ sku: s.key, name: s.name, reason: s.reason }));
  return {
    segments: [...named, ...segments.oneCategory],
    suggestions,
    cart: currentCart(profile, config, now),
    nextJob: held.has('nextJob') ? null : nextJob(profile, traits, config.nextJob, now),
  };
}

/** The newest cart no order completed, as the site shows it; its follow-up once the abandoned-cart window has passed. */
function currentCart(profile: Profile, config: CampaignConfig, now: Date): PersonalizeCart | null {
  const cart = openCarts(profile).find((c) => c.lines.length > 0);
  // An order after the cart (in the shop or at the till) answers it, as for the abandoned-cart campaign.
  if (!cart || countedOrders(profile).some((o) => o.placedAt >= cart.at)) return null;
  const abandoned = abandonedCart(profile, config.abandonedCart, now);
  const same = abandoned?.cart.cartId === cart.cartId ? abandoned : undefined;
  return {
    lines: cart.lines.map((l) => ({ sku: productKey(l), name: l.name, quantity: l.quantity, price: l.price })),
    value: cart.total ?? Math.round(cart.lines.reduce((s, l) => s + l.price * l.quantity, 0) * 100) / 100,
    currency: cart.currency ?? null,
    reason: same?.reason ?? null,
    followUp: same ? same.followUp : null,
  };
}
