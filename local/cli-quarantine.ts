// `npm run quarantine -- list|replay <tenant> [id]`: quarantined webhook deliveries of the running local stack.
// Replays run inside the stack (POST /api/quarantine/…/replay): verifying a signature needs the secrets it holds.
import { parseArgs } from 'node:util';
import type { QuarantineEntry } from '../core/ports.js';
import type { ReplayOutcome } from '../pipeline/replay-quarantine.js';
import { readLocalState, type LocalState } from './state-file.js';

const HELP = `usage: npm run quarantine -- list   <tenant>
       npm run quarantine -- replay <tenant> [id]

  list    deliveries that were verified but could not be parsed, newest first, with the reason
  replay  run them (or the one with this id) through the webhook pipeline again, with the same signature check;
          what is accepted now is queued and leaves the quarantine

Works against the stack \`npm start\` is running in this directory (it writes .syncline/local.json).
`;

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function call<T>(state: LocalState, method: 'GET' | 'POST', path: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${state.url}${path}`, { method });
  } catch (error) {
    fail(`the local stack at ${state.url} did not answer: ${(error as Error).message}`, 1);
  }
  const text = await response.text();
  if (!response.ok) fail(`the local stack answered ${response.status} to ${method} ${path}: ${text}`, 1);
  return JSON.parse(text) as T;
}

async function main(): Promise<void> {
  let positionals: string[];
  try {
    const parsed = parseArgs({ allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
    if (parsed.values.help) return void process.stdout.write(HELP);
    positionals = parsed.positionals;
  } catch (error) {
    fail(`${(error as Error).message}\n\n${HELP}`);
  }
  const [command, tenant, id, ...extra] = positionals;
  if (command !== 'list' && command !== 'replay') fail(`${command ? `unknown command "${command}"` : 'give a command'}\n\n${HELP}`);
  if (!tenant) fail(`give the tenant: npm run quarantine -- ${command} <tenant>${command === 'replay' ? ' [id]' : ''}`);
  if (command === 'list' && id !== undefined) fail(`list takes only the tenant, not "${id}"`);
  if (extra.length > 0) fail(`unexpected argument "${extra[0]}"\n\n${HELP}`);

  let state: LocalState;
  try {
    state = readLocalState();
  } catch (error) {
    fail((error as Error).message, 1);
  }
  const base = `/api/quarantine/${encodeURIComponent(tenant)}`;
  if (command === 'list') {
    const entries = await call<QuarantineEntry[]>(state, 'GET', base);
    if (entries.length === 0) process.stdout.write(`nothing quarantined for tenant ${tenant}\n`);
    for (const e of entries) process.stdout.write(`${e.id}  ${e.receivedAt}  ${e.instance}  ${e.reason}\n`);
    return;
  }
  const outcomes = await call<ReplayOutcome[]>(state, 'POST', `${base}/replay${id ? `/${encodeURIComponent(id)}` : ''}`);
  if (outcomes.length === 0) process.stdout.write(`nothing quarantined for tenant ${tenant}\n`);
  for (const o of outcomes) {
    const detail = o.status === 'replayed' ? `${o.accepted ?? 0} event(s) queued, removed from quarantine` : (o.reason ?? '');
    process.stdout.write(`${o.id}  ${o.instance ?? ''}  ${o.status}  ${detail}\n`);
  }
  if (outcomes.some((o) => o.status !== 'replayed')) process.exitCode = 1;
}

void main();
