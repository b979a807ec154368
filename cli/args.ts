// The command line of `syncline`: which command, its arguments and the global options, or a UsageError that says
// what is wrong and shows the usage. Pure: no stack is touched here.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isStage, STAGES, type StageName } from '../operator/stage.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

export interface GlobalOptions {
  json: boolean;
  /** Against a deployed stack with the user's AWS credentials; absent: the local stack of this directory. */
  stage?: StageName;
  /** The running local stack's state file. */
  stateFile: string;
  /** The config file of a deployed stage (what `cdk deploy` read); the local stack reports its own. */
  configFile: string;
}

export type Command =
  | { name: 'help'; topic?: string }
  | { name: 'start'; args: string[] }
  | { name: 'connectors' }
  | { name: 'connector-new'; connector: string }
  | { name: 'instances'; tenant?: string }
  | { name: 'backfill'; tenant: string; instance: string; since?: Date; restart: boolean }
  | { name: 'profile'; tenant: string; emailOrId: string }
  | { name: 'dlq'; action: 'list' | 'replay'; queue?: 'changes' | 'push'; max?: number }
  | { name: 'quarantine'; action: 'list' | 'replay'; tenant: string; id?: string }
  | { name: 'erase'; tenant: string; email: string; wait: boolean }
  | { name: 'uplift'; tenant: string; campaign: string }
  | { name: 'unmerge'; tenant: string; profileId: string; identifier: string; reason?: string }
  | { name: 'identity-dry-run'; tenant: string; rules: string }
  | { name: 'accounting'; tenant?: string }
  | { name: 'erasures'; tenant: string }
  | { name: 'erasure'; tenant: string; requestId: string };

type Options = NonNullable<ParseArgsConfig['options']>;

const GLOBAL: Options = {
  json: { type: 'boolean' },
  stage: { type: 'string' },
  'state-file': { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

interface Spec {
  usage: string;
  summary: string;
  options?: Options;
}

export const COMMANDS: Record<string, Spec> = {
  start: { usage: 'syncline start [--port 3000] [--config syncline.config.json] [--demo]', summary: 'run the local stack (same as npm start)' },
  connectors: { usage: 'syncline connectors [--json]', summary: 'installed connectors and what each can do' },
  connector: { usage: 'syncline connector new <name>', summary: 'scaffold connectors/<name>/ with a failing contract test' },
  instances: { usage: 'syncline instances [<tenant>] [--json]', summary: 'tenants and instances: last webhook/poll, lag, errors' },
  backfill: {
    usage: 'syncline backfill <tenant> <instance> [--since 2024-01-01] [--restart] [--json]',
    summary: 'resync an instance by polling from the start (resumes an interrupted one)',
    options: { since: { type: 'string' }, restart: { type: 'boolean' } },
  },
  profile: { usage: 'syncline profile <tenant> <email|profile-id> [--json]', summary: 'the merged profile, the source of every field, segments' },
  dlq: {
    usage: 'syncline dlq list [--queue changes|push]\n       syncline dlq replay [--queue changes|push] [--max N]',
    summary: 'dead letters: look, and move them back after a fix',
    options: { queue: { type: 'string' }, max: { type: 'string' } },
  },
  quarantine: {
    usage: 'syncline quarantine list <tenant>\n       syncline quarantine replay <tenant> [<id>]',
    summary: 'verified webhooks that failed to parse: look, and replay them',
  },
  erase: {
    usage: 'syncline erase <tenant> <email> [--wait]',
    summary: 'GDPR erasure through the pipeline (profile and destinations)',
    options: { wait: { type: 'boolean' } },
  },
  erasures: { usage: 'syncline erasures <tenant> [--json]', summary: 'erasure receipts: each request and what every destination said' },
  erasure: { usage: 'syncline erasure <tenant> <request-id> [--json]', summary: 'one erasure receipt: status, reason and attempts per destination' },
  uplift: { usage: 'syncline uplift <tenant> <campaign> [--json]', summary: "a campaign's uplift against its control group" },
  unmerge: {
    usage: 'syncline unmerge <tenant> <profile-id> --identifier <value> [--reason "shared tablet"] [--json]',
    summary: 'split a wrong merge back into its people (journaled, destinations updated)',
    options: { identifier: { type: 'string' }, reason: { type: 'string' } },
  },
  identity: {
    usage: 'syncline identity dry-run <tenant> --rules new-rules.json [--json]',
    summary: 'what changed identity rules would merge and split (writes nothing)',
    options: { rules: { type: 'string' } },
  },
  accounting: { usage: 'syncline accounting [<tenant>] [--json]', summary: 'in = applied + quarantined + dead-lettered, per tenant and instance' },
};

export const USAGE = `usage: syncline <command> [arguments] [--json] [--stage dev|prod]

commands:
${Object.entries(COMMANDS)
  .map(([name, spec]) => `  ${(name === 'connector' ? 'connector new' : name === 'identity' ? 'identity dry-run' : name).padEnd(14)} ${spec.summary}`)
  .join('\n')}

global options:
  --json              machine-readable output on stdout
  --stage dev|prod    a deployed stack (your AWS credentials and region) instead of the local one
  --config <file>     with --stage: the config the stage was deployed with (default syncline.config.json)
  --state-file <file> the local stack's state file (default .syncline/local.json, or SYNCLINE_STATE_FILE)

\`syncline <command> --help\` shows a command's arguments.
`;

export function commandUsage(name: string): string {
  const spec = COMMANDS[name];
  return spec ? `usage: ${spec.usage}\n\n${spec.summary}\n` : USAGE;
}

/** Index of the first positional, skipping the values of global string options. */
function commandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return i + 1 < argv.length ? i + 1 : -1;
    if (!arg.startsWith('-')) return i;
    const name = arg.replace(/^--?/, '');
    if (!arg.includes('=') && GLOBAL[name]?.type === 'string') i++;
  }
  return -1;
}

export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { command: Command; options: GlobalOptions } {
  const at = commandIndex(argv);
  const name = at < 0 ? undefined : argv[at]!;

  // `start` hands its arguments to the local runtime untouched (it has its own --config and --port).
  if (name === 'start') {
    return { command: { name: 'start', args: [...argv.slice(0, at), ...argv.slice(at + 1)] }, options: { json: false, stateFile: '', configFile: '' } };
  }
  if (name !== undefined && name !== 'help' && !COMMANDS[name]) throw new UsageError(`unknown command "${name}"`, USAGE);

  const spec = name && name !== 'help' ? COMMANDS[name]! : undefined;
  const usage = spec ? commandUsage(name!) : USAGE;
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { ...GLOBAL, ...spec?.options } });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional.*$/s, ''), usage);
  }
  const { values, positionals } = parsed;
  const options = globalOptions(values, env, usage);
  const args = positionals.slice(1);

  if (name === undefined) {
    if (values.help) return { command: { name: 'help' }, options };
    throw new UsageError('give a command', USAGE);
  }
  if (name === 'help') return { command: args[0] ? { name: 'help', topic: args[0] } : { name: 'help' }, options };
  if (values.help) return { command: { name: 'help', topic: name }, options };

  const need = (count: number, names: string) => {
    if (args.length < count) throw new UsageError(`${name}: missing ${names.split(' ').slice(args.length).join(' ')}`, usage);
  };
  const atMost = (count: number) => {
    if (args.length > count) throw new UsageError(`${name}: unexpected argument "${args[count]}"`, usage);
  };

  switch (name) {
    case 'connectors':
      atMost(0);
      return { command: { name }, options };
    case 'connector': {
      if (args[0] !== 'new') throw new UsageError(args[0] ? `connector: unknown subcommand "${args[0]}" (only "new")` : 'connector: give "new <name>"', usage);
      if (!args[1]) throw new UsageError('connector new: missing <name>', usage);
      if (args.length > 2) throw new UsageError(`connector new: unexpected argument "${args[2]}"`, usage);
      return { command: { name: 'connector-new', connector: args[1] }, options };
    }
    case 'instances':
      atMost(1);
      return { command: args[0] ? { name, tenant: args[0] } : { name }, options };
    case 'backfill': {
      need(2, '<tenant> <instance>');
      atMost(2);
      let since: Date | undefined;
      if (values.since !== undefined) {
        since = new Date(String(values.since));
        if (!/^\d{4}-\d{2}-\d{2}/.test(String(values.since)) || Number.isNaN(since.getTime())) {
          throw new UsageError(`backfill: --since must be a date or time like 2024-01-31 or 2024-01-31T12:00:00Z, not "${values.since}"`, usage);
        }
      }
      return { command: { name, tenant: args[0]!, instance: args[1]!, ...(since ? { since } : {}), restart: values.restart === true }, options };
    }
    case 'profile':
      need(2, '<tenant> <email|profile-id>');
      atMost(2);
      return { command: { name, tenant: args[0]!, emailOrId: args[1]! }, options };
    case 'dlq': {
      const action = args[0];
      if (action !== 'list' && action !== 'replay') throw new UsageError(action ? `dlq: unknown subcommand "${action}" (list or replay)` : 'dlq: give list or replay', usage);
      if (args.length > 1) throw new UsageError(`dlq ${action}: unexpected argument "${args[1]}"`, usage);
      const queue = values.queue as string | undefined;
      if (queue !== undefined && queue !== 'changes' && queue !== 'push') throw new UsageError(`dlq: --queue must be changes or push, not "${queue}"`, usage);
      if (values.max !== undefined && action === 'list') throw new UsageError('dlq list: --max applies to replay only', usage);
      const max = values.max === undefined ? undefined : Number(values.max);
      if (max !== undefined && !(Number.isInteger(max) && max > 0)) throw new UsageError(`dlq: --max must be a positive whole number, not "${values.max}"`, usage);
      return { command: { name, action, ...(queue ? { queue } : {}), ...(max !== undefined ? { max } : {}) }, options };
    }
    case 'quarantine': {
      const action = args[0];
      if (action !== 'list' && action !== 'replay') throw new UsageError(action ? `quarantine: unknown subcommand "${action}" (list or replay)` : 'quarantine: give list or replay', usage);
      if (!args[1]) throw new UsageError(`quarantine ${action}: missing <tenant>`, usage);
      if (action === 'list' && args.length > 2) throw new UsageError(`quarantine list: takes only the tenant, not "${args[2]}"`, usage);
      if (args.length > 3) throw new UsageError(`quarantine replay: unexpected argument "${args[3]}"`, usage);
      return { command: { name, action, tenant: args[1], ...(args[2] ? { id: args[2] } : {}) }, options };
    }
    case 'erase': {
      need(2, '<tenant> <email>');
      atMost(2);
      if (!args[1]!.includes('@')) throw new UsageError(`erase: "${args[1]}" is not an e-mail address`, usage);
      return { command: { name, tenant: args[0]!, email: args[1]!, wait: values.wait === true }, options };
    }
    case 'erasures':
      need(1, '<tenant>');
      atMost(1);
      return { command: { name, tenant: args[0]! }, options };
    case 'erasure':
      need(2, '<tenant> <request-id>');
      atMost(2);
      return { command: { name, tenant: args[0]!, requestId: args[1]! }, options };
    case 'uplift':
      need(2, '<tenant> <campaign>');
      atMost(2);
      return { command: { name, tenant: args[0]!, campaign: args[1]! }, options };
    case 'unmerge': {
      need(2, '<tenant> <profile-id>');
      atMost(2);
      const identifier = values.identifier as string | undefined;
      if (!identifier?.trim()) throw new UsageError('unmerge: give --identifier <value>: the e-mail, phone, customer or visitor id that merged the profiles wrongly', usage);
      const reason = values.reason as string | undefined;
      return { command: { name, tenant: args[0]!, profileId: args[1]!, identifier, ...(reason ? { reason } : {}) }, options };
    }
    case 'identity': {
      if (args[0] !== 'dry-run') throw new UsageError(args[0] ? `identity: unknown subcommand "${args[0]}" (only "dry-run")` : 'identity: give "dry-run <tenant> --rules <file>"', usage);
      if (!args[1]) throw new UsageError('identity dry-run: missing <tenant>', usage);
      if (args.length > 2) throw new UsageError(`identity dry-run: unexpected argument "${args[2]}"`, usage);
      const rules = values.rules as string | undefined;
      if (!rules) throw new UsageError('identity dry-run: give --rules <file> with the identity rules to try', usage);
      return { command: { name: 'identity-dry-run', tenant: args[1], rules }, options };
    }
    case 'accounting':
      atMost(1);
      return { command: args[0] ? { name, tenant: args[0] } : { name }, options };
    default:
      throw new UsageError(`unknown command "${name}"`, USAGE);
  }
}

function globalOptions(values: Record<string, unknown>, env: NodeJS.ProcessEnv, usage: string): GlobalOptions {
  const stage = values.stage as string | undefined;
  if (stage !== undefined && !isStage(stage)) throw new UsageError(`--stage must be one of ${STAGES.join(', ')}, not "${stage}"`, usage);
  return {
    json: values.json === true,
    ...(stage !== undefined ? { stage: stage as StageName } : {}),
    stateFile: (values['state-file'] as string | undefined) ?? env.SYNCLINE_STATE_FILE ?? '.syncline/local.json',
    configFile: (values.config as string | undefined) ?? env.SYNCLINE_CONFIG_FILE ?? 'syncline.config.json',
  };
}
