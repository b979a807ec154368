import { describe, expect, it } from 'vitest';
import { pathOf, redactPersonalData } from './redact.js';

describe('redactPersonalData', () => {
  it('blanks e-mail addresses, also URL-encoded ones', () => {
    expect(redactPersonalData('no profile for anna@example.com or fields[]=email%3D%3Danna.b%40example.co.uk')).toBe(
      'no profile for <e-mail> or fields[]=<e-mail>',
    );
  });

  it('blanks phone numbers in international, national and North-American forms', () => {
    expect(redactPersonalData('phone +31 6 1234 5678, 0612345678, 555-625-1199')).toBe('phone <phone>, <phone>, <phone>');
  });

  it('blanks JWTs, bearer tokens and credential fields', () => {
    expect(redactPersonalData('{"authorization":"Bearer abc.def","access_token":"s3cr3t"} eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.sig')).toBe(
      '{"authorization":"<secret>","access_token":"<secret>"} <token>',
    );
  });

  it('keeps the words a person needs to act on', () => {
    expect(redactPersonalData('field "Email" is not in database 12 (HTTP 400) on 2026-11-20')).toBe(
      'field "Email" is not in database 12 (HTTP 400) on 2026-11-20',
    );
  });
});

describe('pathOf', () => {
  it('drops the query string', () => {
    expect(pathOf('/database/1/profiles?fields[]=email%3D%3Da%40b.nl')).toBe('/database/1/profiles');
    expect(pathOf(undefined)).toBe('');
  });
});
