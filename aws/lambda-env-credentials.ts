// The credential chain of the deployed functions: Lambda puts the execution role's credentials in the environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). The Lambda bundles alias the SDK's
// `@aws-sdk/credential-provider-node` to this module (cdk/handler-bundle.ts), which leaves out the SSO, INI-file,
// process, web-identity and container/instance-metadata providers (~135 kB) that a function never reaches. Tests and
// the local runtime use the SDK's own chain, which also starts with the environment.

/** The credentials an SDK client signs with. */
interface EnvCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Same name and shape as the SDK's `defaultProvider`: called once per client with its config, returns a provider. */
export function defaultProvider(_init?: unknown, env: NodeJS.ProcessEnv = process.env): () => Promise<EnvCredentials> {
  return async () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey)
      throw new Error(
        'no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set (Lambda sets them from the execution role)',
      );
    const sessionToken = env.AWS_SESSION_TOKEN;
    const expiration = env.AWS_CREDENTIAL_EXPIRATION;
    return {
      accessKeyId,
      secretAccessKey,
      ...(sessionToken ? { sessionToken } : {}),
      ...(expiration ? { expiration: new Date(expiration) } : {}),
    };
  };
}
