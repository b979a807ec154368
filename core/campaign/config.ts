// The per-tenant `campaigns` section of the config: thresholds, windows, seasons, rules, holdouts, field mapping.
// Every key has a default, so a tenant without the section gets the rules of DESIGN.md ("What campaigns need").
import * as z from 'zod';
import { SurveyRules } from './survey/survey-config.js';

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes');
const MonthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'MM-DD');

export const SegmentRules = z
  .object({
    /** First order at most this many days ago. */
    newWithinDays: z.number().int().min(1).default(30),
    repeatMinOrders: z.number().int().min(2).default(2),
    /** Loyal: recency, frequency and monetary score each at least this (scores 1–5 from the tenant's quintiles). */
    loyalMinScore: z.number().int().min(1).max(5).default(4),
    /** Lapsed: no order for longer than this many times the customer's own average interval… */
    lapsedIntervalMultiplier: z.number().min(1).default(2),
    /** …but never sooner than this (a weekly buyer is not lapsed after 15 days of holiday)… */
    lapsedMinDays: z.number().int().min(1).default(30),
    /** …and, for one-order customers (no interval yet), after this many days. */
    lapsedDefaultDays: z.number().int().min(1).default(120),
    /** Engaged: an open or click within this many days. */
    engagedWithinDays: z.number().int().min(1).default(90),
    /** Unengaged: at least this many mails sent within the engagement window and no open or click. */
    unengagedMinSent: z.number().int().min(1).default(3),
    /** One-category buyers: bought a category, never the other (e.g. coffee but no coffee machine). */
    oneCategory: z.array(z.object({ id: Id, bought: z.string().min(1), never: z.string().min(1) })).default([]),
  })
  .prefault({});
export type SegmentRules = z.infer<typeof SegmentRules>;

export const AbandonedCartRules = z
  .object({
    /** A cart or checkout with no order for this long is abandoned. */
    windowMinutes: z.number().int().min(1).default(60),
    /** After this long the cart is stale and no longer offered to a campaign. */
    maxAgeDays: z.number().int().min(1).default(30),
    /** survey.answered question that asks why the cart was left. */
    surveyQuestion: z.string().default('cart-abandon-reason'),
    /**
     * Follow-up path per reason; any other answer maps to `other`, no answer to `noAnswer`. The seed's: price doubts →
     * comparable alternatives, product doubts → other customers' reviews, doubts about the shop → the nearest store
     * (their content: core/campaign/survey/follow-up.ts).
     */
    followUps: z
      .record(z.string(), z.string())
      .default({ price: 'alternatives', product: 'reviews', supplier: 'store', other: 'reminder' }),
    noAnswer: z.string().default('reminder'),
  })
  .prefault({});
export type AbandonedCartRules = z.infer<typeof AbandonedCartRules>;

const ConflictRule = z.object({
  /** Why, in the reason a destination may show, e.g. "lactose-free". */
  id: Id,
  /** The person bought (any time) a product of this category… */
  boughtCategory: z.string().min(1),
  /** …so never suggest products of these categories. */
  excludeCategories: z.array(z.string().min(1)).min(1),
});
export type ConflictRule = z.infer<typeof ConflictRule>;

export const CrossSellRules = z
  .object({
    max: z.number().int().min(0).max(5).default(3),
    /** Never suggest what was bought this recently… */
    recentDays: z.number().int().min(0).default(90),
    /** …per product, or the whole category (a fridge buyer needs no second fridge). */
    recentExclusion: z.enum(['product', 'category']).default('category'),
    /** Categories viewed or searched this recently lead the suggestions. */
    behaviourDays: z.number().int().min(1).default(14),
    /** Fewest customers who bought both before a pair counts as "bought together". */
    minCoPurchases: z.number().int().min(1).default(2),
    conflicts: z.array(ConflictRule).default([]),
  })
  .prefault({});
export type CrossSellRules = z.infer<typeof CrossSellRules>;

export const GiftSeason = z.object({ id: Id, from: MonthDay, to: MonthDay });
export type GiftSeason = z.infer<typeof GiftSeason>;

export const JobDefinition = z.object({
  /** The job as destinations and the website receive it, e.g. "bathroom-renovation". */
  id: Id,
  /** Product categories that point to the job (compared ignoring case). */
  categories: z.array(z.string().min(1)).min(1),
});
export type JobDefinition = z.infer<typeof JobDefinition>;

/** The next job (core/campaign/next-job.ts): which configured job the recent behaviour and purchases point to. */
export const JobRules = z
  .object({
    jobs: z.array(JobDefinition).default([]),
    /** Only views, searches and purchases of the last this many days count. */
    windowDays: z.number().int().min(1).max(365).default(42),
    /** A signal weighs half for every this many whole days of age (steps, so the field changes at known times). */
    halfLifeDays: z.number().int().min(1).default(7),
    weights: z
      .object({ view: z.number().min(0).default(1), search: z.number().min(0).default(2), purchase: z.number().min(0).default(3) })
      .prefault({}),
    /** Below this confidence no job is named. */
    minConfidence: z.number().min(0).max(1).default(0.3),
  })
  .prefault({});
export type JobRules = z.infer<typeof JobRules>;

export const CampaignDefinition = z.object({
  id: Id,
  /** Share of the audience held out as the control group (0–0.5). */
  controlShare: z.number().min(0).max(0.5).default(0.1),
  /** The projected field whose change to a truthy value means this campaign contacts the person (frequency cap). */
  trigger: z.string().optional(),
  /** Uplift report: audience at the start (a segment field, e.g. segmentLapsed), the start and the window measured. */
  audience: z.string().optional(),
  startsAt: z.iso.datetime({ offset: true }).optional(),
  measureDays: z.number().int().min(1).default(30),
  /**
   * What the control group gets: `no-mail` (the default: left out of the campaign, so only orders can be compared) or `generic-mail`
   * (the same mail without the personalised content, as Praxis measured: opens and clicks can be compared too).
   */
  holdout: z.enum(['no-mail', 'generic-mail']).optional(),
  /** Projected fields the holdout receives empty (e.g. nextJob), so its mail falls back to the generic content. */
  personalises: z.array(z.string().min(1)).optional(),
  /** The email platform's campaign names or tags (email.engaged `campaign`) whose opens and clicks count; empty: every mail. */
  mails: z.array(z.string().min(1)).optional(),
});
export type CampaignDefinition = z.infer<typeof CampaignDefinition>;

export const DestinationFieldMapping = z
  .object({
    /** Projected field → the destination's field name; null leaves the field out. */
    fields: z.record(z.string(), z.string().min(1).nullable()).default({}),
    /** Only the fields named in `fields` (plus e-mail and consent) are sent. */
    only: z.boolean().default(false),
  })
  .superRefine((mapping, ctx) => {
    for (const name of Object.keys(mapping.fields)) {
      // The push keeps consent fields under their own names: a withdrawal must reach the destination.
      if (name.startsWith('consent')) ctx.addIssue({ code: 'custom', message: `consent field "${name}" cannot be renamed or left out` });
    }
  });
export type DestinationFieldMapping = z.infer<typeof DestinationFieldMapping>;

export const CampaignConfig = z
  .object({
    segments: SegmentRules,
    abandonedCart: AbandonedCartRules,
    crossSell: CrossSellRules,
    /** One-click answers in the abandoned-cart mail and their follow-ups' content (core/campaign/survey/). */
    survey: SurveyRules,
    nextJob: JobRules,
    /** Purchases of a never-bought category in these periods (inclusive, MM-DD) go to the secondary profile. */
    giftSeasons: z.array(GiftSeason).default([
      { id: 'sinterklaas', from: '11-15', to: '12-05' },
      { id: 'christmas', from: '12-06', to: '12-24' },
    ]),
    campaigns: z.array(CampaignDefinition).default([]),
    frequency: z.object({ windowDays: z.number().int().min(1).max(365).default(30) }).prefault({}),
    /** Per destination instance id. */
    fieldMapping: z.record(z.string(), DestinationFieldMapping).default({}),
    /** Fields for personalisation or profiling travel only with that purpose's consent (besides the destination's own). */
    purposeConsent: z.boolean().default(true),
    sweepEveryMinutes: z.number().int().min(1).max(1440).default(15),
    /**
     * How old the tenant stats (RFM quintiles, co-purchases) may grow before a sweep recounts them by reading every
     * profile of the tenant (issue 20); the sweeps in between read only the profiles due. Default daily.
     */
    statsEveryMinutes: z.number().int().min(1).max(10_080).default(1440),
  })
  .prefault({});
export type CampaignConfig = z.infer<typeof CampaignConfig>;
