// A redelivered erasure request names the subjects of its first run (same receipts), never an "unknown" one.
import { describe, expect, it } from 'vitest';
import { identifierKey } from '../identifiers.js';
import type { IdentifierEntry } from '../ports.js';
import { erasureRedelivered } from './erase-person.js';

const email = { type: 'email', value: 'anna@example.com' };
const phone = { type: 'phone', value: '+31612345678' };
const at = '2026-11-01T10:00:00.000Z';

describe('a redelivered erasure request', () => {
  it("names the profiles its markers name, with the request's identifiers that were not withheld", () => {
    const entries = new Map<string, IdentifierEntry>([
      [
        identifierKey(email),
        { sharedBy: 0, refusedBy: [], erasedAt: at, erasure: { subjects: [{ profileId: 'p-1', mergedFrom: ['p-0'] }], withheld: true } },
      ],
      [
        identifierKey(phone),
        { sharedBy: 0, refusedBy: [], erasedAt: at, erasure: { subjects: [{ profileId: 'p-1', mergedFrom: ['p-0'] }], withheld: false } },
      ],
    ]);
    expect(erasureRedelivered([email, phone], entries, at)).toEqual([{ profileId: 'p-1', identifiers: [phone], mergedFrom: ['p-0'] }]);
  });

  it('names the erased profile the index still points at while the first run has not written its markers yet', () => {
    const entries = new Map<string, IdentifierEntry>([
      [identifierKey(email), { profileId: 'p-1', sharedBy: 2, refusedBy: ['p-2'] }],
      [identifierKey(phone), { profileId: 'p-1', sharedBy: 1, refusedBy: [] }],
    ]);
    expect(erasureRedelivered([email, phone], entries, at)).toEqual([{ profileId: 'p-1', identifiers: [phone], mergedFrom: [] }]);
  });

  it('names nobody for markers of another erasure or no entry at all', () => {
    const entries = new Map<string, IdentifierEntry>([
      [
        identifierKey(email),
        {
          sharedBy: 0,
          refusedBy: [],
          erasedAt: '2026-01-01T00:00:00.000Z',
          erasure: { subjects: [{ profileId: 'p-9', mergedFrom: [] }], withheld: false },
        },
      ],
    ]);
    expect(erasureRedelivered([email, phone], entries, at)).toBeUndefined();
  });
});
