// DynamoDB grants that name their actions and confine them with dynamodb:LeadingKeys to tenant keys (`T#<tenant>#…`,
// aws/tables.ts), instead of table-wide grantReadWriteData.
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { TENANT_SESSION_TAG } from '../../aws/tenant-credentials.js';

/** Actions that address items by key, so that IAM sees their partition keys (TransactWriteItems is checked per item). */
const KEYED_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
const KEYED_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/** Keys of any tenant: items outside the tenant key space are unreachable. */
export const ANY_TENANT_KEYS = 'T#*';
/** Keys of the tenant named by the caller's session tag (the TenantDataAccess role). */
export const SESSION_TENANT_KEYS = `T#\${aws:PrincipalTag/${TENANT_SESSION_TAG}}#*`;

/**
 * `indexes` names global secondary indexes of these tables to Query as well: on an index, dynamodb:LeadingKeys is the
 * index's partition key, which starts with `T#<tenant>#` too (aws/tables.ts TENANT_PROFILES_INDEX), so the same
 * condition confines it.
 */
export function grantKeyed(
  grantee: iam.IGrantable,
  tables: readonly dynamodb.ITableV2[],
  /**
   * readUpdate: reads and UpdateItem only (the sweep takes a profile off the tenant-due index, never writes a profile);
   * batchWrite: BatchWriteItem only (the sweep's due items, under their own leading keys).
   */
  access: 'read' | 'readUpdate' | 'readWrite' | 'batchWrite',
  leadingKeys: string,
  indexes: readonly string[] = [],
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions:
        access === 'read'
          ? KEYED_READ
          : access === 'readUpdate'
            ? [...KEYED_READ, 'dynamodb:UpdateItem']
            : access === 'batchWrite'
              ? ['dynamodb:BatchWriteItem']
              : [...KEYED_READ, ...KEYED_WRITE],
      resources: tables.flatMap((t) => [t.tableArn, ...indexes.map((index) => `${t.tableArn}/index/${index}`)]),
      conditions: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [leadingKeys] },
        // ForAllValues holds for a request without keys; the keyed actions always have them, so demand it.
        Null: { 'dynamodb:LeadingKeys': 'false' },
      },
    }),
  );
}
