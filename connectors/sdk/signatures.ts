// Webhook signature primitives: HMAC over raw bytes and constant-time comparison.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSha256(key: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * The exact text forms: standard base64 with its padding, hex digits in pairs. Node's decoder skips or stops at
 * anything else, so `<valid>, <bogus>` (a duplicated header as HTTP joins it) or `<valid>zz` would decode to the
 * valid bytes; the format is checked before decoding instead.
 */
const FORMAT = {
  base64: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  hex: /^(?:[0-9a-fA-F]{2})+$/,
} as const;

/**
 * Compares a received signature with the expected bytes in constant time. The received text is decoded
 * in the vendor's encoding first, so that case or padding differences in hex/base64 cannot leak timing.
 */
export function signatureMatches(received: string | undefined, expected: Buffer, encoding: 'base64' | 'hex'): boolean {
  if (received === undefined || received.length === 0 || received.length > 1024) return false;
  if (!FORMAT[encoding].test(received)) return false;
  const decoded = Buffer.from(received, encoding);
  // Base64's last character may carry unused bits: only the canonical spelling of the bytes is the signature.
  if (encoding === 'base64' && decoded.toString('base64') !== received) return false;
  if (decoded.length !== expected.length) return false;
  return timingSafeEqual(decoded, expected);
}
