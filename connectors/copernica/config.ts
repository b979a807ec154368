// Settings and secrets of one Copernica connector instance.
import * as z from 'zod';
import { isTimeZone } from '../sdk/index.js';

const FieldName = z.string().min(1).max(100);

export const CopernicaSettings = z.object({
  /** Numeric id of the Copernica database that holds the profiles we sync. */
  databaseId: z.number().int().positive(),
  /** The Copernica database field holding the e-mail address: profiles are matched on it. */
  keyField: FieldName.default('email'),
  /** syncline field name → Copernica field name; a field without an entry keeps its name. */
  fieldMap: z.record(z.string().min(1), FieldName).optional(),
  apiBaseUrl: z.url().default('https://api.copernica.com/v4'),
  /** Where the long-lived API token is exchanged for a 24-hour JWT (REST v4 "Authorization and API Tokens"). */
  authUrl: z.url().default('https://authenticate.copernica.com'),
  /** Requests in flight at once, per push or erase call. */
  concurrency: z.number().int().min(1).max(16).default(4),
  /**
   * Copernica account id: callbacks must carry `X-Copernica-ID: account-<id>` (or `account_<id>`).
   * Any Copernica customer can have Copernica sign callbacks to our URL, so without it we accept none.
   */
  accountId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).optional(),
  /**
   * The field values the database's unsubscribe behaviour writes (GET database/$id/unsubscribe, e.g.
   * `{ "newsletter": "no" }`): a callback that sets them becomes consent.changed email_marketing=false.
   */
  unsubscribeFields: z.record(FieldName, z.string()).optional(),
  /** Copernica timestamps ("YYYY-MM-DD HH:MM:SS") carry no zone; this is the zone we read them in. */
  timeZone: z.string().min(1).refine(isTimeZone, 'an IANA time zone such as Europe/Amsterdam').default('Europe/Amsterdam'),
});
export type CopernicaSettings = z.infer<typeof CopernicaSettings>;

/** PEM public key, or a DKIM TXT record (`v=DKIM1; k=rsa; p=…`) as Copernica publishes it in DNS. */
const PublicKeyText = z.string().min(64).max(8192);

export const CopernicaSecrets = z.object({
  /** The API token made in the Marketing Suite dashboard (exchanged for a JWT, never sent to the API itself). */
  accessToken: z.string().min(1),
  /** keyId (a DNS name under copernica.com) → its public key; refreshed from DNS by the operator or a resolver. */
  callbackPublicKeys: z.record(z.string().min(1), PublicKeyText).default({}),
});
export type CopernicaSecrets = z.infer<typeof CopernicaSecrets>;
