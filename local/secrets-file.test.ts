import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvOrFileSecrets } from '../aws/secrets.js';
import { LocalSecretsFile } from './secrets-file.js';

describe('LocalSecretsFile (where connect stores a signing secret locally)', () => {
  it('merges the key into the instance entry, keeps the rest, and the local secrets reader sees it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'syncline-secrets-')), 'secrets.local.json');
    writeFileSync(file, JSON.stringify({ 'acme/woo': { consumerKey: 'ck_1', consumerSecret: 'cs_1' }, 'acme/shop': { accessToken: 't' } }));
    const env = { SYNCLINE_SECRETS_FILE: file };
    await new LocalSecretsFile(env).merge('acme', 'woo', { webhookSecret: 'w1' });
    expect(await new EnvOrFileSecrets({ env }).get('acme', 'woo')).toEqual({
      consumerKey: 'ck_1',
      consumerSecret: 'cs_1',
      webhookSecret: 'w1',
    });
    expect(JSON.parse(readFileSync(file, 'utf8'))['acme/shop']).toEqual({ accessToken: 't' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('creates the file when there is none', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'syncline-secrets-')), 'secrets.local.json');
    await new LocalSecretsFile({ SYNCLINE_SECRETS_FILE: file }).merge('acme', 'pos', { signatureKey: 'k' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 'acme/pos': { signatureKey: 'k' } });
  });

  it('refuses when the environment variable for the instance would hide the file entry', async () => {
    const env = { SYNCLINE_SECRETS_FILE: join(tmpdir(), 'never.json'), SYNCLINE_SECRET_ACME_POS: '{}' };
    await expect(new LocalSecretsFile(env).merge('acme', 'pos', { signatureKey: 'k' })).rejects.toThrow(/SYNCLINE_SECRET_ACME_POS is set/);
  });
});
