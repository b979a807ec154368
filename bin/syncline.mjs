#!/usr/bin/env node
// `npx syncline`: runs the TypeScript CLI (cli/main.ts) through tsx, without a build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
