// One Secrets Manager secret per connector instance, named syncline/<stage>/<tenant>/<instance> as
// aws/secrets.ts reads it. CloudFormation fills it with a random string; the operator puts the real JSON.
import { Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { InstanceConfig, SynclineConfig, TenantConfig } from '../../core/config.js';

export interface InstanceSecret {
  tenant: TenantConfig;
  instance: InstanceConfig;
  secret: secretsmanager.Secret;
}

export class ConnectorSecrets extends Construct {
  readonly all: InstanceSecret[] = [];

  constructor(scope: Construct, id: string, props: { stage: string; config: SynclineConfig }) {
    super(scope, id);
    for (const tenant of props.config.tenants) {
      for (const instance of tenant.instances) {
        const secret = new secretsmanager.Secret(this, `${tenant.id}--${instance.id}`, {
          secretName: `syncline/${props.stage}/${tenant.id}/${instance.id}`,
          description: `syncline ${props.stage}: credentials of connector instance ${tenant.id}/${instance.id} (${instance.connector}), a JSON object`,
        });
        Validations.of(secret).acknowledge({
          id: 'AwsSolutions-SMG4',
          reason:
            "Vendor credentials (API tokens, webhook signing secrets) are issued and rotated in the vendor's console, not by a Lambda rotation function; the operator puts the new value with put-secret-value and the functions pick it up within their 5-minute cache.",
        });
        this.all.push({ tenant, instance, secret });
      }
    }
  }

  /** The secrets of the instances a predicate selects (e.g. those that receive webhooks). */
  where(predicate: (instance: InstanceConfig) => boolean): secretsmanager.Secret[] {
    return this.all.filter((s) => predicate(s.instance)).map((s) => s.secret);
  }
}
