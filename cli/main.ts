// `npx syncline <command>`: operate syncline from a terminal, locally or (with --stage) against a deployed stack.
import '../local/quiet-node-warning.js';
import { pathToFileURL } from 'node:url';
import { NoLocalStack } from '../local/state-file.js';
import { commandUsage, parseCommandLine, USAGE, UsageError, COMMANDS, type Command } from './args.js';
import type { CommandContext } from './context.js';
import { CommandFailed } from './errors.js';
import { processIO, type CliIO } from './io.js';
import { openTarget, UnknownTenant, type Target } from './target.js';
import { accountingCommand } from './commands/accounting.js';
import { backfillCommand } from './commands/backfill.js';
import { resyncCommand } from './commands/resync.js';
import { connectorNewCommand } from './commands/connector-new.js';
import { configCheckCommand } from './commands/config.js';
import { connectorsCommand } from './commands/connectors.js';
import { dlqCommand } from './commands/dlq.js';
import { eraseCommand } from './commands/erase.js';
import { erasureCommand, erasuresCommand } from './commands/erasures.js';
import { instancesCommand } from './commands/instances.js';
import { webhooksCommand } from './commands/webhooks.js';
import { connectCommand } from './commands/connect.js';
import { doctorCommand } from './commands/doctor.js';
import { profileCommand } from './commands/profile.js';
import { quarantineCommand } from './commands/quarantine.js';
import { KEEPS_RUNNING, startCommand } from './commands/start.js';
import { upliftCommand } from './commands/uplift.js';
import { unmergeCommand } from './commands/unmerge.js';
import { identityDryRunCommand } from './commands/identity.js';
import { migrateCommand } from './commands/migrate.js';

export { KEEPS_RUNNING };

type Handlers = { [N in Command['name']]: (ctx: CommandContext, command: Extract<Command, { name: N }>) => Promise<number> };

const HANDLERS: Handlers = {
  help: async ({ io }, { topic }) => {
    if (topic !== undefined && !COMMANDS[topic]) {
      io.err(`syncline: unknown command "${topic}"\n\n${USAGE}`);
      return 2;
    }
    io.out(topic ? commandUsage(topic) : USAGE);
    return 0;
  },
  start: (_, c) => startCommand(c.args),
  'config-check': (ctx) => configCheckCommand(ctx),
  connectors: (ctx) => connectorsCommand(ctx),
  'connector-new': (ctx, c) => connectorNewCommand(ctx, c.connector),
  instances: (ctx, c) => instancesCommand(ctx, c.tenant),
  webhooks: (ctx, c) => webhooksCommand(ctx, c.tenant, c.baseUrl),
  connect: (ctx, c) =>
    connectCommand(ctx, c.tenant, c.instance, { dryRun: c.dryRun, check: c.check, ...(c.baseUrl ? { baseUrl: c.baseUrl } : {}) }),
  doctor: (ctx, c) => doctorCommand(ctx, c.tenant, c.baseUrl),
  backfill: (ctx, c) => backfillCommand(ctx, c.tenant, c.instance, c.since, c.restart),
  resync: (ctx, c) =>
    resyncCommand(ctx, c.tenant, c.instance, {
      dryRun: c.dryRun,
      full: c.full,
      restart: c.restart,
      ...(c.batchSize !== undefined ? { batchSize: c.batchSize } : {}),
    }),
  profile: (ctx, c) => profileCommand(ctx, c.tenant, c.emailOrId),
  dlq: (ctx, c) => dlqCommand(ctx, c.action, c.queue, c.max),
  quarantine: (ctx, c) => quarantineCommand(ctx, c.action, c.tenant, c.id),
  erase: (ctx, c) => eraseCommand(ctx, c.tenant, c.identifier, c.wait),
  erasures: (ctx, c) => erasuresCommand(ctx, c.tenant),
  erasure: (ctx, c) => erasureCommand(ctx, c.tenant, c.requestId),
  uplift: (ctx, c) => upliftCommand(ctx, c.tenant, c.campaign),
  unmerge: (ctx, c) => unmergeCommand(ctx, c.tenant, c.profileId, c.identifier, c.reason),
  'identity-dry-run': (ctx, c) => identityDryRunCommand(ctx, c.tenant, c.rules),
  accounting: (ctx, c) => accountingCommand(ctx, c.tenant),
  migrate: (ctx) => migrateCommand(ctx),
};

/** What a failed command prints, and its exit code: the user's mistakes plainly, a bug with its stack trace. */
function reportFailure(io: CliIO, error: unknown): number {
  if (error instanceof UnknownTenant) {
    io.err(`syncline: ${error.message}\n`);
    return 2;
  }
  if (error instanceof CommandFailed) {
    io.err(`syncline: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof NoLocalStack) {
    io.err(`syncline: ${error.message} (or give --stage dev|prod for a deployed stack)\n`);
    return 1;
  }
  const e = error as Error & { $metadata?: unknown };
  if (e.message === 'Region is missing') {
    io.err('syncline: the AWS SDK found no region: set AWS_REGION, or a region in your AWS profile (AWS_PROFILE)\n');
    return 1;
  }
  // AWS SDK errors (no credentials, access denied) name their cause; anything else keeps its stack for a bug report.
  io.err(
    `syncline: ${e.$metadata !== undefined || e.name === 'CredentialsProviderError' ? `${e.name}: ${e.message}` : (e.stack ?? e.message)}\n`,
  );
  return 1;
}

/** Runs one command line; resolves to the exit code (0 done, 1 failed, 2 wrong arguments), or KEEPS_RUNNING for `start`. */
export async function runCli(argv: readonly string[], io: CliIO = processIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`syncline: ${error.message}\n\n${error.usage}`);
    return 2;
  }
  const { command, options } = parsed;
  let opened: Promise<Target> | undefined;
  const ctx: CommandContext = { options, io, target: () => (opened ??= openTarget(options)) };
  const handler = HANDLERS[command.name] as (ctx: CommandContext, command: Command) => Promise<number>;
  try {
    return await handler(ctx, command);
  } catch (error) {
    return reportFailure(io, error);
  } finally {
    if (opened) await opened.then((t) => t.close()).catch(() => {});
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      if (code !== KEEPS_RUNNING) process.exitCode = code;
    },
    (error: Error) => {
      process.stderr.write(`syncline: ${error.stack ?? error.message}\n`);
      process.exitCode = 1;
    },
  );
}
