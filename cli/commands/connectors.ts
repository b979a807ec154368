// `syncline connectors`: the installed connectors and what each can do (no stack needed).
import { installedConnectors } from '../../connectors/index.js';
import { capabilitiesOf } from '../../connectors/sdk/index.js';
import type { CommandContext } from '../context.js';
import { json, table } from '../io.js';

export async function connectorsCommand(ctx: CommandContext): Promise<number> {
  const rows = Object.values(installedConnectors)
    .map((c) => ({ name: c.name, kind: c.kind, capabilities: capabilitiesOf(c), description: c.description }))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (ctx.options.json) {
    ctx.io.out(json(rows));
    return 0;
  }
  const yes = (b: boolean) => (b ? 'yes' : '-');
  ctx.io.out(
    table(
      ['connector', 'kind', 'webhook', 'poll', 'push', 'erase', 'description'],
      rows.map((r) => [
        r.name,
        r.kind,
        yes(r.capabilities.webhook),
        yes(r.capabilities.poll),
        yes(r.capabilities.push),
        yes(r.capabilities.erase),
        r.description,
      ]),
    ),
  );
  return 0;
}
