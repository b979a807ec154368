// `syncline start [--port] [--config] [--demo]`: the local stack, exactly as `npm start` runs it.

/** Returned when the local runtime owns the process from now on: it exits on Ctrl-C, not when the command returns. */
export const KEEPS_RUNNING = -1;

export async function startCommand(args: string[]): Promise<number> {
  // local/main.ts reads process.argv and runs until Ctrl-C: hand it our arguments and let it take over.
  process.argv = [process.argv[0]!, 'local/main.ts', ...args];
  await import('../../local/main.js');
  return KEEPS_RUNNING;
}
