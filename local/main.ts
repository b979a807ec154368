// `npm start`: syncline on one machine. Emulators for SQS and DynamoDB, simulated vendors where the config asks
// for them, and the very Lambda handlers that run in AWS behind a local HTTP server, queue pollers and a scheduler.
import './quiet-node-warning.js';
import { parseArgs } from 'node:util';
import { startLocalStack, type LocalStack } from './local-stack.js';
import { runDemo } from './demo.js';
import { DEFAULT_STATE_FILE } from './state-file.js';

const HELP = `usage: npm start -- [--config syncline.config.json] [--port 3000] [--demo]

  --config  the tenants and connector instances to run (default: syncline.config.json)
  --port    where the webhook routes and the profile API listen (default: 3000; 0 picks a free port)
  --demo    after starting, play a story of signed Shopify webhooks through the pipeline and print the result
`;

/** The command line; undefined after printing --help; a wrong argument exits 2 with the usage. */
function readOptions(): { config: string; port: number; demo: boolean } | undefined {
  let args;
  try {
    args = parseArgs({
      options: {
        config: { type: 'string', default: process.env.SYNCLINE_CONFIG_FILE ?? 'syncline.config.json' },
        port: { type: 'string', default: process.env.PORT ?? '3000' },
        demo: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(HELP);
    return undefined;
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a port number, not "${args.port}"\n`);
    process.exit(2);
  }
  return { config: args.config, port, demo: args.demo };
}

async function main(): Promise<void> {
  const args = readOptions();
  if (!args) return;
  const started = Date.now();
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      configFile: args.config,
      port: args.port,
      stateFile: DEFAULT_STATE_FILE,
      print: (line) => process.stdout.write(`${line}\n`),
    });
  } catch (error) {
    process.stderr.write(`syncline could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(`syncline is running (started in ${((Date.now() - started) / 1000).toFixed(1)} s). Ctrl-C stops it.\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('stopping…\n');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  if (args.demo) {
    try {
      await runDemo(stack, (line) => process.stdout.write(`${line}\n`));
    } catch (error) {
      process.stderr.write(`demo failed: ${(error as Error).message}\n`);
      await stack.stop();
      process.exit(1);
    }
    if (process.env.SYNCLINE_DEMO_EXIT === '1') await stop();
  }
}

void main();
