// The preset deflate dictionaries as the functions load them: dictionaries 1 and 2 (aws/deflate-dictionary.ts,
// aws/deflate-dictionary-v2.ts, where they are readable) one after the other, deflated and in base64. Their text is
// 9.7 kB of string literals, which every handler that reads or writes a deflated item would carry (the merge bundle
// past its 250 kB target); packed they are 3.0 kB, inflated once per container on first use (0.2–0.3 ms).
// aws/deflate-dictionary.test.ts checks that these bytes unpack to exactly the readable dictionaries. A new dictionary
// is appended to LENGTHS and this string made again:
// npx tsx -e "import {deflateRawSync} from 'node:zlib'; import {DEFLATE_DICTIONARY as a} from './aws/deflate-dictionary.ts';
//   import {DEFLATE_DICTIONARY_V2 as b} from './aws/deflate-dictionary-v2.ts';
//   console.log(deflateRawSync(Buffer.concat([a, b]), { level: 9 }).toString('base64'))"
import { inflateRawSync } from 'node:zlib';

const PACKED = [
  '3Vrdb9s4Ev9XCt7jOo6TLO5wfkqbpovsZbuHutmHTYKApsY2YYpUScqpa/h/Pww/JFKW03y03cMCfhBnqCE5nM+fvCEWJJX2oiBjQgbEqFozIO',
  'MNYUpKYFZpMiZmoSo+W5MB4dJYKnEGIds4/XwFrQTFWK01FK+tH2tgwFftmBcgLZ9x0IaMrzfEriuUBiXlggzIioo6SG94rDZWlaAvinE243bQ',
  'nTGsKwPaQkEGpKCW4kHCFKUL0MNKUOa48UWq7bCuCmoz6gLYUtV2SKdUFkpmPCUNSDtkCyrnKaPSqqiZHa443Kd0A1SzxbACPVO6TDnuzEOQc+',
  'oF0aLQYAxuWnAJR15hjNu1f6qUsVScqQKiaudcyTBL1dLqdbgXpgFPFHVeLZQEMpa1EAMy5dou8MCRIBSjIo42HYOotJpxAXG4Am3cmkcDMuPa',
  '2AmAjMsImo8fe9Wt2eEztQ9cP965hlltoLjIpN/ifkAUTntuZ+9p6QwZd+Wfw8rjqI+o8Mug7GR4jOt6xWdab1Te6tvp863TZzQOXDastSFzTS',
  'Va19jqGgakBLtQRbxAauIFOvt8rdmCr4L/1SgIJ61AoqKCxn93E1FJeLJ2RAZkoTT/omRn+B8I9oMmK0EEdTFqYa40BzdGo1FlRZmNG0XXcNrE',
  'h3j/zrclQ4HnVx/QlJWlAveGFhska2BqBXp9pVHZC2srMz48JH4FAcEw0dy22wGhzPKVU/X1hizjXpdcFn1OVYD1et2iKZSg51C806r0K3uLs+',
  'tfVa0l7guJTrPuJO6pCVQ4eF+XU8AQ949WP2RM7mGKVmmprQ3uIkaNGBg+qiWEe/O8xgWCFjZx543jUM3TOLus/YP0lkkG5FNN3d6db1Waoz9s',
  'b1FDGEKldVEWZYcDHXond3oNHmIOfSjLacm8sP1sXkNr5zXuiIE/uuTx6PifB6Ojg9HRx9Fo7H7D0Wj0JxkQSBNApbnS8RxZOMcrQHXSqhLc6V',
  'ORMallDKXbwZ4pRV0JjvaaTimAFgcCrAXtJuoQ+xoRjEFlvdgYeTQ1tYahhk81mDxNGKZ8GAeNPolad5P8sbatEJRrTCajkwEKcEa+y+jJTh0z',
  'ac0huOc6G3lnJeS2sZBRj0/WXb/jJZ3DjjdyObGKLaO/Bwv11rvPXNtVm7dnVBhAZ3GjkTfZmPtqvYL1kEpzH24pntspr8lefkJH0T2JM3m7o5',
  'l1jKimFvbMx84RCmOClhWG302nNEGLPK1AFlzOm1PEDEEGaRIJeZLm4ydk1ZBLwntJQgncmEz80Pl3PEMIsZMKwjBPAu3WOiRVgTyj2v7hPTAn',
  'OlvokHwR1AoIuewcNfIb1UuwTlEhOXjmpDQJK3vvv86PqOCG+nvOua6s2H3rdbECbblJOHQFms7BHS87TGBcSAt6RcVbujaNtCbThVDe+s8bVc',
  '8XzSENMCULqtdOChjbiJjzmZ24/GxSLf/hEtFZY3QtZ+LMdZenZ+UHDOAspbxz4SOn/aYkWJq92G5zXoK07+G+9TdP+gAVYHjOqZdqTUXn5Uta',
  'GfSDfOZ5qD475CsJ/QxUqYR79NlYG5+F+iDcSkrO7yvlnDVBq4d56bNoDycx3Izemm1G/hAKrB7WOyWEur+qIlPCZ/urmnaGuYBAPFNyhpUGax',
  '1YK2MmIMTRBCNll5hGjZaay27ox30ijntFHO8RcdIn4qRXxElHhJKWMmsuqbEnI+9SowE51VAq23QBpwUIvgKfjsj15obQGzK+6SsR/rwhgxui',
  'HLtwz7MbMr6+6XF4x+2NOimnE1cyVgwqKTENUY7uQrzfSYzwbhTDuxu42O6efvr5369KpeGG3G5vyTbri++VYqosAYulQcYRfL6wpgIoDoCpcj',
  '9X+3o255tPNdVdkUtBV3ytOlQ8DFvwsuqKACH4HHPGjmiALyDWHfo9TA23QNq2y6e3toT76eQo7coEhhi7vij2NO1UKrkuVW26M07nru31Wjld',
  'KJsOVW2FUss45EyouoijNV0oFQdogEOJmjv9wudzFZ6XlXTypMia4veX2fDNeTZ8mw9/eZMNryakTefECW5GIHv7hIYyq8WMC5ETGSIoXSJ2tb',
  'LwXUbeiGEmis9mwasKio/qd7sA/ToCBiFG97QnxtJ5Cmm0rdVU1dLZbRjX0tRTwzSfJkTXsVHuzKiqdaWMq8xKc1c2eT/lVJ2sn/GanJ9SaZLx',
  'k+44QE6v4r7Hr6b1GvSdr+rz5Xnpm4Vuhx1kjF8xDNhYQt6pyt5xSXaRq0oJcRgaqz62L9PTxqk7pW24XIRpd3gXItFdfLcXwHgIHklxggCP3O',
  '5FDEYJZLBTLkaY5pmwQaimKmXI7W5Tsu1rwDfRlHyv3pwgdI3NKtgq8JWLRa64MEpPoegCSQmg14MYEl2LJg41Zr2zcK+4brhDcQH8anqu9h5Q',
  '/7UUXC7pFJf0fL/ShbQqnPAz9q3c4UHBSH9BNCiDhbzvbuJibkvPg+Bc+u3icMej438d7Afj9mCrX4HkHgfhPR2r2xWSggt9kEaLNhznd9d2a1',
  '8T+5CUBsV7vojQJj5ThEPJBinI+DJBOeT5knPlaOnLduXb4xdpOWmqXyInArwvkdGUDs8Xsh3sYMlJynuy4H0YdJMhMf0KiOkRl29R068vtwNI',
  'Zos/hLoe9cCu+zDmURdsbesuyouXga85itQHxQZgq0HFHxGuetDWTDGPAdZH3xxTHm2/EUQfTxwSbR9cF8H6FrDbutS8R0T3g1j7fixHBWdLd1',
  '1lRfk8lEQdvPPBJfZ/UHgcFLsN2nsGIL8DtO98wEDs023meuPtaLcY6P9Ai9i1lpzRr3+i9Rsaf8svtbd7v2hGvDYoH7HGzu2hecHnims08SO8',
  'uScd/NFfpvtu5P/uU3VSC8VCvR0l0PRTkOf+j8rCZ+0UnH7BF+Yfdok9EfU7WHHnTwHxdr5/uH5UFnogeDfNPtX2h13Kd7qDnb9ZNF/MGuigWx',
  'btr3N+mDJ2MsFfEmM6/3WJmvtbFWJ/hWnHBju7xEh8hpHvFiNP+yrc81m2c2e5pv4H',
].join('');

/** Each dictionary's length in bytes, in the packed order: dictionary 1, dictionary 2. */
const LENGTHS = [1_643, 8_067];

let unpacked: Buffer[] | undefined;

/** Preset dictionary `version` (1, 2), or undefined for a version this code does not know. */
export function presetDictionary(version: number): Buffer | undefined {
  if (unpacked === undefined) {
    const all = inflateRawSync(Buffer.from(PACKED, 'base64'));
    let at = 0;
    unpacked = LENGTHS.map((length) => all.subarray(at, (at += length)));
  }
  return version >= 1 ? unpacked[version - 1] : undefined;
}
