// The campaign fields of the projection: traits, RFM, segments, abandoned cart, cross-sell and holdouts, flat.
import type { FieldValue } from '../destination.js';
import type { Profile } from '../profile.js';
import { abandonedCart } from './abandoned-cart.js';
import type { CatalogView } from './comparable-alternatives.js';
import type { CampaignConfig } from './config.js';
import { holdoutField, inHoldout } from './control-group.js';
import { suggestCrossSell } from './cross-sell.js';
import { nextJob } from './next-job.js';
import { daysBetween, productKey } from './orders.js';
import { rfmScore } from './rfm.js';
import { computeSegments } from './segments.js';
import type { TenantStats } from './tenant-stats.js';
import { computeTraits } from './traits.js';
import { followUpFields } from './survey/follow-up.js';

/** What the campaign fields depend on besides the profile: the tenant's rules, the clock and the tenant stats. */
export interface ProjectionContext {
  campaigns: CampaignConfig;
  now: Date;
  /** From the last sweep; without it RFM, loyal and cross-sell stay empty. */
  stats?: TenantStats | undefined;
  /**
   * The catalog's products of the categories the profile needs (core/campaign/catalog-view.ts): comparable products
   * for cross-sell and the price follow-up. Without it those come from the tenant stats' best sellers alone.
   */
  catalog?: CatalogView | undefined;
}

const list = (values: readonly string[]): string | null => (values.length > 0 ? values.join(',') : null);

export function campaignFields(profile: Profile, context: ProjectionContext): Record<string, FieldValue> {
  const { campaigns: config, now, stats, catalog } = context;
  const traits = computeTraits(profile, config);
  const rfm = rfmScore(traits, stats?.rfm);
  const segments = computeSegments(profile, traits, rfm, config.segments, now);
  const cart = abandonedCart(profile, config.abandonedCart, now);
  const out: Record<string, FieldValue> = {
    averageOrderValue: traits.averageOrderValue,
    averageIntervalDays: traits.averageIntervalDays,
    channels: list(traits.channels),
    categoriesBought: list(traits.categories),
    secondaryInterests: list(traits.secondaryCategories),
    giftSeasons: list(traits.giftSeasons),
    lastViewedCategory: traits.lastViewedCategory,
    lastSearchedCategory: traits.lastSearchedCategory,
    rfmRecency: rfm?.recency ?? null,
    rfmFrequency: rfm?.frequency ?? null,
    rfmMonetary: rfm?.monetary ?? null,
    rfm: rfm ? `${rfm.recency}${rfm.frequency}${rfm.monetary}` : null,
    segmentNew: segments.new,
    segmentRepeat: segments.repeat,
    segmentLoyal: segments.loyal,
    segmentLapsed: segments.lapsed,
    segmentEngaged: segments.engaged,
    segmentUnengaged: segments.unengaged,
    segments: list([
      ...(['new', 'repeat', 'loyal', 'lapsed', 'engaged', 'unengaged'] as const).filter((s) => segments[s]),
      ...segments.oneCategory,
    ]),
    abandonedCartId: cart?.cart.cartId ?? null,
    abandonedCartValue: cart?.value ?? null,
    abandonedCartCurrency: cart?.cart.currency ?? null,
    abandonedCartLines: cart?.lines ?? null,
    abandonedCartUrl: cart?.cart.recoveryUrl ?? null,
    abandonedCartAt: cart?.cart.at ?? null,
    abandonedCartReason: cart?.reason ?? null,
    abandonedCartFollowUp: cart?.followUp ?? null,
  };
  const job = nextJob(profile, traits, config.nextJob, now);
  out.nextJob = job?.job ?? null;
  out.nextJobReason = job?.reason ?? null;
  out.nextJobConfidence = job?.confidence ?? null;
  const suggestions = suggestCrossSell(profile, traits, stats, config.crossSell, now, catalog);
  // Every slot always present, so a suggestion that goes away is cleared at the destination.
  for (let i = 0; i < config.crossSell.max; i++) {
    const s = suggestions[i];
    out[`crossSell${i + 1}Sku`] = s?.key ?? null;
    out[`crossSell${i + 1}Name`] = s?.name ?? null;
    out[`crossSell${i + 1}Reason`] = s?.reason ?? null;
  }
  if (config.survey.enabled) {
    // What was just bought is never offered instead of what is in the cart.
    const exclude = new Set(
      traits.lines.filter((l) => daysBetween(l.order.placedAt, now) <= config.crossSell.recentDays).map((l) => productKey(l.line)),
    );
    Object.assign(out, followUpFields(profile, cart, config.survey, { stats, catalog, exclude }));
  }
  for (const campaign of config.campaigns) {
    const held = inHoldout(profile.tenantId, campaign.id, profile.profileId, campaign.controlShare);
    out[holdoutField(campaign.id)] = held;
    // A generic-mail control group gets the same mail without the personalised content: those fields stay empty.
    if (held) for (const field of campaign.personalises ?? []) if (field in out) out[field] = null;
  }
  return out;
}
