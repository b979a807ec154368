// The real STS adapter against a local server that answers like STS's AssumeRole (query protocol, XML).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StsRoleAssumer } from './sts-role-assumer.js';

const ROLE = 'arn:aws:iam::123456789012:role/syncline-dev-tenant-data';
let server: Server;
let endpoint: string;
const requests: URLSearchParams[] = [];
let answer = { status: 200, expiration: '2026-11-20T10:00:00Z' };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(answer.status, { 'content-type': 'text/xml' });
      if (answer.status !== 200) {
        res.end(
          '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform: sts:TagSession</Message></Error><RequestId>r</RequestId></ErrorResponse>',
        );
        return;
      }
      res.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
        <Credentials><AccessKeyId>ASIATENANT</AccessKeyId><SecretAccessKey>tenant-secret-key</SecretAccessKey><SessionToken>tenant-session</SessionToken><Expiration>${answer.expiration}</Expiration></Credentials>
        <AssumedRoleUser><Arn>${ROLE.replace(':role/', ':assumed-role/')}/syncline-acme</Arn><AssumedRoleId>AROAFAKE:syncline-acme</AssumedRoleId></AssumedRoleUser>
        <PackedPolicySize>1</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const functionCredentials = async () => ({ accessKeyId: 'AKIAFUNCTION', secretAccessKey: 'function-key' });

describe('StsRoleAssumer', () => {
  it('sends AssumeRole with the session name, duration and tenant tag, and returns the temporary credentials', async () => {
    const assumer = new StsRoleAssumer(functionCredentials, { endpoint, region: 'eu-west-1' });
    const credentials = await assumer.assume({
      roleArn: ROLE,
      sessionName: 'syncline-acme',
      tags: { tenant: 'acme' },
      durationSeconds: 900,
    });

    expect(credentials).toEqual({
      accessKeyId: 'ASIATENANT',
      secretAccessKey: 'tenant-secret-key',
      sessionToken: 'tenant-session',
      expiration: new Date('2026-11-20T10:00:00Z'),
    });
    expect(Object.fromEntries(requests.at(-1)!)).toMatchObject({
      Action: 'AssumeRole',
      RoleArn: ROLE,
      RoleSessionName: 'syncline-acme',
      DurationSeconds: '900',
      'Tags.member.1.Key': 'tenant',
      'Tags.member.1.Value': 'acme',
    });
  });

  it('passes STS’s refusal on', async () => {
    answer = { ...answer, status: 403 };
    const assumer = new StsRoleAssumer(functionCredentials, { endpoint, region: 'eu-west-1' });
    await expect(
      assumer.assume({ roleArn: ROLE, sessionName: 'syncline-acme', tags: { tenant: 'acme' }, durationSeconds: 900 }),
    ).rejects.toThrow(/TagSession/);
  });
});
