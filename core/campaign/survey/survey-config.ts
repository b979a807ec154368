// The per-tenant `campaigns.survey` section: the one-click "why did you leave your cart?" answers in the abandoned-cart
// mail, where their links lead, and what the follow-ups need (review pages, stores).
import * as z from 'zod';

/** The tenant's survey key is the secret of this reserved instance name (`syncline/<stage>/<tenant>/survey`). */
export const SURVEY_SECRET_INSTANCE = 'survey';

const AnswerId = z.string().regex(/^[a-z][a-z0-9]{0,23}$/, 'lower-case letters and digits, starting with a letter');

export const SurveyStore = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes'),
  name: z.string().min(1),
  city: z.string().min(1),
  /** Compared by its digits with the customer's postal code when no store is in the customer's city (Dutch 4-digit areas). */
  postalCode: z.string().min(1),
  url: z.url().optional(),
  /**
   * The till of this store: the connector instance (a Lightspeed Retail shop or Square location set up as an instance
   * of its own) whose sales are made here. A person's last in-store purchase then names the store they know.
   */
  tillInstance: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .optional(),
});
export type SurveyStore = z.infer<typeof SurveyStore>;

export const SurveyRules = z
  .object({
    /** Links are pushed only when on, and only with the tenant's survey key (secret `<tenant>/survey`). */
    enabled: z.boolean().default(false),
    /** One link per answer; each answer id is a key of `abandonedCart.followUps`. */
    answers: z.array(AnswerId).min(1).max(6).default(['price', 'product', 'supplier']),
    /** Where a followed link sends the person (303); without it syncline answers with its own short thank-you page. */
    thankYouUrl: z.url().optional(),
    /** The public base URL of syncline's API (`https://…/`): the links are `<base>/r/{tenant}/{token}`. Default: the stage's API URL. */
    linkBaseUrl: z.url().optional(),
    /** How long a link stays valid after the cart was left. */
    linkValidDays: z.number().int().min(1).max(90).default(30),
    /** The product's review page for "product doubts": `{sku}` and `{productId}` are filled in from the cart line. */
    reviewUrl: z
      .string()
      .regex(/^https:\/\/.*\{(sku|productId)\}/, 'an https URL with {sku} or {productId} in it')
      .optional(),
    /** The shop's own stores for "doubts about the shop": try or borrow it in the nearest one. */
    stores: z.array(SurveyStore).default([]),
    /** Comparable alternatives offered for "price doubts". */
    alternatives: z.number().int().min(0).max(5).default(3),
  })
  .prefault({});
export type SurveyRules = z.infer<typeof SurveyRules>;
