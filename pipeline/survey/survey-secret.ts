// The tenant's survey key: the secret of the reserved instance name `survey` (`syncline/<stage>/<tenant>/survey` in
// Secrets Manager, `"<tenant>/survey"` in the local secrets file), shared by the push (sealing) and the answer route (opening).
import * as z from 'zod';
import type { SecretsProvider } from '../../core/ports.js';
import { SURVEY_SECRET_INSTANCE } from '../../core/campaign/survey/survey-config.js';

const SurveySecret = z.object({
  /** At least 32 characters of randomness, e.g. `openssl rand -base64 48`. */
  signingKey: z.string().min(32, 'the survey signingKey needs at least 32 characters'),
});

/** The key, or undefined when the tenant has none; a secret of the wrong shape is an error an operator must fix. */
export async function surveySecret(secrets: SecretsProvider, tenantId: string): Promise<Buffer | undefined> {
  const raw = await secrets.get(tenantId, SURVEY_SECRET_INSTANCE);
  if (raw === undefined) return undefined;
  const parsed = SurveySecret.safeParse(raw);
  if (!parsed.success) throw new Error(`the survey secret of tenant ${tenantId} is invalid: ${parsed.error.issues[0]?.message ?? 'shape'}`);
  return Buffer.from(parsed.data.signingKey, 'utf8');
}
