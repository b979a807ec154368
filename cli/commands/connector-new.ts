// `syncline connector new <name>`: the scaffold of scripts/connector-new.ts.
import { nextSteps, scaffoldConnector, ScaffoldRefused } from '../../scripts/connector-new.js';
import type { CommandContext } from '../context.js';
import { CommandFailed } from '../errors.js';
import { json } from '../io.js';

export async function connectorNewCommand(ctx: CommandContext, name: string): Promise<number> {
  let created;
  try {
    created = scaffoldConnector(name);
  } catch (error) {
    if (error instanceof ScaffoldRefused) throw new CommandFailed(error.message, 2);
    throw error;
  }
  ctx.io.out(ctx.options.json ? json(created) : `${nextSteps(name, created.dir)}\n`);
  return 0;
}
