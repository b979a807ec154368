import { describe, expect, it } from 'vitest';
import { signRequest } from './sigv4.js';

// AWS's documented example (IAM ListUsers, 2015-08-30T12:36:00Z, the example key pair); the same value appears in the
// SigV4 test suites of many independent signers.
const EXAMPLE = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

describe('SigV4 signing of the lite clients', () => {
  it("produces AWS's documented signature for the IAM ListUsers example", () => {
    const headers = signRequest(
      {
        method: 'GET',
        url: new URL('https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08'),
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: '',
      },
      EXAMPLE,
      { region: 'us-east-1', service: 'iam' },
      new Date('2015-08-30T12:36:00Z'),
    );
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, ' +
        'Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    );
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
  });

  it("signs the session token of a function's temporary credentials, and the body", () => {
    const request = (body: string) => ({
      method: 'POST',
      url: new URL('https://dynamodb.eu-west-1.amazonaws.com/'),
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' },
      body,
    });
    const at = new Date('2026-12-06T22:00:00Z');
    const signed = signRequest(request('{}'), { ...EXAMPLE, sessionToken: 'session' }, { region: 'eu-west-1', service: 'dynamodb' }, at);
    expect(signed['x-amz-security-token']).toBe('session');
    expect(signed.authorization).toContain('SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,');
    const other = signRequest(
      request('{"a":1}'),
      { ...EXAMPLE, sessionToken: 'session' },
      { region: 'eu-west-1', service: 'dynamodb' },
      at,
    );
    expect(other.authorization).not.toBe(signed.authorization);
  });
});
