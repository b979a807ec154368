import { describe, expect, it } from 'vitest';
import { TenantCredentials, type AssumeRoleRequest, type RoleAssumer, type TemporaryCredentials } from './tenant-credentials.js';

const ROLE = 'arn:aws:iam::123456789012:role/syncline-dev-tenant-data';

/** Answers like STS: credentials valid for the requested duration, numbered so that tests can tell them apart. */
class FakeSts implements RoleAssumer {
  readonly requests: AssumeRoleRequest[] = [];
  failNext = false;
  constructor(private readonly clock: { now: number }) {}
  async assume(request: AssumeRoleRequest): Promise<TemporaryCredentials> {
    this.requests.push(request);
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('AccessDenied: not authorized to perform sts:TagSession');
    }
    const n = this.requests.length;
    return {
      accessKeyId: `ASIA${n}`,
      secretAccessKey: `secret-${n}`,
      sessionToken: `session-${n}`,
      expiration: new Date(this.clock.now + request.durationSeconds * 1000),
    };
  }
}

function setup() {
  const clock = { now: Date.parse('2026-11-20T09:00:00Z') };
  const sts = new FakeSts(clock);
  const credentials = new TenantCredentials({
    roleArn: ROLE,
    assumer: sts,
    durationSeconds: 900,
    refreshBeforeMs: 60_000,
    now: () => clock.now,
  });
  return { clock, sts, credentials };
}

describe('TenantCredentials', () => {
  it('assumes the tenant data role with the tenant as session tag', async () => {
    const { sts, credentials } = setup();
    expect(await credentials.for('acme')).toMatchObject({ accessKeyId: 'ASIA1', sessionToken: 'session-1' });
    expect(sts.requests).toEqual([{ roleArn: ROLE, sessionName: 'syncline-acme', tags: { tenant: 'acme' }, durationSeconds: 900 }]);
  });

  it('reuses a tenant’s credentials, also for concurrent callers, and keeps tenants apart', async () => {
    const { sts, credentials } = setup();
    const [a, b] = await Promise.all([credentials.for('acme'), credentials.for('acme')]);
    expect(b).toBe(a);
    expect(await credentials.for('acme')).toBe(a);
    const other = await credentials.for('globex');
    expect(other.accessKeyId).not.toBe(a.accessKeyId);
    expect(sts.requests.map((r) => r.tags.tenant)).toEqual(['acme', 'globex']);
  });

  it('renews the credentials shortly before they expire, not after', async () => {
    const { clock, sts, credentials } = setup();
    const first = await credentials.for('acme');
    clock.now += 900_000 - 61_000; // 61 s left: still good
    expect(await credentials.for('acme')).toBe(first);
    clock.now += 2_000; // 59 s left: within refreshBeforeMs
    expect((await credentials.for('acme')).accessKeyId).toBe('ASIA2');
    expect(sts.requests).toHaveLength(2);
  });

  it('does not cache a failed assume: the next call tries again', async () => {
    const { sts, credentials } = setup();
    sts.failNext = true;
    await expect(credentials.for('acme')).rejects.toThrow(/TagSession/);
    expect((await credentials.for('acme')).accessKeyId).toBe('ASIA2');
  });
});
