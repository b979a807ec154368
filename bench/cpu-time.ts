// CPU seconds spent by this Node process and by the DynamoDB Local JVM it started: the end-to-end and raw emulator
// rates per CPU second, which a machine shared with other work changes far less than their wall-clock rates.
import { readFileSync } from 'node:fs';

export interface CpuSeconds {
  node: number;
  dynamoLocal: number;
}

/** utime + stime of a process from /proc (Linux), in seconds; undefined when it cannot be read. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces): state is field 3, utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    // USER_HZ is 100 on every Linux the bench runs on.
    return Number.isFinite(ticks) ? ticks / 100 : undefined;
  } catch {
    return undefined;
  }
}

/** Starts counting now; `read()` gives the CPU seconds since. Without a readable JVM pid its part is 0 (and says so). */
export function startCpuMeter(dynamoPid: number | undefined): { read(): CpuSeconds & { dynamoLocalMeasured: boolean } } {
  const nodeStart = process.cpuUsage();
  const jvmStart = dynamoPid === undefined ? undefined : processCpuSeconds(dynamoPid);
  return {
    read() {
      const node = process.cpuUsage(nodeStart);
      const jvmNow = dynamoPid === undefined ? undefined : processCpuSeconds(dynamoPid);
      const measured = jvmStart !== undefined && jvmNow !== undefined;
      return {
        node: (node.user + node.system) / 1e6,
        dynamoLocal: measured ? jvmNow - jvmStart : 0,
        dynamoLocalMeasured: measured,
      };
    },
  };
}
