// The command line of `syncline`: which command, its arguments and the global options, or a UsageError that says
// what is wrong and shows the usage. Pure: no stack is touched here.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isStage, STAGES, type StageName } from '../operator/stage.js';
import type { Identifier } from '../core/identifiers.js';

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
  | { name: 'config-check' }
  | { name: 'connector-new'; connector: string }
  | { name: 'instances'; tenant?: string }
  | { name: 'webhooks'; tenant?: string; baseUrl?: string }
  | { name: 'connect'; tenant: string; instance: string; dryRun: boolean; check: boolean; baseUrl?: string }
  | { name: 'doctor'; tenant?: string; baseUrl?: string }
  | { name: 'backfill'; tenant: string; instance: string; since?: Date; restart: boolean }
  | { name: 'resync'; tenant: string; instance: string; dryRun: boolean; full: boolean; restart: boolean; batchSize?: number }
  | { name: 'profile'; tenant: string; emailOrId: string }
  | { name: 'dlq'; action: 'list' | 'replay'; queue?: 'changes' | 'push'; max?: number }
  | { name: 'quarantine'; action: 'list' | 'replay'; tenant: string; id?: string }
  | { name: 'erase'; tenant: string; identifier: Identifier; wait: boolean }
  | { name: 'uplift'; tenant: string; campaign: string }
  | { name: 'unmerge'; tenant: string; profileId: string; identifier: string; reason?: string }
  | { name: 'identity-dry-run'; tenant: string; rules: string }
  | { name: 'accounting'; tenant?: string }
  | { name: 'migrate' }
  | { name: 'erasures'; tenant: string }
  | { name: 'erasure'; tenant: string; requestId: string };

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

const GLOBAL: Options = {
  json: { type: 'boolean' },
  stage: { type: 'string' },
  'state-file': { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** One command's words after its name, its option values, and the usage to show with a refusal. */
interface Words {
  /** `dlq list`: how refusals name the command. */
  label: string;
  args: string[];
  values: Values;
  usage: string;
}

interface Spec {
  usage: string;
  summary: string;
  options?: Options;
  build(words: Words): Command;
}

function refuse(words: Words, reason: string): never {
  throw new UsageError(`${words.label}: ${reason}`, words.usage);
}

/** The positionals, refused when one of `required` is missing or there are more than `optional` extra. */
function positionals(words: Words, required: readonly string[], optional = 0): string[] {
  const { args } = words;
  if (args.length < required.length) refuse(words, `missing ${required.slice(args.length).join(' ')}`);
  if (args.length > required.length + optional) refuse(words, `unexpected argument "${args[required.length + optional]}"`);
  return args;
}

/** `dlq list …`: the subcommand, and the words after it labelled `dlq list`. */
function subcommand<T extends string>(words: Words, allowed: readonly T[], known: string, give: string): [T, Words] {
  const action = words.args[0];
  if (action === undefined) refuse(words, `give ${give}`);
  if (!allowed.includes(action as T)) refuse(words, `unknown subcommand "${action}" (${known})`);
  return [action as T, { ...words, label: `${words.label} ${action}`, args: words.args.slice(1) }];
}

const text = (values: Values, name: string) => values[name] as string | undefined;

function sinceDate(words: Words): Date | undefined {
  const since = text(words.values, 'since');
  if (since === undefined) return undefined;
  const date = new Date(since);
  if (!/^\d{4}-\d{2}-\d{2}/.test(since) || Number.isNaN(date.getTime())) {
    refuse(words, `--since must be a date or time like 2024-01-31 or 2024-01-31T12:00:00Z, not "${since}"`);
  }
  return date;
}

function parseDlq(words: Words): Command {
  const [action, rest] = subcommand(words, ['list', 'replay'] as const, 'list or replay', 'list or replay');
  positionals(rest, []);
  const queue = text(words.values, 'queue');
  if (queue !== undefined && queue !== 'changes' && queue !== 'push') refuse(words, `--queue must be changes or push, not "${queue}"`);
  const maxText = text(words.values, 'max');
  if (maxText !== undefined && action === 'list') refuse(rest, '--max applies to replay only');
  const max = maxText === undefined ? undefined : Number(maxText);
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) refuse(words, `--max must be a positive whole number, not "${maxText}"`);
  return { name: 'dlq', action, ...(queue ? { queue } : {}), ...(max !== undefined ? { max } : {}) };
}

function parseQuarantine(words: Words): Command {
  const [action, rest] = subcommand(words, ['list', 'replay'] as const, 'list or replay', 'list or replay');
  const [tenant, id] = positionals(rest, ['<tenant>'], action === 'list' ? Infinity : 1);
  if (action === 'list' && id !== undefined) refuse(rest, `takes only the tenant, not "${id}"`);
  return { name: 'quarantine', action, tenant: tenant!, ...(id ? { id } : {}) };
}

function parseUnmerge(words: Words): Command {
  const [tenant, profileId] = positionals(words, ['<tenant>', '<profile-id>']);
  const identifier = text(words.values, 'identifier');
  if (!identifier?.trim())
    refuse(words, 'give --identifier <value>: the e-mail, phone, customer or visitor id that merged the profiles wrongly');
  const reason = text(words.values, 'reason');
  return { name: 'unmerge', tenant: tenant!, profileId: profileId!, identifier, ...(reason ? { reason } : {}) };
}

function parseIdentity(words: Words): Command {
  const [, rest] = subcommand(words, ['dry-run'] as const, 'only "dry-run"', '"dry-run <tenant> --rules <file>"');
  const [tenant] = positionals(rest, ['<tenant>']);
  const rules = text(words.values, 'rules');
  if (!rules) refuse(rest, 'give --rules <file> with the identity rules to try');
  return { name: 'identity-dry-run', tenant: tenant!, rules };
}

function parseErase(words: Words): Command {
  const [tenant, positional] = positionals(words, ['<tenant>'], 1);
  const given = [
    ...(positional !== undefined ? [{ flag: '<email>', type: 'email', value: positional }] : []),
    ...(['email', 'phone', 'customer'] as const).flatMap((flag) => {
      const value = text(words.values, flag);
      return value === undefined ? [] : [{ flag: `--${flag}`, type: flag, value }];
    }),
  ];
  if (given.length === 0) refuse(words, "give the person's <email>, --phone or --customer <source>:<id>");
  if (given.length > 1) refuse(words, `give one of ${given.map((g) => g.flag).join(', ')}: an erasure names one person by one value`);
  const { type, value } = given[0]!;
  const wait = words.values.wait === true;
  if (type === 'email') {
    if (!value.includes('@')) refuse(words, `"${value}" is not an e-mail address`);
    return { name: 'erase', tenant: tenant!, identifier: { type: 'email', value }, wait };
  }
  if (type === 'phone') return { name: 'erase', tenant: tenant!, identifier: { type: 'phone', value }, wait };
  const match = /^([a-z0-9][a-z0-9-]{0,62}):(.+)$/.exec(value);
  if (!match) refuse(words, `--customer takes <source>:<id>, the instance and its customer id (shopify:5150), not "${value}"`);
  return { name: 'erase', tenant: tenant!, identifier: { type: `customerId:${match[1]!}`, value: match[2]! }, wait };
}

export const COMMANDS: Record<string, Spec> = {
  start: {
    usage: 'syncline start [--port 3000] [--config syncline.config.json] [--demo]',
    summary: 'run the local stack (same as npm start)',
    build: (w) => ({ name: 'start', args: w.args }),
  },
  config: {
    usage: 'syncline config check [--config syncline.config.json] [--json]',
    summary: 'check the config file: every unknown key, connector and invalid setting at once',
    build: (w) => (positionals(subcommand(w, ['check'] as const, 'only "check"', '"check"')[1], []), { name: 'config-check' }),
  },
  connectors: {
    usage: 'syncline connectors [--json]',
    summary: 'installed connectors and what each can do',
    build: (w) => (positionals(w, []), { name: 'connectors' }),
  },
  connector: {
    usage: 'syncline connector new <name>',
    summary: 'scaffold connectors/<name>/ with a failing contract test',
    build: (w) => ({
      name: 'connector-new',
      connector: positionals(subcommand(w, ['new'] as const, 'only "new"', '"new <name>"')[1], ['<name>'])[0]!,
    }),
  },
  instances: {
    usage: 'syncline instances [<tenant>] [--json]',
    summary: 'tenants and instances: last webhook/poll, lag, errors',
    build: (w) => ({ name: 'instances', ...(positionals(w, [], 1)[0] ? { tenant: w.args[0]! } : {}) }),
  },
  webhooks: {
    usage: 'syncline webhooks [<tenant>] [--base-url <WebhookBaseUrl output>] [--json]',
    summary: "each webhook instance's URL to give the vendor, and its secret's name",
    options: { 'base-url': { type: 'string' } },
    build: (w) => {
      const [tenant] = positionals(w, [], 1);
      const baseUrl = text(w.values, 'base-url');
      return { name: 'webhooks', ...(tenant ? { tenant } : {}), ...(baseUrl ? { baseUrl } : {}) };
    },
  },
  connect: {
    usage: 'syncline connect <tenant> <instance> [--dry-run] [--check] [--base-url <url>] [--json]',
    summary: "register or correct the vendor's webhook subscriptions for this stack (idempotent)",
    options: { 'dry-run': { type: 'boolean' }, check: { type: 'boolean' }, 'base-url': { type: 'string' } },
    build: (w) => {
      const [tenant, instance] = positionals(w, ['<tenant>', '<instance>']);
      const baseUrl = text(w.values, 'base-url');
      return {
        name: 'connect',
        tenant: tenant!,
        instance: instance!,
        dryRun: w.values['dry-run'] === true,
        check: w.values.check === true,
        ...(baseUrl ? { baseUrl } : {}),
      };
    },
  },
  doctor: {
    usage: 'syncline doctor [<tenant>] [--base-url <url>] [--json]',
    summary: 'what is wrong per instance (secret, vendor, subscriptions, data, dead letters, quarantine) and the fix',
    options: { 'base-url': { type: 'string' } },
    build: (w) => {
      const [tenant] = positionals(w, [], 1);
      const baseUrl = text(w.values, 'base-url');
      return { name: 'doctor', ...(tenant ? { tenant } : {}), ...(baseUrl ? { baseUrl } : {}) };
    },
  },
  backfill: {
    usage: 'syncline backfill <tenant> <instance> [--since 2024-01-01] [--restart] [--json]',
    summary: 'resync an instance by polling from the start (resumes an interrupted one)',
    options: { since: { type: 'string' }, restart: { type: 'boolean' } },
    build: (w) => {
      const [tenant, instance] = positionals(w, ['<tenant>', '<instance>']);
      const since = sinceDate(w);
      return { name: 'backfill', tenant: tenant!, instance: instance!, ...(since ? { since } : {}), restart: w.values.restart === true };
    },
  },
  resync: {
    usage: 'syncline resync <tenant> <destination> [--dry-run] [--full] [--restart] [--batch-size N] [--json]',
    summary: 'push every consenting profile to a destination at its pace (a new one, or --full after a mapping change)',
    options: { 'dry-run': { type: 'boolean' }, full: { type: 'boolean' }, restart: { type: 'boolean' }, 'batch-size': { type: 'string' } },
    build: (w) => {
      const [tenant, instance] = positionals(w, ['<tenant>', '<destination>']);
      const size = text(w.values, 'batch-size');
      if (size !== undefined && !/^[1-9]\d*$/.test(size)) refuse(w, `--batch-size must be a whole number of profiles, not "${size}"`);
      return {
        ...(size !== undefined ? { batchSize: Number(size) } : {}),
        name: 'resync',
        tenant: tenant!,
        instance: instance!,
        dryRun: w.values['dry-run'] === true,
        full: w.values.full === true,
        restart: w.values.restart === true,
      };
    },
  },
  profile: {
    usage: 'syncline profile <tenant> <email|profile-id> [--json]',
    summary: 'the merged profile, the source of every field, segments',
    build: (w) => ({ name: 'profile', tenant: positionals(w, ['<tenant>', '<email|profile-id>'])[0]!, emailOrId: w.args[1]! }),
  },
  dlq: {
    usage: 'syncline dlq list [--queue changes|push]\n       syncline dlq replay [--queue changes|push] [--max N]',
    summary: 'dead letters: look, and move them back after a fix',
    options: { queue: { type: 'string' }, max: { type: 'string' } },
    build: parseDlq,
  },
  quarantine: {
    usage: 'syncline quarantine list <tenant>\n       syncline quarantine replay <tenant> [<id>]',
    summary: 'verified webhooks that failed to parse: look, and replay them',
    build: parseQuarantine,
  },
  erase: {
    usage: 'syncline erase <tenant> <email>|--phone <number>|--customer <source>:<id> [--wait]',
    summary: 'GDPR erasure through the pipeline (profile and destinations)',
    options: { wait: { type: 'boolean' }, email: { type: 'string' }, phone: { type: 'string' }, customer: { type: 'string' } },
    build: parseErase,
  },
  erasures: {
    usage: 'syncline erasures <tenant> [--json]',
    summary: 'erasure receipts: each request and what every destination said',
    build: (w) => ({ name: 'erasures', tenant: positionals(w, ['<tenant>'])[0]! }),
  },
  erasure: {
    usage: 'syncline erasure <tenant> <request-id> [--json]',
    summary: 'one erasure receipt: status, reason and attempts per destination',
    build: (w) => ({ name: 'erasure', tenant: positionals(w, ['<tenant>', '<request-id>'])[0]!, requestId: w.args[1]! }),
  },
  uplift: {
    usage: 'syncline uplift <tenant> <campaign> [--json]',
    summary: "a campaign's uplift against its control group",
    build: (w) => ({ name: 'uplift', tenant: positionals(w, ['<tenant>', '<campaign>'])[0]!, campaign: w.args[1]! }),
  },
  unmerge: {
    usage: 'syncline unmerge <tenant> <profile-id> --identifier <value> [--reason "shared tablet"] [--json]',
    summary: 'split a wrong merge back into its people (journaled, destinations updated)',
    options: { identifier: { type: 'string' }, reason: { type: 'string' } },
    build: parseUnmerge,
  },
  identity: {
    usage: 'syncline identity dry-run <tenant> --rules new-rules.json [--json]',
    summary: 'what changed identity rules would merge and split (writes nothing)',
    options: { rules: { type: 'string' } },
    build: parseIdentity,
  },
  accounting: {
    usage: 'syncline accounting [<tenant>] [--json]',
    summary: 'in = applied + quarantined + dead-lettered, per tenant and instance',
    build: (w) => ({ name: 'accounting', ...(positionals(w, [], 1)[0] ? { tenant: w.args[0]! } : {}) }),
  },
  migrate: {
    usage: 'syncline migrate [--json]',
    summary: 'once after an upgrade: gives profiles stored before it their index attributes (one Scan)',
    build: (w) => (positionals(w, []), { name: 'migrate' }),
  },
};

/** Commands with one subcommand are listed with it. */
const SUBCOMMAND_LISTED: Record<string, string> = { config: 'config check', connector: 'connector new', identity: 'identity dry-run' };
const LISTED = Object.entries(COMMANDS).map(([name, spec]) => [SUBCOMMAND_LISTED[name] ?? name, spec.summary] as const);
const LISTED_WIDTH = Math.max(...LISTED.map(([name]) => name.length));

export const USAGE = `usage: syncline <command> [arguments] [--json] [--stage dev|prod]

commands:
${LISTED.map(([name, summary]) => `  ${name.padEnd(LISTED_WIDTH)}  ${summary}`).join('\n')}

global options:
  --json              machine-readable output on stdout
  --stage dev|prod    a deployed stack (your AWS credentials and region) instead of the local one
  --config <file>     the config to check (config check), or with --stage the config the stage was deployed with
                      (default syncline.config.json, or SYNCLINE_CONFIG_FILE)
  --state-file <file> the local stack's state file (default .syncline/local.json, or SYNCLINE_STATE_FILE)

\`syncline <command> --help\` shows a command's arguments.
`;

export function commandUsage(name: string): string {
  const spec = COMMANDS[name];
  return spec ? `usage: ${spec.usage}\n\n${spec.summary}\n` : USAGE;
}

/** Index of the command word: the first positional once the global options (and their values) are read. */
function commandIndex(argv: readonly string[]): number {
  const { tokens } = parseArgs({ args: [...argv], options: GLOBAL, strict: false, allowPositionals: true, tokens: true });
  return tokens.find((token) => token.kind === 'positional')?.index ?? -1;
}

function parseWords(argv: readonly string[], spec: Spec | undefined, usage: string): { values: Values; positionals: string[] } {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { ...GLOBAL, ...spec?.options } });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional.*$/s, ''), usage);
  }
}

export function parseCommandLine(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): { command: Command; options: GlobalOptions } {
  const at = commandIndex(argv);
  const name = at < 0 ? undefined : argv[at]!;
  // `start` hands its arguments to the local runtime untouched (it has its own --config and --port).
  if (name === 'start') {
    const args = [...argv.slice(0, at), ...argv.slice(at + 1)];
    return { command: { name: 'start', args }, options: { json: false, stateFile: '', configFile: '' } };
  }
  if (name !== undefined && name !== 'help' && !COMMANDS[name]) throw new UsageError(`unknown command "${name}"`, USAGE);

  const spec = name && name !== 'help' ? COMMANDS[name]! : undefined;
  const usage = spec ? commandUsage(name!) : USAGE;
  const { values, positionals } = parseWords(argv, spec, usage);
  const options = globalOptions(values, env, usage);
  const args = positionals.slice(1);
  if (name === undefined) {
    if (values.help) return { command: { name: 'help' }, options };
    throw new UsageError('give a command', USAGE);
  }
  if (name === 'help') return { command: args[0] ? { name: 'help', topic: args[0] } : { name: 'help' }, options };
  if (values.help) return { command: { name: 'help', topic: name }, options };
  return { command: spec!.build({ label: name, args, values, usage }), options };
}

function globalOptions(values: Values, env: NodeJS.ProcessEnv, usage: string): GlobalOptions {
  const stage = text(values, 'stage');
  if (stage !== undefined && !isStage(stage)) throw new UsageError(`--stage must be one of ${STAGES.join(', ')}, not "${stage}"`, usage);
  return {
    json: values.json === true,
    ...(stage !== undefined ? { stage: stage as StageName } : {}),
    stateFile: text(values, 'state-file') ?? env.SYNCLINE_STATE_FILE ?? '.syncline/local.json',
    configFile: text(values, 'config') ?? env.SYNCLINE_CONFIG_FILE ?? 'syncline.config.json',
  };
}
