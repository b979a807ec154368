// The one-click answer links of the abandoned-cart mail, as fields pushed with the cart: one per answer,
// `abandonedCartAnswer<Answer>Url`, each `<base>/r/{tenant}/{token}` with a sealed token (survey-token.ts).
import { createHash } from 'node:crypto';
import type { FieldValue } from '../../destination.js';
import type { Identifier } from '../../identifiers.js';
import type { Profile } from '../../profile.js';
import type { AbandonedCart } from '../abandoned-cart.js';
import type { CampaignConfig } from '../config.js';
import { sealSurveyAnswer } from './survey-token.js';

const DAY_SECONDS = 86_400;

export const answerField = (answer: string): string => `abandonedCartAnswer${answer[0]!.toUpperCase()}${answer.slice(1)}Url`;

/**
 * The longest link a destination's merge field takes whole: Mailchimp's text merge fields hold 255 characters
 * (Klaviyo's profile properties take far longer values), so every link is kept within it.
 */
export const MAX_LINK_LENGTH = 255;

/** The identifiers the answer may come back by, least personal first (never a cookie): a shop customer id, a loyalty card, e-mail, phone. */
export function answerReferences(profile: Profile): Identifier[] {
  const rank = (type: string) => (type.startsWith('customerId:') ? 0 : ['loyaltyId', 'email', 'phone'].indexOf(type) + 1 || 99);
  return [...profile.identifiers]
    .filter((i) => rank(i.type) < 99)
    .sort((a, b) => rank(a.type) - rank(b.type) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0))
    .map(({ type, value }) => ({ type, value }));
}

/**
 * Every answer's link for the person's abandoned cart, or every field blank (no cart, nobody to answer as, or no
 * identifier short enough for the links to fit MAX_LINK_LENGTH). Deterministic: the same cart gives the same links,
 * so the push diff sends them once.
 */
export function surveyLinkFields(
  profile: Profile,
  cart: AbandonedCart | undefined,
  campaigns: CampaignConfig,
  link: { secret: Buffer; baseUrl: string },
): Record<string, FieldValue> {
  const rules = campaigns.survey;
  const blank = Object.fromEntries(rules.answers.map((answer) => [answerField(answer), null]));
  if (!cart) return blank;
  const base = `${link.baseUrl.replace(/\/+$/, '')}/r/${encodeURIComponent(profile.tenantId)}/`;
  const expires = Math.floor(Date.parse(cart.cart.at) / 1000) + rules.linkValidDays * DAY_SECONDS;
  // A digest, not the id: it only tells one cart's links from the next, and every character counts against 255.
  const cartId = createHash('sha256').update(cart.cart.cartId).digest('base64url').slice(0, 8);
  for (const ref of answerReferences(profile)) {
    const links = rules.answers.map((answer) => {
      const claim = { ref, question: campaigns.abandonedCart.surveyQuestion, answer, cartId, expires };
      return [answerField(answer), `${base}${sealSurveyAnswer(link.secret, profile.tenantId, claim)}`] as const;
    });
    if (links.every(([, url]) => url.length <= MAX_LINK_LENGTH)) return Object.fromEntries(links);
  }
  return blank;
}
