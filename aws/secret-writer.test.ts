// The deployed path of `syncline connect --stage`: the signing secret goes into the instance's Secrets Manager
// secret. Exercised here against a fake client; a real stage is not reachable from the tests.
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { SecretsManagerSecretWriter } from './secret-writer.js';

/** Secrets Manager as a map: GetSecretValue, PutSecretValue and CreateSecret, with the SDK's own not-found error. */
function fakeSecretsManager(initial: Record<string, string> = {}, failWith?: Error) {
  const stored = new Map(Object.entries(initial));
  const calls: string[] = [];
  const client = {
    async send(command: unknown) {
      if (command instanceof GetSecretValueCommand) {
        const id = command.input.SecretId!;
        calls.push(`get ${id}`);
        if (failWith) throw failWith;
        const value = stored.get(id);
        if (value === undefined)
          throw new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} });
        return { SecretString: value };
      }
      if (command instanceof PutSecretValueCommand) {
        calls.push(`put ${command.input.SecretId}`);
        stored.set(command.input.SecretId!, command.input.SecretString!);
        return {};
      }
      if (command instanceof CreateSecretCommand) {
        calls.push(`create ${command.input.Name}`);
        stored.set(command.input.Name!, command.input.SecretString!);
        return {};
      }
      throw new Error(`unexpected command ${String(command)}`);
    },
  } as unknown as SecretsManagerClient;
  return { client, stored, calls };
}

describe('SecretsManagerSecretWriter', () => {
  it('merges the signing secret into the existing secret, keeping its other keys', async () => {
    const sm = fakeSecretsManager({ 'syncline/prod/acme/woo': '{"consumerKey":"ck","consumerSecret":"cs"}' });
    const writer = new SecretsManagerSecretWriter('prod', sm.client);
    await writer.merge('acme', 'woo', { webhookSecret: 'generated' });
    expect(sm.calls).toEqual(['get syncline/prod/acme/woo', 'put syncline/prod/acme/woo']);
    expect(JSON.parse(sm.stored.get('syncline/prod/acme/woo')!)).toEqual({
      consumerKey: 'ck',
      consumerSecret: 'cs',
      webhookSecret: 'generated',
    });
    expect(writer.describe('acme', 'woo')).toBe('syncline/prod/acme/woo');
  });

  it('creates the secret when the instance has none yet', async () => {
    const sm = fakeSecretsManager();
    await new SecretsManagerSecretWriter('dev', sm.client).merge('acme', 'pos', { signatureKey: 'issued' });
    expect(sm.calls).toEqual(['get syncline/dev/acme/pos', 'create syncline/dev/acme/pos']);
    expect(JSON.parse(sm.stored.get('syncline/dev/acme/pos')!)).toEqual({ signatureKey: 'issued' });
  });

  it('does not overwrite a secret it could not read', async () => {
    const denied = Object.assign(new Error('not authorized to perform secretsmanager:GetSecretValue'), { name: 'AccessDeniedException' });
    const sm = fakeSecretsManager({ 'syncline/prod/acme/woo': '{"consumerKey":"ck"}' }, denied);
    await expect(new SecretsManagerSecretWriter('prod', sm.client).merge('acme', 'woo', { webhookSecret: 'x' })).rejects.toThrow(
      'not authorized',
    );
    expect(sm.calls).toEqual(['get syncline/prod/acme/woo']);
  });
});
