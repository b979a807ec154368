#!/usr/bin/env node
// `npx syncline`: runs the TypeScript CLI (cli/main.ts) through tsx, without a build step.
import { register } from 'tsx/esm/api';

register();
const { runCli, KEEPS_RUNNING } = await import('../cli/main.ts');
const code = await runCli(process.argv.slice(2));
// `start` hands the process to the local runtime, which exits on Ctrl-C.
if (code !== KEEPS_RUNNING) process.exitCode = code;
