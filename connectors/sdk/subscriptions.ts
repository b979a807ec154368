// The optional webhook-subscription capability of a connector: how `syncline connect` registers (or corrects) the
// vendor's subscriptions through the vendor's own API, and how `syncline doctor` checks them. The CLI knows no vendor:
// it plans from what `list` returns and calls `create`/`update`.
/** One webhook subscription as the vendor holds it. */
export interface WebhookSubscription {
  /** The vendor's id (a gid, a number as text, wbhk_…). */
  id: string;
  /** Where the vendor delivers. */
  url: string;
  /** The vendor's topic or event-type names this subscription delivers. */
  topics: string[];
  /** Delivering now. */
  active: boolean;
  /** The vendor's own word for its state ("active", "disabled", "enabled"…), for messages. */
  status: string;
  /**
   * Whether the vendor signs this subscription's deliveries with the instance's secret, for a vendor whose list shows
   * it (Mailchimp's URL token): false when it no longer matches (connect gives the vendor the instance's secret
   * again, doctor reports it). Absent when the vendor does not show the secret it signs with.
   */
  secretMatches?: boolean;
}

/** What a subscription must be: delivering these topics to this URL, signed with this secret. */
export interface SubscriptionTarget {
  url: string;
  topics: string[];
  /**
   * The signing secret: the one syncline gives the vendor (`issuedBy: 'syncline'`), or the one the vendor issued
   * earlier (`'vendor'`); undefined when a vendor-issued secret is not in the instance's secret (then `update`
   * has the vendor issue a new one).
   */
  secret?: string;
}

export interface SubscriptionResult {
  subscription: WebhookSubscription;
  /** A signing secret the vendor issued with this call: stored in the instance's secret under `signingSecret.key`. */
  issuedSecret?: string;
}

/** Generic over the connector's context so that this file needs nothing of define-connector.ts (which names it). */
export interface SubscriptionApi<Context, SecretKey extends string> {
  /** The vendor's names of the topics this connector reads: every one must be subscribed. */
  topics: readonly string[];
  /** `per-topic`: one subscription per topic (Shopify, WooCommerce); `combined`: one carries every topic (Square). */
  grouping: 'per-topic' | 'combined';
  /** Where the signing secret comes from, when the vendor signs per subscription; absent when it signs otherwise. */
  signingSecret?: { key: SecretKey; issuedBy: 'vendor' | 'syncline' };
  /**
   * The setting that must hold the subscription's URL, when the vendor signs that URL (Square's `notificationUrl`):
   * `syncline doctor` compares the two.
   */
  urlSetting?: string;
  /** Every subscription of this shop or application, disabled ones included. Also the cheap authenticated read `doctor` makes. */
  list(context: Context): Promise<WebhookSubscription[]>;
  create(context: Context, target: SubscriptionTarget): Promise<SubscriptionResult>;
  /** Points an existing subscription at `target` and makes it active again. */
  update(context: Context, id: string, target: SubscriptionTarget): Promise<SubscriptionResult>;
}
