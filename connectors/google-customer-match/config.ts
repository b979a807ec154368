// Settings and secrets of one Google Ads Customer Match connector instance (Google Ads API, OfflineUserDataJobService).
import * as z from 'zod';
import { AudienceMapping } from '../sdk/index.js';

/** A Google Ads customer id: ten digits, written with or without the dashes the Ads UI shows (123-456-7890). */
const CustomerId = z
  .string()
  .transform((id) => id.replaceAll('-', ''))
  .pipe(z.string().regex(/^\d{10}$/, 'a Google Ads customer id has ten digits (123-456-7890)'));

export const GoogleCustomerMatchSettings = z.object({
  /** The Google Ads API host; tests and the simulator point it at 127.0.0.1. */
  apiBaseUrl: z.url().default('https://googleads.googleapis.com'),
  /** Where a refresh token is exchanged for an access token (Google's OAuth 2.0 token endpoint). */
  tokenUrl: z.url().default('https://oauth2.googleapis.com/token'),
  /** The Google Ads API version in the path; Google sunsets each version about a year after its release. */
  apiVersion: z
    .string()
    .regex(/^v\d{2}$/)
    .default('v26'),
  /** The advertiser account that owns the Customer Match lists. */
  customerId: CustomerId,
  /** The manager account the OAuth user reaches the advertiser through, when it does (the login-customer-id header). */
  loginCustomerId: CustomerId.optional(),
  /**
   * Segment → Customer Match user list (the id in the list's resource name customers/{customerId}/userLists/{id}).
   * The lists are made in Google Ads (Audience manager → Customer list); syncline only adds and removes members.
   */
  audiences: z
    .array(AudienceMapping.refine((a) => /^\d{1,19}$/.test(a.audienceId), { message: 'audienceId: the user list id (digits)' }))
    .min(1),
  /**
   * Identifiers per addOperations request: Google takes at most 100,000 per request and recommends about 10,000 for
   * the quickest processing.
   */
  identifiersPerRequest: z.number().int().min(1).max(100_000).default(10_000),
  /**
   * How long a push waits for its jobs to finish after running them (milliseconds). Jobs take minutes to hours, so a
   * push reports a run job as pushed; within this wait a FAILED job turns into a retryable failure instead.
   */
  pushWaitMs: z.number().int().min(0).max(60_000).default(0),
  /** How long an erasure waits for its remove jobs: succeeded within it is confirmed, still running is requested. */
  eraseWaitMs: z.number().int().min(0).max(60_000).default(20_000),
  /** Between two reads of a job's status while waiting. */
  pollIntervalMs: z.number().int().min(10).max(60_000).default(2_000),
});
export type GoogleCustomerMatchSettings = z.infer<typeof GoogleCustomerMatchSettings>;

export const GoogleCustomerMatchSecrets = z.object({
  /** The developer token of the Google Ads API access (API Center of the manager account), sent as developer-token. */
  developerToken: z.string().min(1),
  /** The OAuth client the refresh token was issued to. */
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** A refresh token with the https://www.googleapis.com/auth/adwords scope, for a user with access to the account. */
  refreshToken: z.string().min(1),
});
export type GoogleCustomerMatchSecrets = z.infer<typeof GoogleCustomerMatchSecrets>;
