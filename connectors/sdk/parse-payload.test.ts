import { describe, expect, it } from 'vitest';
import { PayloadInvalid } from './errors.js';
import { parseJsonBodyExactIntegers } from './parse-payload.js';

const parse = (text: string) => parseJsonBodyExactIntegers(Buffer.from(text), 'test body');

describe('parseJsonBodyExactIntegers', () => {
  it('gives integers beyond 2^53 as their exact digits, leaves every other number and all strings as JSON.parse does', () => {
    expect(
      parse('{"id":788032119674292922,"n":-9007199254740993,"safe":9007199254740991,"q":2,"p":1.5e300,"s":"x\\" 788032119674292922"}'),
    ).toEqual({ id: '788032119674292922', n: '-9007199254740993', safe: 9007199254740991, q: 2, p: 1.5e300, s: 'x" 788032119674292922' });
    expect(parse('[12345678901234567890, {"a":[99999999999999999]}]')).toEqual(['12345678901234567890', { a: ['99999999999999999'] }]);
  });

  it('refuses what is not JSON', () => {
    expect(() => parse('{"id":788032119674292922')).toThrow(PayloadInvalid);
  });
});
