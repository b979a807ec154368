import { describe, expect, it } from 'vitest';
import { itemKind } from './counting.js';

describe('write units by item kind', () => {
  it('labels an item by its partition type and sort key head, never by a tenant, profile id or digest', () => {
    expect(itemKind({ pk: 'T#acme#P#3f2a', sk: 'PROFILE' })).toBe('P/PROFILE');
    expect(itemKind({ pk: 'T#acme#H#3f2a', sk: 'B#digest' })).toBe('H/B');
    expect(itemKind({ pk: 'T#acme#P#3f2a', sk: 'PUSH#mail' })).toBe('P/PUSH');
    expect(itemKind({ pk: 'T#acme#Q', sk: '2026-01-01T00:00:00Z#id' })).toBe('Q/<time>');
    expect(itemKind(undefined)).toBe('?/');
  });
});
