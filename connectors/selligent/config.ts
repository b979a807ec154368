// Settings and secrets of one Selligent / Marigold Engage connector instance (one organization, one audience list).
import * as z from 'zod';
import { isTimeZone } from '../sdk/index.js';

/** Selligent field names are upper-case API names (MAIL, NAME, …). */
const FieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9_.]{0,99}$/, 'a Selligent field name such as MAIL');
const ApiName = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'the API name shown in Selligent Admin');

export const SelligentSettings = z.object({
  /** The organization's API root, e.g. https://acme.slgnt.eu/Portal/Api (each customer has its own host). */
  apiBaseUrl: z.url(),
  /** Organization name, as in the upper-right corner of Selligent Admin Configuration. */
  organization: ApiName,
  /** API name of the audience list profiles are loaded into and engagement is read from. */
  list: ApiName,
  /** The list field that holds the e-mail address: the load key. */
  keyField: FieldName.default('MAIL'),
  /** The list's record id field, used to page through the list and to read engagement per record. */
  idField: FieldName.default('ID'),
  /** syncline field → list field. Fields without an entry are not sent. */
  fieldMap: z.record(z.string().min(1), FieldName).default({}),
  /**
   * A list field that holds opt-out as 1/0 (often OPTOUT). When set, syncline's e-mail consent is written to it,
   * so a withdrawal reaches Selligent. The name is the customer's list design, not an API constant.
   */
  optoutField: FieldName.optional(),
  /** Data transfer mode of data/load and data/search (documented: Sync or Stream). */
  mode: z.enum(['Sync', 'Stream']).default('Sync'),
  /** Records per data/search page (`take`). */
  pageSize: z.number().int().min(1).max(1000).default(200),
  /** Engagement dates come without a zone ("2020-09-11T10:01:03.01"); this is the zone we read them in. */
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Brussels').default('Europe/Brussels'),
});
export type SelligentSettings = z.infer<typeof SelligentSettings>;

export const SelligentSecrets = z.object({
  /** API key and secret generated in Selligent Admin Configuration → Apps. */
  apiKey: z.string().min(1),
  apiSecret: z.string().min(1),
});
export type SelligentSecrets = z.infer<typeof SelligentSecrets>;
