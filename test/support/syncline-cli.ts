// The `syncline` CLI as a user's terminal runs it against a local stack: the stack's state file tells it where the
// stack listens; its output is captured for the test to read.
import { runCli } from '../../cli/main.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function runSyncline(stateFile: string, ...argv: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runCli(
    [...argv, '--state-file', stateFile],
    { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false },
    {},
  );
  return { code, out, err };
}
