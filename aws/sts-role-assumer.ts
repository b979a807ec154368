// sts:AssumeRole for TenantCredentials: one SigV4-signed query-protocol request (form body, XML answer) over the lite
// clients' transport (aws/lite/aws-json-client.ts: keep-alive agent, the SDK's standard retries), not the SDK's STS
// client, which brought ~150 kB of SDK core into the webhook and poll bundles (issue 15, lean functions).
import { post, Retries } from './lite/aws-json-client.js';
import { ServiceException, type ResponseMetadata } from './lite/service-error.js';
import { signRequest, type AwsCredentials } from './lite/sigv4.js';
import type { AssumeRoleRequest, RoleAssumer, TemporaryCredentials } from './tenant-credentials.js';

/** The function's own credentials, as another SDK client resolves them. */
type CredentialsProvider = () => Promise<AwsCredentials>;

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The text of the first `<name>` element (STS's answers are flat enough for this: no CDATA, no repeated names). */
function element(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return match?.[1]?.replace(/&(amp|lt|gt|quot|apos);/g, (_, entity: string) => XML_ENTITIES[entity]!);
}

export class StsRoleAssumer implements RoleAssumer {
  private readonly endpoint: URL;
  private readonly region: string;
  private readonly retries = new Retries(3);

  /** `credentials`: the function's own (its execution role). */
  /** `endpoint`: a stand-in STS for tests; in Lambda the regional STS endpoint (as the SDK's default since 2024). */
  constructor(
    private readonly credentials: CredentialsProvider,
    options: { endpoint?: string; region?: string } = {},
  ) {
    const region = options.region ?? process.env.AWS_REGION;
    if (!region) throw new Error('sts:AssumeRole needs a region (AWS_REGION is not set)');
    this.region = region;
    this.endpoint = new URL(
      options.endpoint ?? process.env.AWS_ENDPOINT_URL_STS ?? process.env.AWS_ENDPOINT_URL ?? `https://sts.${region}.amazonaws.com`,
    );
  }

  async assume(request: AssumeRoleRequest): Promise<TemporaryCredentials> {
    const params = new URLSearchParams({
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: request.roleArn,
      RoleSessionName: request.sessionName,
      DurationSeconds: String(request.durationSeconds),
    });
    Object.entries(request.tags).forEach(([key, value], i) => {
      params.set(`Tags.member.${i + 1}.Key`, key);
      params.set(`Tags.member.${i + 1}.Value`, value);
    });
    const body = params.toString();
    const xml = await this.retries.run(async (progress) => {
      const headers = signRequest(
        {
          method: 'POST',
          url: this.endpoint,
          headers: {
            'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
            'content-length': String(Buffer.byteLength(body, 'utf8')),
          },
          body,
        },
        await this.credentials(),
        { region: this.region, service: 'sts' },
      );
      const response = await post(this.endpoint, headers, body);
      if (response.status >= 200 && response.status < 300) return response.body;
      const metadata: ResponseMetadata = { httpStatusCode: response.status, ...progress };
      const requestId = element(response.body, 'RequestId');
      if (requestId) metadata.requestId = requestId;
      const code = element(response.body, 'Code') ?? `Http${response.status}`;
      throw new ServiceException(code, element(response.body, 'Message') ?? code, response.status >= 500 ? 'server' : 'client', metadata);
    });
    const [accessKeyId, secretAccessKey, sessionToken, expiration] = ['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'].map(
      (name) => element(xml, name),
    );
    if (!accessKeyId || !secretAccessKey || !sessionToken || !expiration || Number.isNaN(Date.parse(expiration)))
      throw new Error(`sts:AssumeRole of ${request.roleArn} returned no complete credentials`);
    return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiration) };
  }
}
