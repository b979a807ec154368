import { describe, expect, it } from 'vitest';
import { normaliseIdentifier, normalisePhone, phoneInCountry } from './identifiers.js';

describe('phone numbers across borders (issue 19, item 11)', () => {
  it("reads a national number in the address's country", () => {
    // A Belgian buyer's mobile, as a Belgian shop form takes it.
    expect(phoneInCountry('0470 12 34 56', 'BE')).toBe('+32470123456');
    expect(phoneInCountry('06 12345678', 'nl')).toBe('+31612345678');
    expect(phoneInCountry('+32 470 12 34 56', 'NL')).toBe('+32470123456');
    expect(phoneInCountry('0032 470 12 34 56', undefined)).toBe('+32470123456');
  });

  it('leaves a national number unread where the country is unknown or keeps its trunk 0 (Italy)', () => {
    expect(phoneInCountry('0470 12 34 56', undefined)).toBeUndefined();
    expect(phoneInCountry('0470 12 34 56', 'XX')).toBeUndefined();
    expect(phoneInCountry('06 1234 5678', 'IT')).toBeUndefined();
  });

  it("does not turn a national number into an identifier by the tenant's country", () => {
    // 0470 12 34 56 with the tenant's 31 would be +31470123456: possibly another (Dutch) person.
    expect(normaliseIdentifier({ type: 'phone', value: '0470 12 34 56' })).toBeUndefined();
    expect(normaliseIdentifier({ type: 'phone', value: '+32 470 12 34 56' })).toEqual({ type: 'phone', value: '+32470123456' });
    // As a plain field value the tenant's country still serves for comparing.
    expect(normalisePhone('06 12345678', '31')).toBe('+31612345678');
  });
});
