// The running local stack's endpoints and queue URLs, in a file, so that CLI tools in another process can find them.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SynclineConfig } from '../core/config.js';

export const DEFAULT_STATE_FILE = '.syncline/local.json';

export interface LocalState {
  pid: number;
  startedAt: string;
  /** The local server: webhooks, profiles, status, quarantine. */
  url: string;
  region: string;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  tables: { profiles: string; ops: string };
  queues: { changes: string; changesDlq: string; push: string; pushDlq: string };
  /** The tenants and instances the stack runs (no secrets: those are never in the config), for `syncline`. */
  config?: SynclineConfig;
  /** The identifier digest key's file (local/digest-key-file.ts), which the CLI reads to find profiles by e-mail. */
  digestKeyFile?: string;
}

export class NoLocalStack extends Error {
  override readonly name = 'NoLocalStack';
}

export function writeLocalState(path: string, state: LocalState): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** Removes the file only if it is still ours: a second stack may have started since. */
export function removeLocalState(path: string, pid = process.pid): void {
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as Partial<LocalState>;
    if (state.pid === pid) rmSync(path, { force: true });
  } catch {
    // Already gone or unreadable: nothing to clean up.
  }
}

export function readLocalState(path = DEFAULT_STATE_FILE): LocalState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new NoLocalStack(`no local stack is running (no ${path}): start one with \`npm start\` in this directory`);
  }
  let state: LocalState;
  try {
    state = JSON.parse(text) as LocalState;
  } catch {
    throw new NoLocalStack(`${path} is not valid JSON: stop any local stack, delete the file and run \`npm start\` again`);
  }
  if (!isAlive(state.pid))
    throw new NoLocalStack(
      `no local stack is running: ${path} was left by process ${state.pid}, which has exited (delete the file, or run \`npm start\`)`,
    );
  return state;
}

function isAlive(pid: unknown): boolean {
  if (typeof pid !== 'number') return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
