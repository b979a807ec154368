// The two DynamoDB tables of aws/tables.ts: profiles (profiles, identifier index items and the history kept for unmerge,
// which expires) and ops (cursors, quarantine, push snapshots, status, ledger). Both have TTL on `ttl`. Keys are strings and start with `T#<tenantId>#`.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TENANT_DUE_INDEX, TENANT_PROFILES_INDEX } from '../../aws/tables.js';

/** Must equal TTL_ATTRIBUTE in aws/tables.ts (the stack test checks it); both tables use it. */
export const OPS_TTL_ATTRIBUTE = 'ttl';

export interface DataTablesProps {
  namePrefix: string;
  removalPolicy: RemovalPolicy;
}

export class DataTables extends Construct {
  readonly profiles: dynamodb.TableV2;
  readonly ops: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: DataTablesProps) {
    super(scope, id);
    const retained = props.removalPolicy === RemovalPolicy.RETAIN;
    const table = (tableId: string, name: string, timeToLiveAttribute: string) =>
      new dynamodb.TableV2(this, tableId, {
        tableName: `${props.namePrefix}-${name}`,
        partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
        billing: dynamodb.Billing.onDemand(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        // AWS-managed KMS key: key use shows in CloudTrail, no key to pay for or to manage.
        encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
        // A retained table is also protected from a DeleteTable call outside CloudFormation.
        deletionProtection: retained,
        removalPolicy: props.removalPolicy,
        timeToLiveAttribute,
      });
    // History items (aws/dynamo-profile-repository.ts appendHistory) carry `ttl`: without TTL here they never expire.
    this.profiles = table('Profiles', 'profiles', OPS_TTL_ATTRIBUTE);
    // The sparse index of a tenant's live profiles (aws/tables.ts): listProfiles queries it instead of scanning.
    this.profiles.addGlobalSecondaryIndex({
      indexName: TENANT_PROFILES_INDEX.name,
      partitionKey: { name: TENANT_PROFILES_INDEX.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TENANT_PROFILES_INDEX.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    // The sparse index of profiles due for the campaign sweep (aws/tables.ts): the sweep queries what is due now.
    // A second GSI on a deployed table: CloudFormation adds one per update (docs/deploy.md).
    this.profiles.addGlobalSecondaryIndex({
      indexName: TENANT_DUE_INDEX.name,
      partitionKey: { name: TENANT_DUE_INDEX.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TENANT_DUE_INDEX.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    this.ops = table('Ops', 'ops', OPS_TTL_ATTRIBUTE);
  }
}
