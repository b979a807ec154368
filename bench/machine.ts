// What the benchmarks ran on: printed beside every result, since absolute times only mean something with it.
import { execFileSync } from 'node:child_process';
import { cpus, platform, release, totalmem } from 'node:os';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  java: string;
  date: string;
}

function javaVersion(): string {
  try {
    // `java -version` writes to stderr.
    return execFileSync('sh', ['-c', 'java -version 2>&1'], { encoding: 'utf8' }).split('\n')[0]?.trim() || 'unknown';
  } catch {
    return 'not found';
  }
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    java: javaVersion(),
    date: new Date().toISOString(),
  };
}
