import { describe, expect, it } from 'vitest';
import { activity, build, config, daysAgo, line, NOW, order } from '../../test/support/campaign-profiles.js';
import { campaignFields } from './campaign-fields.js';
import { nextDueAt } from './due-time.js';
import { nextJob } from './next-job.js';
import { computeTraits } from './traits.js';
import type { Profile } from '../profile.js';

const JOBS = {
  nextJob: {
    jobs: [
      { id: 'bathroom', categories: ['Tiles', 'grout', 'sanitary'] },
      { id: 'painting', categories: ['paint', 'primer'] },
      { id: 'garden', categories: ['garden-tools'] },
    ],
  },
};
const rules = () => config(JOBS);
const jobOf = (p: Profile, now = NOW) => nextJob(p, computeTraits(p, rules()), rules().nextJob, now);
const view = (days: number, category: string) =>
  activity('product.viewed', daysAgo(days), { productId: `p-${category}-${days}`, category });
const search = (days: number, category: string) => activity('search.performed', daysAgo(days), { query: category, category });

describe('next job', () => {
  it('names no job without a signal, without a category, or when the tenant configured no jobs', () => {
    expect(jobOf(build())).toBeNull();
    expect(jobOf(build(activity('product.viewed', daysAgo(1), { productId: 'x' })))).toBeNull();
    expect(jobOf(build(view(1, 'kitchen')))).toBeNull();
    const p = build(view(1, 'paint'), view(2, 'paint'));
    expect(nextJob(p, computeTraits(p, config()), config().nextJob, NOW)).toBeNull();
  });

  it('weighs recent behaviour above older behaviour: one view this week beats two views three weeks ago', () => {
    // 1 (this week) against 2 × 0.125 (three half-lives old).
    const p = build(view(22, 'garden-tools'), view(23, 'garden-tools'), view(1, 'paint'));
    expect(jobOf(p)).toMatchObject({ job: 'painting', reason: 'viewed paint ×1' });
  });

  it('forgets behaviour older than the window, and gives old behaviour little confidence', () => {
    const anyConfidence = config({ nextJob: { ...JOBS.nextJob, minConfidence: 0 } }).nextJob;
    const old = build(search(41, 'paint'));
    expect(nextJob(old, computeTraits(old, rules()), anyConfidence, NOW)).toMatchObject({ job: 'painting', confidence: 0.06 });
    expect(jobOf(old), 'under the default minimum confidence').toBeNull();
    const outside = build(search(43, 'paint'), search(50, 'primer'));
    expect(nextJob(outside, computeTraits(outside, rules()), anyConfidence, NOW)).toBeNull();
  });

  it('counts own purchases (the loyalty card at the till) with their weight, but not gifts', () => {
    const bought = build(view(2, 'paint'), order(daysAgo(3), [line('T1', 'tiles'), line('G1', 'grout')], { channel: 'pos' }));
    expect(jobOf(bought)).toMatchObject({ job: 'bathroom', reason: 'bought grout ×1; bought tiles ×1' });
    const gift = build(view(2, 'paint'), order(daysAgo(3), [line('T1', 'tiles'), line('G1', 'grout')], { gift: true }));
    expect(jobOf(gift)?.job).toBe('painting');
  });

  it('compares categories ignoring case and gives the reason with the strongest signals first', () => {
    const p = build(search(1, 'TILES'), search(2, 'tiles'), view(3, 'Grout'), view(4, 'sanitary'), view(5, 'sanitary'));
    expect(jobOf(p)).toMatchObject({ job: 'bathroom', reason: 'searched tiles ×2; viewed sanitary ×2; viewed grout ×1' });
  });

  it('breaks a tie on score by the newest signal, then by the order of the jobs in the config', () => {
    expect(jobOf(build(view(3, 'paint'), view(2, 'tiles')))?.job).toBe('bathroom');
    expect(jobOf(build(view(2, 'paint'), view(3, 'tiles')))?.job).toBe('painting');
    // Same time, same weight: the job listed first.
    const sameTime = build(
      activity('product.viewed', daysAgo(2), { productId: 'a', category: 'paint' }),
      activity('product.viewed', daysAgo(2), { productId: 'b', category: 'tiles' }),
    );
    expect(jobOf(sameTime)?.job).toBe('bathroom');
  });

  it('gives a confidence that grows with consistent evidence and names no job when the evidence is split', () => {
    expect(jobOf(build(view(1, 'paint')))?.confidence).toBe(0.5);
    expect(jobOf(build(view(1, 'paint'), view(1, 'primer'), view(2, 'paint')))?.confidence).toBe(0.75);
    // 1 of 1 + 1 + 1 + 1 (+1 doubt) = 0.2, under the default 0.3.
    expect(jobOf(build(view(1, 'paint'), view(1, 'tiles'), view(1, 'garden-tools'), view(1, 'kitchen')))).toBeNull();
  });

  it('projects nextJob, its reason and confidence, and leaves them empty for the holdout of a campaign that personalises them', () => {
    const p = build(search(1, 'paint'));
    expect(campaignFields(p, { campaigns: rules(), now: NOW })).toMatchObject({
      nextJob: 'painting',
      nextJobReason: 'searched paint ×1',
      nextJobConfidence: 0.67,
    });
    const everyoneHeldOut = config({
      ...JOBS,
      campaigns: [{ id: 'newsletter', controlShare: 0.5, holdout: 'generic-mail', personalises: ['nextJob', 'nextJobReason'] }],
    });
    // controlShare is at most 0.5: find a profile id that falls in the holdout.
    const held = ['a', 'b', 'c', 'd', 'e', 'f']
      .map((id) => ({ ...p, profileId: id }))
      .map((q) => campaignFields(q, { campaigns: everyoneHeldOut, now: NOW }))
      .find((f) => f.holdoutNewsletter === true)!;
    expect(held).toMatchObject({ nextJob: null, nextJobReason: null, nextJobConfidence: 0.67 });
  });

  it('makes the profile due when a signal weighs less or leaves the window, so the sweep recomputes the job', () => {
    const p = build(view(6, 'paint'));
    // The view is 6 days old: it halves at 7 days.
    expect(nextDueAt(p, rules(), NOW)).toBe(new Date(Date.parse(daysAgo(6)) + 7 * 86_400_000 + 1).toISOString());
    expect(nextDueAt(p, config(), NOW)).not.toBe(new Date(Date.parse(daysAgo(6)) + 7 * 86_400_000 + 1).toISOString());
  });
});
