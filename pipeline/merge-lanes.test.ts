import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { groupIntoLanes } from './merge-lanes.js';

describe('groupIntoLanes', () => {
  it('puts items that share a token, directly or through another item, in one lane, in their order', () => {
    const items = [
      { id: 'view', tokens: ['cookie:c1'] },
      { id: 'other', tokens: ['email:b@example.com'] },
      { id: 'login', tokens: ['email:a@example.com', 'cookie:c1'] },
      { id: 'order', tokens: ['email:a@example.com'] },
    ];
    const lanes = groupIntoLanes(items, (i) => i.tokens).map((lane) => lane.map((i) => i.id));
    expect(lanes).toEqual([['view', 'login', 'order'], ['other']]);
  });

  it('joins events that only meet in the profile they lead to', () => {
    // An anonymous page view and an order by e-mail: no shared identifier, one profile (p1) found for both.
    const items = [
      { id: 'view', tokens: ['cookie:c1', 'profile:p1'] },
      { id: 'order', tokens: ['email:a@example.com', 'profile:p1'] },
    ];
    expect(groupIntoLanes(items, (i) => i.tokens)).toHaveLength(1);
  });

  it('gives an item without tokens a lane of its own', () => {
    expect(groupIntoLanes([{ tokens: [] }, { tokens: [] }], (i) => i.tokens)).toHaveLength(2);
  });

  it('keeps every item exactly once, and no two lanes share a token', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 12 }).map(String), { maxLength: 3 }), { maxLength: 30 }), (tokenLists) => {
        const items = tokenLists.map((tokens, index) => ({ index, tokens }));
        const lanes = groupIntoLanes(items, (i) => i.tokens);
        expect(
          lanes
            .flat()
            .map((i) => i.index)
            .sort((a, b) => a - b),
        ).toEqual(items.map((i) => i.index));
        for (const lane of lanes) for (let k = 1; k < lane.length; k++) expect(lane[k]!.index).toBeGreaterThan(lane[k - 1]!.index);
        const owner = new Map<string, number>();
        lanes.forEach((lane, n) => {
          for (const token of lane.flatMap((i) => i.tokens)) {
            expect(owner.get(token) ?? n).toBe(n);
            owner.set(token, n);
          }
        });
      }),
    );
  });
});
