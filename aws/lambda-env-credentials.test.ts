import { describe, expect, it } from 'vitest';
import { defaultProvider } from './lambda-env-credentials.js';

describe('the deployed functions sign with the credentials Lambda puts in the environment', () => {
  it('reads key, secret, session token and expiry', async () => {
    const env = {
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
      AWS_CREDENTIAL_EXPIRATION: '2026-12-06T03:00:00Z',
    };
    expect(await defaultProvider({}, env)()).toEqual({
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date('2026-12-06T03:00:00Z'),
    });
  });

  it('says which variables are missing instead of signing with nothing', async () => {
    await expect(defaultProvider({}, { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' })()).rejects.toThrow(/AWS_SECRET_ACCESS_KEY/);
  });
});
