// What every command gets: its parsed options, where to write, and the stack it works on (opened on first use).
import type { GlobalOptions } from './args.js';
import type { CliIO } from './io.js';
import type { Target } from './target.js';

export interface CommandContext {
  options: GlobalOptions;
  io: CliIO;
  target(): Promise<Target>;
}
