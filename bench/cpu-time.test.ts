import { describe, expect, it } from 'vitest';
import { startCpuMeter } from './cpu-time.js';

/** Busy until this process used `cpuMs` of CPU (on a loaded machine that takes longer than `cpuMs` of wall time). */
function spin(cpuMs: number): void {
  const start = process.cpuUsage();
  const gaveUp = performance.now() + 30_000;
  let x = 0;
  for (;;) {
    for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + 1);
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= cpuMs || performance.now() > gaveUp) break;
  }
  if (x < 0) throw new Error('unreachable');
}

describe('startCpuMeter', () => {
  it("reads another process's CPU seconds from /proc (here this process's own, standing in for the JVM)", () => {
    const meter = startCpuMeter(process.pid);
    spin(300);
    const used = meter.read();
    expect(used.dynamoLocalMeasured).toBe(true);
    expect(used.node, 'Node CPU seconds after 300 ms of busy loop').toBeGreaterThanOrEqual(0.3);
    // /proc counts in ticks of 10 ms: the same process seen both ways agrees to a few ticks.
    expect(Math.abs(used.dynamoLocal - used.node), `proc ${used.dynamoLocal} s, cpuUsage ${used.node} s`).toBeLessThan(0.1);
  });

  it('says so when the JVM cannot be read, and counts none of it', () => {
    const meter = startCpuMeter(2 ** 30);
    spin(20);
    expect(meter.read()).toMatchObject({ dynamoLocal: 0, dynamoLocalMeasured: false });
    expect(startCpuMeter(undefined).read().dynamoLocalMeasured).toBe(false);
  });
});
