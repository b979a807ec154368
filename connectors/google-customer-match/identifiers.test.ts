import { describe, expect, it } from 'vitest';
import { googleEmail, googlePhone, hashedPerson, sha256Hex, userDataOf } from './identifiers.js';

// SHA-256 of the normalised values, computed with sha256sum (Google's pages give the normalised forms, not the hashes).
const HASH = {
  'dana@example.com': '07e2f1394b0ea80e2adca010ea8318df697001a005ba7452720edda4b0ce57b3',
  '+18005550101': '61d6c2976b5d92b1ad63073a12fddd26040cd980067d03a93dd1cc50f1a3ac68',
  'cloudysanfrancisco@gmail.com': '223ebda6f6889b1494551ba902d9d381daf2f642bae055888e96343d53e9f9c4',
  'user.name+nyc@example.com': 'f109a2a632fbcea5fc82049f50beed3d8621bf9034399f437fb622222acccdac',
  '+18005550100': 'fb4f73a6ec5fdb7077d564cdd22c3554b43ce49168550c3b12c547b78c517b30',
};

describe("Google's normalisation before hashing", () => {
  it("drops Gmail's dots and +tag as Google's formatting guide shows (cloudy.sanfrancisco+shopping@gmail.com)", () => {
    expect(googleEmail('cloudy.sanfrancisco+shopping@gmail.com')).toBe('cloudysanfrancisco@gmail.com');
    expect(googleEmail(' Cloudy.SanFrancisco@GoogleMail.com ')).toBe('cloudysanfrancisco@googlemail.com');
  });

  it('keeps dots and plus signs of every other domain, lower-cased (user.name+NYC@Example.com)', () => {
    expect(googleEmail('user.name+NYC@Example.com')).toBe('user.name+nyc@example.com');
    expect(googleEmail('alex.2@example.com')).toBe('alex.2@example.com');
  });

  it('removes leading, trailing and inner whitespace and refuses what is no address', () => {
    expect(googleEmail('  dana @example.com\t')).toBe('dana@example.com');
    for (const bad of ['', 'dana', 'dana@', '@example.com', 'a@b@example.com', 'dana@localhost', '.+x@gmail.com'])
      expect(googleEmail(bad), bad).toBeUndefined();
  });

  it('takes phone numbers in E.164 only: plus sign, country code, digits', () => {
    expect(googlePhone(' +18005550100 ')).toBe('+18005550100');
    for (const bad of ['(800)555-0100', '18005550100', '+1 800 555 0100', '+0800555', '+1234567'])
      expect(googlePhone(bad), bad).toBeUndefined();
  });

  it('hashes with SHA-256 as lower-case hex', () => {
    for (const [value, hash] of Object.entries(HASH)) expect(sha256Hex(value), value).toBe(hash);
    expect(sha256Hex(googleEmail('Cloudy.SanFrancisco+shopping@gmail.com')!)).toBe(HASH['cloudysanfrancisco@gmail.com']);
  });
});

describe('a person as Customer Match takes them', () => {
  it('hashes the primary address first, each address and E.164 phone number once', () => {
    const person = hashedPerson(
      [
        { type: 'email', value: 'dana@example.com' },
        { type: 'phone', value: '+18005550101' },
        { type: 'phone', value: '+18005550101' },
        { type: 'customerId:shopify', value: '42' },
      ],
      ' DANA@example.com ',
      'all',
    );
    expect(person).toEqual({ hashedEmails: [HASH['dana@example.com']], hashedPhoneNumbers: [HASH['+18005550101']] });
  });

  it('pushes the address the profile goes by, not an older one it still lists, and erases by every address', () => {
    const ids = [
      { type: 'email' as const, value: 'old@example.com' },
      { type: 'email' as const, value: 'dana@example.com' },
    ];
    expect(hashedPerson(ids, 'dana@example.com', 'primary').hashedEmails).toEqual([HASH['dana@example.com']]);
    expect(hashedPerson(ids, 'dana@example.com', 'all').hashedEmails).toEqual([HASH['dana@example.com'], sha256Hex('old@example.com')]);
    expect(userDataOf(hashedPerson([], undefined, 'all')), 'nothing to match by').toBeUndefined();
  });

  it('never sends more than the 20 identifiers Google takes for one person', () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ type: 'email' as const, value: `p${i}@example.com` }));
    const person = hashedPerson([...many, { type: 'phone', value: '+18005550100' }], undefined, 'all');
    expect(person.hashedEmails.length + person.hashedPhoneNumbers.length).toBe(20);
  });
});
