// `npx syncline <command>`: operate syncline from a terminal, locally or (with --stage) against a deployed stack.
import '../local/quiet-node-warning.js';
import { pathToFileURL } from 'node:url';
import { NoLocalStack } from '../local/state-file.js';
import { commandUsage, parseCommandLine, USAGE, UsageError, COMMANDS } from './args.js';
import type { CommandContext } from './context.js';
import { CommandFailed } from './errors.js';
import { processIO, type CliIO } from './io.js';
import { openTarget, UnknownTenant, type Target } from './target.js';
import { accountingCommand } from './commands/accounting.js';
import { backfillCommand } from './commands/backfill.js';
import { connectorNewCommand } from './commands/connector-new.js';
import { connectorsCommand } from './commands/connectors.js';
import { dlqCommand } from './commands/dlq.js';
import { eraseCommand } from './commands/erase.js';
import { erasureCommand, erasuresCommand } from './commands/erasures.js';
import { instancesCommand } from './commands/instances.js';
import { profileCommand } from './commands/profile.js';
import { quarantineCommand } from './commands/quarantine.js';
import { KEEPS_RUNNING, startCommand } from './commands/start.js';

export { KEEPS_RUNNING };
import { upliftCommand } from './commands/uplift.js';
import { unmergeCommand } from './commands/unmerge.js';
import { identityDryRunCommand } from './commands/identity.js';

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
  try {
    switch (command.name) {
      case 'help':
        if (command.topic !== undefined && !COMMANDS[command.topic]) {
          io.err(`syncline: unknown command "${command.topic}"\n\n${USAGE}`);
          return 2;
        }
        io.out(command.topic ? commandUsage(command.topic) : USAGE);
        return 0;
      case 'start':
        return await startCommand(command.args);
      case 'connectors':
        return await connectorsCommand(ctx);
      case 'connector-new':
        return await connectorNewCommand(ctx, command.connector);
      case 'instances':
        return await instancesCommand(ctx, command.tenant);
      case 'backfill':
        return await backfillCommand(ctx, command.tenant, command.instance, command.since, command.restart);
      case 'profile':
        return await profileCommand(ctx, command.tenant, command.emailOrId);
      case 'dlq':
        return await dlqCommand(ctx, command.action, command.queue, command.max);
      case 'quarantine':
        return await quarantineCommand(ctx, command.action, command.tenant, command.id);
      case 'erase':
        return await eraseCommand(ctx, command.tenant, command.email, command.wait);
      case 'erasures':
        return await erasuresCommand(ctx, command.tenant);
      case 'erasure':
        return await erasureCommand(ctx, command.tenant, command.requestId);
      case 'uplift':
        return await upliftCommand(ctx, command.tenant, command.campaign);
      case 'unmerge':
        return await unmergeCommand(ctx, command.tenant, command.profileId, command.identifier, command.reason);
      case 'identity-dry-run':
        return await identityDryRunCommand(ctx, command.tenant, command.rules);
      case 'accounting':
        return await accountingCommand(ctx, command.tenant);
      default:
        return command satisfies never;
    }
  } catch (error) {
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
    // AWS SDK errors (no credentials, access denied) name their cause; anything else keeps its stack for a bug report.
    io.err(`syncline: ${e.$metadata !== undefined || e.name === 'CredentialsProviderError' ? `${e.name}: ${e.message}` : (e.stack ?? e.message)}\n`);
    return 1;
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
