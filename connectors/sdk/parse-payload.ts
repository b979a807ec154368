// Validates a vendor payload with its zod schema, turning failures into a PayloadInvalid a person can act on.
import type { z } from 'zod';
import { PayloadInvalid } from './errors.js';

export function parsePayload<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new PayloadInvalid(`${what} does not match the documented payload`, issues);
}

/** Parses a raw body as JSON, or explains why it is not. */
export function parseJsonBody(rawBody: Buffer, what: string): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new PayloadInvalid(`${what} is not valid JSON`);
  }
}
