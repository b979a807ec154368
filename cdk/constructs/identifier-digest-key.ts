// The stage's identifier digest key (issue 16 item 10): a generated Secrets Manager secret that the functions keying
// identifier items and erasure receipts read once per container (aws/digest-key.ts). No one types or sees its value.
import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { digestKeySecretName } from '../../aws/digest-key.js';

/** The variable through which a function finds the key (its ARN). */
export const DIGEST_KEY_VARIABLE = 'SYNCLINE_DIGEST_KEY_SECRET';

export interface IdentifierDigestKeyProps {
  stage: string;
  /** The functions that look identifiers up or write them: merge, push (erasure receipts, shared values), sweep (retries). */
  readers: readonly lambda.Function[];
  removalPolicy: RemovalPolicy;
}

export class IdentifierDigestKey extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: IdentifierDigestKeyProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      secretName: digestKeySecretName(props.stage),
      description: 'syncline: HMAC key of identifier index keys and erasure receipt digests; losing it orphans the identifier index',
      // 64 letters and digits: ~380 bits, and no character a shell or JSON would need to escape.
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Not rotated automatically: every identifier item is keyed by this value, so a new key needs a re-keying run (syncline migrate), not a Secrets Manager rotation.',
    });
    for (const fn of props.readers) {
      this.secret.grantRead(fn);
      fn.addEnvironment(DIGEST_KEY_VARIABLE, this.secret.secretArn);
    }
  }
}
