import { describe, expect, it } from 'vitest';
import { DestinationRefused, RateLimited, VendorRejected } from './errors.js';
import { failureReason } from './failure-reason.js';

describe('failureReason', () => {
  it('keeps a rejection final, in the vendor words, with e-mail addresses blanked', () => {
    const error = new VendorRejected('Acme answered 400 to POST /contacts: {"error":"jan@example.com is invalid"}', 400);
    expect(failureReason('Acme', error)).toEqual({
      reason: 'Acme rejected the request (HTTP 400): {"error":"<e-mail> is invalid"}',
      retryable: false,
    });
  });

  it('retries rate limiting and anything else, without e-mail addresses', () => {
    expect(failureReason('Acme', new RateLimited('slow down'))).toEqual({
      reason: 'Acme kept rate limiting after retries',
      retryable: true,
    });
    expect(failureReason('Acme', new Error('ECONNRESET for jan@example.com'))).toEqual({
      reason: 'Acme unavailable: ECONNRESET for <e-mail>',
      retryable: true,
    });
  });

  it('names the vendor once in a refused destination, final', () => {
    const error = new DestinationRefused('Acme: 10.0.0.7 resolves to 10.0.0.7, which is not a public unicast address');
    expect(failureReason('Acme', error)).toEqual({
      reason: 'Acme configuration error: 10.0.0.7 resolves to 10.0.0.7, which is not a public unicast address',
      retryable: false,
    });
  });

  it('cuts a long reason short', () => {
    expect(failureReason('Acme', new VendorRejected(`Acme answered 422: ${'x'.repeat(1000)}`, 422)).reason).toHaveLength(300);
  });
});
