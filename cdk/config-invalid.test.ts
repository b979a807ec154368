// `cdk synth` reads the config through the same loader as `syncline config check`: a wrong config stops the synth
// with the message the check prints, before any construct or bundle is made.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/main.js';
import { REPO_ROOT } from './handlers.js';

describe('cdk synth with a wrong config', () => {
  it('fails with the same message as `syncline config check`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-cdk-config-'));
    const file = join(dir, 'typo.json');
    writeFileSync(
      file,
      JSON.stringify({ tenants: [{ id: 'acme', instances: [{ id: 'shop', connector: 'shopifyy', pollEverMinutes: 15, settings: {} }] }] }),
    );
    let checked = '';
    const code = await runCli(['config', 'check', '--config', file], { out: (t) => void (checked += t), err: () => {}, isTTY: false }, {});
    expect(code).toBe(1);
    expect(checked).toContain('did you mean "pollEveryMinutes"');

    // The app the CDK CLI runs (cdk.json "app"), with the context `cdk synth -c config=… -c stage=dev` hands it.
    const synth = promisify(execFile)(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'cdk/app.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ config: file, stage: 'dev' }), CDK_OUTDIR: join(dir, 'cdk.out') },
    });
    const failure = (await synth.then(
      () => undefined,
      (error: unknown) => error,
    )) as { code: number; stderr: string } | undefined;
    expect(failure, 'the synth succeeded with a wrong config').toBeDefined();
    expect(failure!.code).not.toBe(0);
    expect(failure!.stderr).toContain(checked.trimEnd());
  }, 60_000);
});
