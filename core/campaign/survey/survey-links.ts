// The one-click answer links of the abandoned-cart mail, as fields pushed with the cart: one per answer,
// `abandonedCartAnswer<Answer>Url`, each `<base>/r/{tenant}/{token}` with a sealed token (survey-token.ts).
import type { FieldValue } from '../../destination.js';
import type { Identifier } from '../../identifiers.js';
import type { Profile } from '../../profile.js';
import type { AbandonedCart } from '../abandoned-cart.js';
import type { CampaignConfig } from '../config.js';
import { sealSurveyAnswer } from './survey-token.js';

const DAY_SECONDS = 86_400;

export const answerField = (answer: string): string => `abandonedCartAnswer${answer[0]!.toUpperCase()}${answer.slice(1)}Url`;

/** The identifier the answer comes back by: the least personal one that still finds the person (never a cookie). */
export function answerReference(profile: Profile): Identifier | undefined {
  const rank = (type: string) => (type.startsWith('customerId:') ? 0 : ['loyaltyId', 'email', 'phone'].indexOf(type) + 1 || 99);
  const best = [...profile.identifiers].sort((a, b) => rank(a.type) - rank(b.type))[0];
  return best && rank(best.type) < 99 ? { type: best.type, value: best.value } : undefined;
}

/**
 * Every answer's link for the person's abandoned cart, or every field blank (no cart, nobody to answer as).
 * Deterministic: the same cart gives the same links, so the push diff sends them once.
 */
export function surveyLinkFields(
  profile: Profile,
  cart: AbandonedCart | undefined,
  campaigns: CampaignConfig,
  link: { secret: Buffer; baseUrl: string },
): Record<string, FieldValue> {
  const rules = campaigns.survey;
  const ref = cart ? answerReference(profile) : undefined;
  const base = link.baseUrl.replace(/\/+$/, '');
  const out: Record<string, FieldValue> = {};
  for (const answer of rules.answers) {
    if (!cart || !ref) {
      out[answerField(answer)] = null;
      continue;
    }
    const expires = Math.floor(Date.parse(cart.cart.at) / 1000) + rules.linkValidDays * DAY_SECONDS;
    const token = sealSurveyAnswer(link.secret, profile.tenantId, {
      ref,
      question: campaigns.abandonedCart.surveyQuestion,
      answer,
      cartId: cart.cart.cartId,
      expires,
    });
    out[answerField(answer)] = `${base}/r/${encodeURIComponent(profile.tenantId)}/${token}`;
  }
  return out;
}
