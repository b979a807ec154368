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

/** An integer literal JSON.parse would round: more than 15 digits, and not a safe integer. */
const LONG_INTEGER = /^-?\d{16,}$/;

/**
 * Like parseJsonBody, but integers beyond 2^53 arrive as their exact digits in a string instead of a rounded number
 * (Shopify's REST-style payloads carry 64-bit ids: 788032119674292922 would become …2864). Only number tokens outside
 * strings are touched; schemas of id fields accept the string form.
 */
export function parseJsonBodyExactIntegers(rawBody: Buffer, what: string): unknown {
  const text = rawBody.toString('utf8');
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string, escapes included.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1;
      while (end < text.length && /[-+.\deE]/.test(text[end] as string)) end++;
      const token = text.slice(i, end);
      if (LONG_INTEGER.test(token) && !Number.isSafeInteger(Number(token))) {
        out += `${text.slice(copied, i)}"${token}"`;
        copied = end;
      }
      i = end - 1;
    }
  }
  return parseJsonBody(copied === 0 ? rawBody : Buffer.from(out + text.slice(copied)), what);
}
