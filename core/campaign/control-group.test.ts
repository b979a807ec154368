import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holdoutField, holdoutPosition, inHoldout } from './control-group.js';

describe('control group', () => {
  it('is stable: the same tenant, campaign and profile always land on the same side', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.uuid(), fc.double({ min: 0, max: 0.5, noNaN: true }), (t, c, p, share) => {
        expect(inHoldout(t, c, p, share)).toBe(inHoldout(t, c, p, share));
      }),
    );
  });

  it('holds out about the configured share, and a larger share keeps everyone already held out', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 0.5, noNaN: true }), fc.string({ minLength: 1 }), (share, campaign) => {
        const ids = Array.from({ length: 2000 }, (_, i) => `profile-${i}`);
        const held = ids.filter((id) => inHoldout('acme', campaign, id, share));
        expect(Math.abs(held.length / ids.length - share)).toBeLessThan(0.05);
        expect(held.every((id) => inHoldout('acme', campaign, id, share + 0.1))).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it('splits independently per campaign and per tenant', () => {
    expect(holdoutPosition('acme', 'a', 'p1')).not.toBe(holdoutPosition('acme', 'b', 'p1'));
    expect(holdoutPosition('acme', 'a', 'p1')).not.toBe(holdoutPosition('other', 'a', 'p1'));
  });

  it('names the field after the campaign', () => {
    expect(holdoutField('win-back')).toBe('holdoutWinBack');
  });
});
