import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvOrFileSecrets, SecretInvalid, SecretsManagerSecrets, secretEnvName } from './secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'syncline-secrets-'));
function secretsFile(content: string): string {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, content);
  return file;
}

describe('EnvOrFileSecrets', () => {
  it('reads a secret from SYNCLINE_SECRET_<TENANT>_<INSTANCE>', async () => {
    expect(secretEnvName('acme-nl', 'shop-1')).toBe('SYNCLINE_SECRET_ACME_NL_SHOP_1');
    const secrets = new EnvOrFileSecrets({ env: { SYNCLINE_SECRET_ACME_NL_SHOP_1: '{"apiKey":"k1"}' }, file: secretsFile('{}') });
    expect(await secrets.get('acme-nl', 'shop-1')).toEqual({ apiKey: 'k1' });
  });

  it('falls back to the "<tenant>/<instance>" entry of the secrets file', async () => {
    const file = secretsFile(JSON.stringify({ 'acme/shop': { apiKey: 'from-file' } }));
    expect(await new EnvOrFileSecrets({ env: {}, file }).get('acme', 'shop')).toEqual({ apiKey: 'from-file' });
    expect(
      await new EnvOrFileSecrets({ env: { SYNCLINE_SECRETS_FILE: file } }).get('acme', 'shop'),
      'path from SYNCLINE_SECRETS_FILE',
    ).toEqual({ apiKey: 'from-file' });
  });

  it('returns undefined when neither the environment nor the file has the secret', async () => {
    expect(await new EnvOrFileSecrets({ env: {}, file: secretsFile('{"other/x":{}}') }).get('acme', 'shop')).toBeUndefined();
    expect(await new EnvOrFileSecrets({ env: {}, file: join(dir, 'missing.json') }).get('acme', 'shop'), 'no file').toBeUndefined();
  });

  it('never puts a secret value in an error message', async () => {
    const leaky = '{"apiKey": s3cr3t-value';
    const fromEnv = await new EnvOrFileSecrets({ env: { SYNCLINE_SECRET_ACME_SHOP: leaky } }).get('acme', 'shop').catch((e: Error) => e);
    expect(fromEnv).toBeInstanceOf(SecretInvalid);
    expect((fromEnv as Error).message).toBe('environment variable SYNCLINE_SECRET_ACME_SHOP does not hold valid JSON');

    const fromFile = await new EnvOrFileSecrets({ env: {}, file: secretsFile(`{"acme/shop": ${leaky}`) })
      .get('acme', 'shop')
      .catch((e: Error) => e);
    expect((fromFile as Error).message).not.toContain('s3cr3t');
    const notAnObject = await new EnvOrFileSecrets({ env: { SYNCLINE_SECRET_ACME_SHOP: '"s3cr3t-value"' } })
      .get('acme', 'shop')
      .catch((e: Error) => e);
    expect((notAnObject as Error).message).not.toContain('s3cr3t');
  });
});

describe('SecretsManagerSecrets', () => {
  // A stand-in for the Secrets Manager endpoint (JSON 1.1 protocol) that counts requests.
  const stored = new Map<string, string>([['syncline/prod/acme/shop', '{"apiKey":"sm-key"}']]);
  const requested: string[] = [];
  let server: Server;
  let client: SecretsManagerClient;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const { SecretId } = JSON.parse(body) as { SecretId: string };
        requested.push(`${req.headers['x-amz-target']} ${SecretId}`);
        const value = stored.get(SecretId);
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        if (value === undefined) {
          res.statusCode = 400;
          res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." }));
        } else
          res.end(
            JSON.stringify({
              ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${SecretId}`,
              Name: SecretId,
              SecretString: value,
            }),
          );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new SecretsManagerClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads syncline/<stage>/<tenant>/<instance> once per five minutes', async () => {
    let now = 1_000_000;
    const secrets = new SecretsManagerSecrets('prod', { client, now: () => now });
    requested.length = 0;

    const [a, b] = await Promise.all([secrets.get('acme', 'shop'), secrets.get('acme', 'shop')]);
    expect(a).toEqual({ apiKey: 'sm-key' });
    expect(b).toEqual(a);
    now += 4 * 60_000;
    await secrets.get('acme', 'shop');
    expect(requested).toEqual(['secretsmanager.GetSecretValue syncline/prod/acme/shop']);

    stored.set('syncline/prod/acme/shop', '{"apiKey":"rotated"}');
    now += 2 * 60_000;
    expect(await secrets.get('acme', 'shop'), 'after the cache expired').toEqual({ apiKey: 'rotated' });
    expect(requested).toHaveLength(2);
  });

  it('returns undefined for a secret Secrets Manager does not have', async () => {
    expect(await new SecretsManagerSecrets('prod', { client }).get('acme', 'unknown')).toBeUndefined();
  });
});
