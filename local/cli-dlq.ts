// `npm run dlq -- list|replay [--queue changes|push] [--max N]`: the dead-letter queues of the running local stack.
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { peekMessages, queueDepth, replayDeadLetters } from './dlq.js';
import { readLocalState, type LocalState } from './state-file.js';

const HELP = `usage: npm run dlq -- list   [--queue changes|push]
       npm run dlq -- replay [--queue changes|push] [--max N]

  list    messages waiting in each queue and its dead-letter queue, and a summary (no content) of the first dead letters
  replay  move dead letters back to their source queue (default: the changes queue), after fixing what made them fail
  --queue changes (default for replay) or push; list shows both when absent
  --max   move at most N messages

Works against the stack \`npm start\` is running in this directory (it writes .syncline/local.json).
`;

type QueueKind = 'changes' | 'push';

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { queue: { type: 'string' }, max: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    fail(`${(error as Error).message}\n\n${HELP}`);
  }
  const { positionals, values } = parsed;
  if (values.help) return void process.stdout.write(HELP);
  const [command, ...extra] = positionals;
  if (command !== 'list' && command !== 'replay') fail(`${command ? `unknown command "${command}"` : 'give a command'}\n\n${HELP}`);
  if (extra.length > 0) fail(`unexpected argument "${extra[0]}"\n\n${HELP}`);
  if (values.queue !== undefined && values.queue !== 'changes' && values.queue !== 'push') fail(`--queue must be changes or push, not "${values.queue}"`);
  const max = values.max === undefined ? undefined : Number(values.max);
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) fail(`--max must be a positive whole number, not "${values.max}"`);

  let state: LocalState;
  try {
    state = readLocalState();
  } catch (error) {
    fail((error as Error).message, 1);
  }
  const sqs = new SQSClient({ endpoint: state.sqsEndpoint, region: state.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  try {
    if (command === 'list') await list(sqs, state, values.queue as QueueKind | undefined);
    else await replay(sqs, state, (values.queue as QueueKind | undefined) ?? 'changes', max);
  } catch (error) {
    fail(`the local stack's SQS emulator at ${state.sqsEndpoint} did not answer as expected: ${(error as Error).message}`, 1);
  } finally {
    sqs.destroy();
  }
}

async function list(sqs: SQSClient, state: LocalState, only: QueueKind | undefined): Promise<void> {
  for (const kind of only ? [only] : (['changes', 'push'] as const)) {
    const dlqUrl = kind === 'changes' ? state.queues.changesDlq : state.queues.pushDlq;
    const [source, dlq] = await Promise.all([queueDepth(sqs, state.queues[kind]), queueDepth(sqs, dlqUrl)]);
    process.stdout.write(`${kind.padEnd(8)} ${source.visible} waiting, ${source.inFlight} in flight; dead letters: ${dlq.visible}\n`);
    for (const m of await peekMessages(sqs, dlqUrl)) {
      process.stdout.write(`  ${m.messageId}  sent ${m.sentAt}  ${m.bytes} bytes  ${m.summary}\n`);
    }
  }
}

async function replay(sqs: SQSClient, state: LocalState, kind: QueueKind, max: number | undefined): Promise<void> {
  const dlqUrl = kind === 'changes' ? state.queues.changesDlq : state.queues.pushDlq;
  const report = await replayDeadLetters(sqs, dlqUrl, state.queues[kind], { ...(max !== undefined ? { max } : {}) });
  process.stdout.write(`moved ${report.moved} message(s) from the ${kind} DLQ back to the ${kind} queue`);
  process.stdout.write(report.failed > 0 ? `; ${report.failed} could not be sent and stay in the DLQ\n` : '\n');
  if (report.duplicates > 0) process.stdout.write(`${report.duplicates} were sent but stay in the DLQ too: a later replay delivers them again (handled as duplicates)\n`);
  for (const reason of report.reasons) process.stdout.write(`  ${reason}\n`);
  if (report.failed > 0) process.exitCode = 1;
}

void main();
