// GET|POST /r/{tenant}/{token}: API Gateway HTTP API (payload v2) → the one-click survey answer → 303 / a short page.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { CanonicalEvent } from '../core/events.js';
import { answerSurvey, type SurveyAnswerDeps } from '../pipeline/survey/answer-survey.js';
import { surveySecret } from '../pipeline/survey/survey-secret.js';
import { messagePage } from '../pipeline/survey/survey-pages.js';
import { sqsClient } from '../aws/aws-clients.js';
import { SqsMessageQueue } from '../aws/sqs-queue.js';
import { once, required, runtimeOverrides } from './container.js';
import { loadDeployedConfig } from './deployed-config.js';
import { createLogger } from './logger.js';
import { secretsProvider } from './secrets-provider.js';

/** Wired apart from container.shared(): this function needs no DynamoDB client, only the queue and the tenant's key. */
export function surveyRuntime(): SurveyAnswerDeps {
  return once('survey', () => {
    const overrides = runtimeOverrides();
    const log = overrides.log ?? createLogger(process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'syncline');
    return {
      config: overrides.config ?? loadDeployedConfig(),
      secret: (tenantId) => surveySecret(secretsProvider(), tenantId),
      events: new SqsMessageQueue<CanonicalEvent>(sqsClient(), required('CHANGES_QUEUE_URL')),
      log,
      ...(overrides.now ? { now: overrides.now } : {}),
    };
  });
}

function createSurveyHandler(deps: () => SurveyAnswerDeps) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const tenantId = event.pathParameters?.tenant;
    const token = event.pathParameters?.token;
    if (!tenantId || !token) return messagePage(404, 'This answer link is not valid.');
    try {
      return await answerSurvey(deps(), {
        method: event.requestContext.http.method,
        tenantId,
        token,
        userAgent: event.requestContext.http.userAgent,
      });
    } catch (error) {
      // A secret that cannot be read: the person may retry; the reason goes to the log, not to the page.
      deps().log.error('survey answer failed', { tenantId, reason: (error as Error).message });
      return messagePage(503, 'Your answer could not be saved just now. Please try the link again in a minute.', { 'retry-after': '60' });
    }
  };
}

export const handler = createSurveyHandler(surveyRuntime);
