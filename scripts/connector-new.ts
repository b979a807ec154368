// `npm run connector:new -- <name>`: scaffolds connectors/<name>/ with a contract test that fails until filled in.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONNECTOR_NAME } from '../connectors/sdk/index.js';
import { connectorFiles, templateNames } from './connector-templates.js';

/** The rule defineConnector enforces at load time, checked before anything is written. */
export { CONNECTOR_NAME };

export class ScaffoldRefused extends Error {
  override readonly name = 'ScaffoldRefused';
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where connectors live: SYNCLINE_CONNECTORS_DIR (tests point it at a temp dir), else the repo's connectors/. */
export function connectorsRoot(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SYNCLINE_CONNECTORS_DIR ?? join(REPO, 'connectors'));
}

export function scaffoldConnector(name: string, root = connectorsRoot()): { dir: string; files: string[] } {
  if (!CONNECTOR_NAME.test(name)) {
    throw new ScaffoldRefused(
      `"${name}" is not a connector name: use 2–41 lower-case letters, digits and dashes, starting with a letter (${CONNECTOR_NAME})`,
    );
  }
  if (name === 'sdk') throw new ScaffoldRefused('"sdk" is the connector SDK, not a connector');
  const dir = join(root, name);
  if (existsSync(dir)) throw new ScaffoldRefused(`${dir} already exists: pick another name or remove the folder first`);
  const files = connectorFiles(templateNames(name));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text, { flag: 'wx' });
  }
  return { dir, files: Object.keys(files) };
}

/** The line that registers a connector in connectors/installed.ts: a loader, so handlers load only what they use. */
export function registrationLine(name: string): string {
  const { camel } = templateNames(name);
  const key = /^[a-z][a-z0-9]*$/.test(name) ? name : `'${name}'`;
  return `${key}: () => import('./${name}/index.js').then((m) => m.${camel}),`;
}

/** The line that gives the connector its kind in connectors/kinds.ts: the template's 'shop' until the developer changes both. */
export function kindLine(name: string): string {
  const key = /^[a-z][a-z0-9]*$/.test(name) ? name : `'${name}'`;
  return `${key}: 'shop',`;
}

export function nextSteps(name: string, dir: string): string {
  const where = relative(process.cwd(), dir) || dir;
  return `Created ${where}/ — its tests fail on purpose until you fill it in.

Next steps (docs/connectors.md walks through each):
  1. Read the vendor's API docs; put payloads COPIED from them in ${where}/fixtures/ and name each source in fixtures/SOURCES.md.
     Beside each payload, <fixture>.expected.json holds the canonical events it must produce (the contract kit checks every pair).
  2. Fill in schemas.ts (zod, vendor's field names), mapping.ts, webhook.ts (signature scheme and topic table), poll.ts (its
     streams), client.ts and simulator.ts; delete what the vendor lacks.
  3. Replace the failing placeholder test in ${name}.test.ts with this vendor's specifics.
  4. Run the contract kit for this connector only:  npm run test:connector -- ${name}
  5. Register it with one line in connectors/installed.ts, inside \`installed\`:
       ${registrationLine(name)}
     and its kind with one line in connectors/kinds.ts, inside \`KINDS\` (the merge, which loads no connector, checks by it
     what an instance may put on the changes queue; connectors/kinds.test.ts holds it to index.ts):
       ${kindLine(name)}
  6. Enable it for a tenant in syncline.config.json and set its secret (secrets.local.json or Secrets Manager syncline/<stage>/<tenant>/<instance>).
  7. npm run typecheck && npm test, then deploy with cdk.`;
}

function main(argv: string[]): number {
  const name = argv.find((a) => !a.startsWith('-'));
  if (!name) {
    console.error('usage: npm run connector:new -- <name>   (e.g. npm run connector:new -- loyalty-cards)');
    return 2;
  }
  try {
    const { dir } = scaffoldConnector(name);
    console.log(nextSteps(name, dir));
    return 0;
  } catch (error) {
    if (error instanceof ScaffoldRefused) {
      console.error(`connector:new: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main(process.argv.slice(2)));
