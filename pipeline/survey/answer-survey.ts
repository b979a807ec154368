// GET /r/{tenant}/{token}: a one-click answer from the abandoned-cart mail becomes a `survey.answered` event on the
// changes queue (like any source's), and the person is sent on to the tenant's thank-you page.
import { createHash } from 'node:crypto';
import type { SynclineConfig } from '../../core/config.js';
import type { CanonicalEvent } from '../../core/events.js';
import type { MessageQueue } from '../../core/ports.js';
import { openSurveyAnswer } from '../../core/campaign/survey/survey-token.js';
import type { Logger } from '../../connectors/sdk/index.js';
import { SURVEY_SECRET_INSTANCE } from '../../core/campaign/survey/survey-config.js';
import { confirmPage, messagePage, redirect, type SurveyResponse } from './survey-pages.js';

/** The source of every answer event: not a connector instance of the tenant, so no tenant should name one `survey`. */
export const SURVEY_SOURCE = { connector: 'survey', instance: SURVEY_SECRET_INSTANCE } as const;

export interface SurveyAnswerDeps {
  config: SynclineConfig;
  /** The tenant's survey key (pipeline/survey/survey-secret.ts). */
  secret(tenantId: string): Promise<Buffer | undefined>;
  events: MessageQueue<CanonicalEvent>;
  log: Logger;
  now?: () => Date;
}

export interface SurveyRequest {
  method: string;
  tenantId: string;
  token: string;
  userAgent?: string;
}

/**
 * Link scanners of mail gateways (Microsoft Defender Safe Links, Proofpoint URL Defense, Mimecast, Barracuda…) fetch
 * every link of a mail before the person sees it. Those that say who they are get a confirm page (one button, a POST)
 * and record nothing; HEAD records nothing. Scanners that pose as a browser are not told apart: see docs/campaigns.md.
 */
const SCANNER =
  /safelinks|defender|proofpoint|urldefense|mimecast|barracuda|bingpreview|messagelabs|symantec|fireeye|trendmicro|ironport|forcepoint|sophos|zscaler|checkpoint|headless|python-requests|go-http-client|okhttp|curl|wget|libwww|bot\b|crawler|spider|scanner|preview/i;

export function isLinkScanner(userAgent: string | undefined): boolean {
  return userAgent === undefined || userAgent.trim() === '' || SCANNER.test(userAgent);
}

const NOT_VALID = 'This answer link is not valid. Perhaps it was copied incompletely; the other links in the e-mail still work.';

export async function answerSurvey(deps: SurveyAnswerDeps, request: SurveyRequest): Promise<SurveyResponse> {
  const { method } = request;
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST')
    return messagePage(405, 'Open this link in your browser.', { allow: 'GET, POST' });
  const tenant = deps.config.tenants.find((t) => t.id === request.tenantId);
  // An unknown tenant, a tenant without the survey and a wrong token look the same from outside: no enumeration.
  const secret = tenant?.campaigns.survey.enabled ? await deps.secret(tenant.id) : undefined;
  if (!tenant || !secret) return messagePage(404, NOT_VALID);
  const now = deps.now?.() ?? new Date();
  const opened = openSurveyAnswer(secret, tenant.id, request.token, now);
  if (!opened.ok)
    return opened.reason === 'expired'
      ? messagePage(410, 'This answer link has expired. Thank you for wanting to answer all the same.')
      : messagePage(404, NOT_VALID);
  if (method === 'HEAD') return messagePage(200, '');
  if (method === 'GET' && isLinkScanner(request.userAgent)) return confirmPage();

  const { claim } = opened;
  const at = now.toISOString();
  const event: CanonicalEvent = {
    tenantId: tenant.id,
    source: SURVEY_SOURCE,
    // The same link followed twice is the same answer: one event id, so the merge applies it once.
    sourceEventId: `answer/${createHash('sha256').update(request.token).digest('hex').slice(0, 40)}`,
    occurredAt: at,
    receivedAt: at,
    identifiers: [claim.ref],
    type: 'survey.answered',
    data: { question: claim.question, answer: claim.answer },
  };
  try {
    await deps.events.send([event]);
  } catch (error) {
    deps.log.error('survey answer could not be queued', { tenantId: tenant.id, reason: (error as Error).message });
    return messagePage(503, 'Your answer could not be saved just now. Please try the link again in a minute.', { 'retry-after': '60' });
  }
  const thankYou = tenant.campaigns.survey.thankYouUrl;
  return thankYou ? redirect(thankYou) : messagePage(200, 'Thank you for your answer!');
}
