// GET /personalize/{tenant}/{site}: the visitor's answer for the website's next page (core/personalize/answer.ts),
// found by the anonymous id of the site's script or a customer token the shop signed. An unknown visitor gets the
// same empty answer a visitor without consent gets (200, never a 404 that says who is known); bad input a 4xx.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { SynclineConfig } from '../../core/config.js';
import { normaliseIdentifier, type Identifier } from '../../core/identifiers.js';
import { liveProfile } from '../../core/live-profile.js';
import type { ProfileRepository, TenantStatsStore } from '../../core/ports.js';
import { EMPTY_ANSWER, personalizeAnswer, type PersonalizeAnswer } from '../../core/personalize/answer.js';
import { verifyCustomerToken } from '../../core/personalize/customer-token.js';
import type { CatalogStore } from '../../core/catalog/catalog-store.js';
import { catalogCategoriesOf, readCatalogView } from '../../core/campaign/catalog-view.js';

/** What the route needs of a site: who may read the answer in a browser, and the secret of customer tokens. */
export interface PersonalizeSite {
  /** Origins (`https://shop.example`) whose pages may read the answer (CORS). */
  origins: readonly string[];
  /** HMAC secret of customer tokens; absent: the site asks by anonymous id only. */
  tokenSecret?: string | undefined;
}

export interface PersonalizeDeps {
  config: SynclineConfig;
  /** The site's settings, or undefined when the tenant has no such site. */
  site(tenantId: string, siteId: string): Promise<PersonalizeSite | undefined>;
  profiles: Pick<ProfileRepository, 'lookup' | 'get'>;
  stats: TenantStatsStore;
  /** The tenant catalogs: comparable in-stock products for the categories the visitor looks for, as the pushes offer. */
  catalog?: Pick<CatalogStore, 'inCategory'> | undefined;
  now: () => Date;
}

export interface PersonalizeRequest {
  method: string;
  tenant: string;
  site: string;
  query: Readonly<Record<string, string | undefined>>;
  /** Lower-case names. */
  headers: Readonly<Record<string, string | undefined>>;
}

export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** How long a page (the browser's own cache) may reuse an answer before asking again with its ETag. */
export const PERSONALIZE_MAX_AGE_SECONDS = 60;

// The script's anonymous id: what syncline.js writes to its cookie (letters, digits, - and _).
const AnonymousId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '8 to 64 letters, digits, - or _');
const Query = z
  .object({ anonymousId: AnonymousId.optional(), token: z.string().min(1).max(1024).optional() })
  .refine((q) => (q.anonymousId === undefined) !== (q.token === undefined), 'give exactly one of ?anonymousId=… or ?token=…');

export async function personalizeVisitor(deps: PersonalizeDeps, request: PersonalizeRequest): Promise<HttpAnswer> {
  const site = await deps.site(request.tenant, request.site);
  if (!site) return problem(404, `no site "${request.site}" is configured for tenant "${request.tenant}"`);
  const origin = request.headers.origin;
  const cors = corsHeaders(site, origin);
  if (origin !== undefined && cors === undefined) return problem(403, "this origin is not among the site's allowed origins");
  if (request.method === 'OPTIONS') return preflight(cors);
  if (request.method !== 'GET' && request.method !== 'HEAD') return problem(405, 'use GET', cors);

  const query = Query.safeParse(request.query);
  if (!query.success) return problem(400, query.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '), cors);
  let identifier: Identifier | undefined;
  if (query.data.token !== undefined) {
    if (!site.tokenSecret) return problem(400, 'this site takes no customer tokens: ask by ?anonymousId=…', cors);
    const verified = verifyCustomerToken(query.data.token, site.tokenSecret, { tenant: request.tenant, site: request.site }, deps.now());
    if (!verified.ok) return problem(401, `customer token refused: ${verified.reason}`, cors);
    identifier = normaliseIdentifier({ type: `customerId:${verified.payload.instance}`, value: verified.payload.customerId });
  } else {
    identifier = normaliseIdentifier({ type: 'anonymousId', value: query.data.anonymousId! });
  }

  const answer = identifier ? await answerFor(deps, request.tenant, identifier) : EMPTY_ANSWER;
  const body = JSON.stringify(answer);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const headers = {
    ...cors,
    'cache-control': `private, max-age=${PERSONALIZE_MAX_AGE_SECONDS}`,
    etag,
    // The answer differs per visitor (the query) and its CORS headers per origin.
    vary: 'Origin',
  };
  if (matches(request.headers['if-none-match'], etag)) return { statusCode: 304, headers, body: '' };
  return { statusCode: 200, headers: { ...headers, 'content-type': 'application/json' }, body: request.method === 'HEAD' ? '' : body };
}

async function answerFor(deps: PersonalizeDeps, tenantId: string, identifier: Identifier): Promise<PersonalizeAnswer> {
  const tenant = deps.config.tenants.find((t) => t.id === tenantId);
  if (!tenant) return EMPTY_ANSWER;
  const profileId = (await deps.profiles.lookup(tenantId, [identifier])).values().next().value;
  const profile = profileId === undefined ? undefined : await liveProfile(deps.profiles, tenantId, profileId);
  if (!profile) return EMPTY_ANSWER;
  const now = deps.now();
  const categories = deps.catalog ? catalogCategoriesOf(profile, tenant.campaigns, now) : [];
  const [stats, catalog] = await Promise.all([
    deps.stats.get(tenantId),
    deps.catalog && categories.length > 0 ? readCatalogView(deps.catalog, tenantId, categories) : undefined,
  ]);
  return personalizeAnswer(profile, { campaigns: tenant.campaigns, now, stats, catalog });
}

/** CORS headers for an allowed origin; undefined for any other (and none needed without an Origin). */
function corsHeaders(site: PersonalizeSite, origin: string | undefined): Record<string, string> | undefined {
  if (origin === undefined) return {};
  if (!site.origins.includes(origin)) return undefined;
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'ETag' };
}

function preflight(cors: Record<string, string> | undefined): HttpAnswer {
  return {
    statusCode: 204,
    headers: {
      ...cors,
      'access-control-allow-methods': 'GET, OPTIONS',
      'access-control-allow-headers': 'If-None-Match',
      'access-control-max-age': '600',
      vary: 'Origin',
    },
    body: '',
  };
}

/** If-None-Match holds this ETag (or `*`); weak forms count, as RFC 9110 compares them weakly for GET. */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

function problem(statusCode: number, error: string, cors: Record<string, string> = {}): HttpAnswer {
  return {
    statusCode,
    headers: { ...cors, 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify({ error }),
  };
}
