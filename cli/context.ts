// What every command gets: its parsed options, where to write, and the stack it works on (opened on first use).
import type { GlobalOptions } from './args.js';
import type { CliIO } from './io.js';
import type { Target } from './target.js';

export interface CommandContext {
  options: GlobalOptions;
  io: CliIO;
  target(): Promise<Target>;
}

/** A failure the user can act on: printed without a stack trace, exit code 1 (2 for usage). */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
