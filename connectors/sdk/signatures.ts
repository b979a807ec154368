// Webhook signature primitives: HMAC over raw bytes and constant-time comparison.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSha256(key: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * Compares a received signature with the expected bytes in constant time. The received text is decoded
 * in the vendor's encoding first, so that case or padding differences in hex/base64 cannot leak timing.
 */
export function signatureMatches(received: string | undefined, expected: Buffer, encoding: 'base64' | 'hex'): boolean {
  if (received === undefined || received.length === 0 || received.length > 1024) return false;
  const decoded = Buffer.from(received.trim(), encoding);
  if (decoded.length !== expected.length) return false;
  return timingSafeEqual(decoded, expected);
}
