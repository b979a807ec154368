// Settings and secrets of one Meta Custom Audiences instance: which segment fills which customer-file audience.
import * as z from 'zod';
import { AudienceMapping } from '../sdk/index.js';

export const MetaAudiencesSettings = z
  .object({
    /** The Graph API host; tests and the simulator point it at 127.0.0.1. */
    apiBaseUrl: z.url().default('https://graph.facebook.com'),
    /** The Marketing API version in the path (Meta keeps each for about two years). */
    apiVersion: z
      .string()
      .regex(/^v\d{1,2}\.\d$/, 'a Graph API version such as v25.0')
      .default('v25.0'),
    /**
     * Segment → customer-file Custom Audience (made in Ads Manager or through POST act_<id>/customaudiences with
     * subtype CUSTOM first). Two segments may share one audience.
     */
    audiences: z.array(AudienceMapping).min(1),
    /** The identifiers matched on: e-mail and phone by default (Meta matches more people with both). */
    keys: z
      .array(z.enum(['email', 'phone']))
      .min(1)
      .default(['email', 'phone']),
  })
  .strict();
export type MetaAudiencesSettings = z.infer<typeof MetaAudiencesSettings>;

export const MetaAudiencesSecrets = z
  .object({
    /** A system user's access token with ads_management on the ad account that owns the audiences. */
    accessToken: z.string().min(1),
    /** The app secret: with it every call carries appsecret_proof (required when the app has "Require App Secret" on). */
    appSecret: z.string().min(1).optional(),
  })
  .strict();
export type MetaAudiencesSecrets = z.infer<typeof MetaAudiencesSecrets>;
