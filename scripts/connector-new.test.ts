import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineConnector } from '../connectors/sdk/index.js';
import * as z from 'zod';
import { CONNECTOR_NAME, connectorsRoot, nextSteps, registrationLine, ScaffoldRefused, scaffoldConnector } from './connector-new.js';
import { vitestArgs } from './test-connector.js';

const REPO = resolve(import.meta.dirname, '..');
const EXPECTED_FILES = [
  'index.ts',
  'config.ts',
  'schemas.ts',
  'mapping.ts',
  'webhook.ts',
  'client.ts',
  'poll.ts',
  'simulator.ts',
  'fixtures/SOURCES.md',
  'fixtures/customer-created.json',
  'fixtures/customer-created.expected.json',
];

/** A throw-away workspace that sees the repo's SDK, core and node_modules through symlinks, so nothing lands in the repo. */
let workspace: string;
let root: string;

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'syncline-scaffold-'));
  root = join(workspace, 'connectors');
  mkdirSync(root);
  symlinkSync(join(REPO, 'connectors', 'sdk'), join(root, 'sdk'), 'dir');
  symlinkSync(join(REPO, 'core'), join(workspace, 'core'), 'dir');
  symlinkSync(join(REPO, 'node_modules'), join(workspace, 'node_modules'), 'dir');
  writeFileSync(join(workspace, 'package.json'), '{ "type": "module" }\n');
});

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

const acceptedByDefineConnector = (name: string) => {
  try {
    defineConnector({ name, kind: 'shop', description: '', settingsSchema: z.object({}), secretsSchema: z.object({}) });
    return true;
  } catch {
    return false;
  }
};

describe('npm run connector:new', () => {
  it('accepts exactly the names defineConnector accepts', () => {
    const names = [
      'loyalty-cards',
      'ab',
      'a',
      'Loyalty',
      'loyalty_cards',
      '1password',
      'x'.repeat(41),
      'x'.repeat(42),
      'shop-2',
      '-shop',
      'kiyoh',
    ];
    for (const name of names) expect(CONNECTOR_NAME.test(name), name).toBe(acceptedByDefineConnector(name));
  });

  it('refuses a bad name without writing anything', () => {
    for (const bad of ['Bad_Name', '../escape', 'a', 'sdk']) expect(() => scaffoldConnector(bad, root), bad).toThrow(ScaffoldRefused);
    expect(existsSync(join(root, 'Bad_Name'))).toBe(false);
    expect(existsSync(join(workspace, 'escape'))).toBe(false);
  });

  it('creates the files a connector needs, named after the connector', () => {
    const { dir, files } = scaffoldConnector('loyalty-cards', root);
    expect(dir).toBe(join(root, 'loyalty-cards'));
    expect(files.sort()).toEqual([...EXPECTED_FILES, 'loyalty-cards.test.ts'].sort());
    for (const file of files) expect(existsSync(join(dir, file)), file).toBe(true);
    expect(readFileSync(join(dir, 'index.ts'), 'utf8')).toContain(
      "export const loyaltyCards = defineConnector<LoyaltyCardsSettings, LoyaltyCardsSecrets>({\n  name: 'loyalty-cards',",
    );
  });

  it('refuses to overwrite an existing folder and leaves it as it was', () => {
    const dir = join(root, 'existing');
    mkdirSync(dir);
    writeFileSync(join(dir, 'index.ts'), '// mine\n');
    expect(() => scaffoldConnector('existing', root)).toThrow(/already exists/);
    expect(readFileSync(join(dir, 'index.ts'), 'utf8')).toBe('// mine\n');
  });

  it('writes a connector that type-checks, registered by the printed line, and whose tests fail until it is filled in', () => {
    scaffoldConnector('review-site', root);
    // The repo's installed.ts with its own connectors' lines replaced by the one line the scaffold prints.
    const installed = readFileSync(join(REPO, 'connectors', 'installed.ts'), 'utf8')
      .split('\n')
      .filter((line) => !/^\s+'?[a-z][a-z0-9-]*'?: \(\) => import\(/.test(line))
      .join('\n')
      .replace(/(\{\n)(\};)/, `$1  ${registrationLine('review-site')}\n$2`);
    expect(installed, 'the printed line lands inside the registry').toContain(`{\n  ${registrationLine('review-site')}\n};`);
    writeFileSync(join(root, 'installed.ts'), installed);
    writeFileSync(
      join(workspace, 'tsconfig.json'),
      JSON.stringify({ extends: join(REPO, 'tsconfig.json'), include: ['connectors/review-site', 'connectors/installed.ts'] }),
    );
    const tsc = spawnSync(join(REPO, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', join(workspace, 'tsconfig.json')], {
      cwd: workspace,
      encoding: 'utf8',
    });
    expect(tsc.stdout + tsc.stderr, 'the scaffold type-checks').toBe('');

    // A clean environment: the child vitest must not think it is a worker of this one.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'));
    const report = join(workspace, 'report.json');
    const run = spawnSync(
      join(REPO, 'node_modules', '.bin', 'vitest'),
      ['run', '--root', workspace, 'connectors/review-site/', '--reporter=json', `--outputFile=${report}`],
      { cwd: workspace, env, encoding: 'utf8' },
    );
    expect(run.status, 'the generated tests fail').not.toBe(0);
    const results = JSON.parse(readFileSync(report, 'utf8')) as {
      testResults: { assertionResults: { title: string; status: string }[] }[];
    };
    const failed = results.testResults
      .flatMap((f) => f.assertionResults)
      .filter((a) => a.status === 'failed')
      .map((a) => a.title);
    expect(failed.sort()).toEqual(['has fixtures to test against', "replace this with your vendor's documented payloads"]);
  }, 90_000);

  it('tells the developer what to do next, including registering the connector', () => {
    const text = nextSteps('loyalty-cards', join(root, 'loyalty-cards'));
    expect(text).toContain('Register it with one line in connectors/installed.ts');
    expect(text).toContain("'loyalty-cards': () => import('./loyalty-cards/index.js').then((m) => m.loyaltyCards),");
    expect(text).toContain('and its kind with one line in connectors/kinds.ts');
    expect(text).toContain("'loyalty-cards': 'shop',");
    expect(text).toContain('npm run test:connector -- loyalty-cards');
    expect(text).toContain('syncline.config.json');
  });

  it('writes into SYNCLINE_CONNECTORS_DIR when it is set, else into the repo', () => {
    expect(connectorsRoot({ SYNCLINE_CONNECTORS_DIR: root })).toBe(root);
    expect(connectorsRoot({})).toBe(join(REPO, 'connectors'));
  });
});

describe('npm run test:connector', () => {
  it('runs vitest on one connector folder only', () => {
    expect(vitestArgs('shopify', ['--reporter=dot'])).toEqual({ args: ['run', 'connectors/shopify/', '--reporter=dot'] });
  });

  it('names the known connectors when asked for an unknown one', () => {
    const plan = vitestArgs('no-such-vendor');
    expect('error' in plan && plan.error).toMatch(/no connector "no-such-vendor".*Known connectors: .*shopify/);
    expect('error' in vitestArgs('sdk')).toBe(true);
    expect('error' in vitestArgs(undefined) && vitestArgs(undefined)).toMatchObject({ error: expect.stringMatching(/^usage/) });
  });
});
