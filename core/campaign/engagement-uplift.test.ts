import { describe, expect, it } from 'vitest';
import { activity, build, config, daysAgo, line, NOW, order } from '../../test/support/campaign-profiles.js';
import type { Profile } from '../profile.js';
import { inHoldout } from './control-group.js';
import { upliftReport } from './uplift.js';

const STARTS = daysAgo(20);
const campaignOf = (extra: Record<string, unknown>) =>
  config({ campaigns: [{ id: 'newsletter', controlShare: 0.5, startsAt: STARTS, measureDays: 14, audience: 'orderCount', ...extra }] });

/** 40 one-order customers, split by the campaign's own hash; `behave` adds what each does after the start. */
function population(behave: (group: 'holdout' | 'exposed', index: number) => Parameters<typeof build>) {
  const counters = { holdout: 0, exposed: 0 };
  const out: Profile[] = [];
  for (let i = 0; i < 40; i++) {
    const profileId = `p${i}`;
    const group = inHoldout('acme', 'newsletter', profileId, 0.5) ? 'holdout' : 'exposed';
    const p = build(order(daysAgo(60), [line('A', 'paint', 20)]), ...behave(group, counters[group]++));
    out.push({ ...p, profileId });
  }
  return { profiles: out, sizes: counters };
}

const open = (days: number, campaign = 'newsletter-june') => activity('email.engaged', daysAgo(days), { kind: 'open', campaign });
const click = (days: number, campaign = 'newsletter-june') => activity('email.engaged', daysAgo(days), { kind: 'click', campaign });

describe('engagement uplift', () => {
  it('compares open and click rates of a generic-mail holdout with the exposed group, per campaign mail', () => {
    // Holdout: every 4th opens, every 8th clicks; exposed: every 2nd opens, every 4th clicks (Praxis: +100 %).
    const { profiles, sizes } = population((group, i) => {
      const step = group === 'holdout' ? 4 : 2;
      return [...(i % step === 0 ? [open(18)] : []), ...(i % (step * 2) === 0 ? [click(17)] : [])];
    });
    const c = campaignOf({ holdout: 'generic-mail', mails: ['newsletter-june'] });
    const report = upliftReport(profiles, c, c.campaigns[0]!, NOW);
    const opened = (n: number, step: number) => Math.ceil(n / step);
    const e = report.engagement;
    expect(e.comparable).toBe(true);
    expect(e.holdout).toMatchObject({ profiles: sizes.holdout, opened: opened(sizes.holdout, 4), clicked: opened(sizes.holdout, 8) });
    expect(e.exposed).toMatchObject({ profiles: sizes.exposed, opened: opened(sizes.exposed, 2), clicked: opened(sizes.exposed, 4) });
    expect(e.exposed.openRate).toBeCloseTo(opened(sizes.exposed, 2) / sizes.exposed, 4);
    expect(e.openUplift).toBeCloseTo(e.exposed.openRate! / e.holdout.openRate! - 1, 3);
    expect(e.clickUplift).toBeCloseTo(e.exposed.clickRate! / e.holdout.clickRate! - 1, 3);
    expect(e.openUplift, 'exposed opened about twice as often').toBeGreaterThan(0.5);
  });

  it('counts a click as an open, ignores other mails and anything outside the window, and matches Copernica tags', () => {
    const { profiles, sizes } = population((group, i) =>
      group === 'exposed' && i === 0
        ? [click(15, 'week-23,newsletter-june')]
        : [
            open(18, 'abandoned-cart'),
            open(25),
            open(2),
            activity('email.engaged', daysAgo(18), { kind: 'sent', campaign: 'newsletter-june' }),
          ],
    );
    const c = campaignOf({ holdout: 'generic-mail', mails: ['newsletter-june'] });
    const e = upliftReport(profiles, c, c.campaigns[0]!, NOW).engagement;
    expect(e.exposed).toMatchObject({ profiles: sizes.exposed, opened: 1, clicked: 1 });
    expect(e.holdout).toMatchObject({ opened: 0, clicked: 0 });
    expect(e.openUplift, 'no holdout opens: no relative figure').toBeNull();
  });

  it('shows the rates but compares nothing when the holdout receives no mail', () => {
    const { profiles } = population(() => [open(18)]);
    const c = campaignOf({});
    const e = upliftReport(profiles, c, c.campaigns[0]!, NOW).engagement;
    expect(e.comparable).toBe(false);
    expect(e.exposed.openRate).toBe(1);
    expect([e.openUplift, e.clickUplift]).toEqual([null, null]);
  });

  it('reports revenue in the window per group and its uplift per profile', () => {
    const { profiles, sizes } = population((group, i) =>
      group === 'exposed' ? [order(daysAgo(10), [line('B', 'paint', 30)])] : i === 0 ? [order(daysAgo(10), [line('B', 'paint', 30)])] : [],
    );
    const c = campaignOf({});
    const r = upliftReport(profiles, c, c.campaigns[0]!, NOW);
    expect(r.exposed).toMatchObject({ converted: sizes.exposed, revenue: 30 * sizes.exposed, revenuePerProfile: 30 });
    expect(r.holdout).toMatchObject({ converted: 1, revenue: 30 });
    expect(r.revenueUplift).toBeCloseTo(30 / (30 / sizes.holdout) - 1, 2);
  });

  it('keeps a generic-mail holdout in an audience of a field it receives empty', () => {
    const jobs = { nextJob: { jobs: [{ id: 'painting', categories: ['paint'] }] } };
    const c = config({
      ...jobs,
      campaigns: [
        { id: 'newsletter', controlShare: 0.5, startsAt: STARTS, audience: 'nextJob', holdout: 'generic-mail', personalises: ['nextJob'] },
      ],
    });
    const { profiles, sizes } = population(() => []);
    const viewed = profiles.map((p) => {
      const withView = build(activity('product.viewed', daysAgo(22), { productId: 'x', category: 'paint' }));
      return { ...p, activity: withView.activity };
    });
    const r = upliftReport(viewed, c, c.campaigns[0]!, NOW);
    expect([r.holdout.profiles, r.exposed.profiles]).toEqual([sizes.holdout, sizes.exposed]);
  });
});
