// Whole-tenant analytics on an engine built for it (issue 20): the profiles table exported to S3 (DynamoDB's export
// reads no table capacity), decoded into the tenant-partitioned layout of core/analytics/export-rows.ts, and queried by
// Athena with the SQL files in analytics/ (the same files DuckDB runs on the local stack). Here: the export bucket,
// the Glue tables over the layout, the Athena workgroup with its results bucket, and two roles for operators, one to
// start an export and one to query, each allowed only that.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ANALYTICS_TABLES, type AnalyticsTable } from '../../core/analytics/export-rows.js';

export interface AnalyticsProps {
  namePrefix: string;
  profilesTable: dynamodb.ITableV2;
  removalPolicy: RemovalPolicy;
}

/** Where an export writes (`exports/AWSDynamoDB/<ExportId>/…`) and where its decoded layout goes (`layout/<table>/tenant_id=<id>/`). */
export const EXPORT_PREFIX = 'exports/';
export const LAYOUT_PREFIX = 'layout/';
/** Exports and layouts hold personal data: kept a week, so an erasure reaches them within days (docs/deploy.md). */
export const ANALYTICS_RETENTION_DAYS = 7;
/** Athena bills $5 per TB scanned: a query that would scan more than this is cancelled. */
export const BYTES_SCANNED_CUTOFF = 100 * 1024 ** 3;

const COLUMNS: Record<AnalyticsTable, glue.CfnTable.ColumnProperty[]> = {
  profiles: [
    { name: 'profile_id', type: 'string' },
    { name: 'doc', type: 'string' },
  ],
  events: [
    { name: 'profile_id', type: 'string' },
    { name: 'event_key', type: 'string' },
    { name: 'event', type: 'string' },
  ],
  purchases: [
    { name: 'profile_id', type: 'string' },
    { name: 'product_key', type: 'string' },
    { name: 'name', type: 'string' },
    { name: 'category', type: 'string' },
  ],
};

export class Analytics extends Construct {
  readonly bucket: s3.Bucket;
  readonly results: s3.Bucket;
  readonly workGroup: athena.CfnWorkGroup;
  readonly database: glue.CfnDatabase;
  readonly exportRole: iam.Role;
  readonly queryRole: iam.Role;

  constructor(scope: Construct, id: string, props: AnalyticsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const bucket = (bucketId: string) => {
      const b = new s3.Bucket(this, bucketId, {
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        removalPolicy: props.removalPolicy,
        lifecycleRules: [{ expiration: Duration.days(ANALYTICS_RETENTION_DAYS), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      });
      Validations.of(b).acknowledge({
        id: 'AwsSolutions-S1',
        reason: `Every object here expires after ${ANALYTICS_RETENTION_DAYS} days and is written by an export or a query started through the roles of this construct: CloudTrail records those calls; a server access log bucket would keep the object keys (tenant ids) longer than the data.`,
      });
      return b;
    };
    this.bucket = bucket('ExportBucket');
    this.results = bucket('ResultsBucket');

    const databaseName = `${props.namePrefix.replaceAll('-', '_')}_analytics`;
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: databaseName, description: 'syncline analytics layout of a profiles-table export (analytics/*.sql)' },
    });
    const tables = ANALYTICS_TABLES.map((table) => {
      const location = `s3://${this.bucket.bucketName}/${LAYOUT_PREFIX}${table}/`;
      const t = new glue.CfnTable(this, `Table-${table}`, {
        catalogId: stack.account,
        databaseName,
        tableInput: {
          name: table,
          tableType: 'EXTERNAL_TABLE',
          partitionKeys: [{ name: 'tenant_id', type: 'string' }],
          // Injected projection: no partitions to register, and every query must name its tenant (tenant_id = ?).
          parameters: {
            classification: 'json',
            'projection.enabled': 'true',
            'projection.tenant_id.type': 'injected',
            'storage.location.template': `${location}tenant_id=\${tenant_id}`,
          },
          storageDescriptor: {
            columns: COLUMNS[table],
            location,
            inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
            serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
          },
        },
      });
      t.addResourceDependency(this.database);
      return table;
    });

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: `${props.namePrefix}-analytics`,
      description: 'syncline whole-tenant analytics (uplift, co-purchases, identity dry run) over the export',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF,
        resultConfiguration: {
          outputLocation: `s3://${this.results.bucketName}/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });

    const operators = new iam.AccountRootPrincipal();
    this.exportRole = new iam.Role(this, 'ExportRole', {
      assumedBy: operators,
      description: 'start an export of the profiles table to the analytics bucket, nothing else',
    });
    this.exportRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:ExportTableToPointInTime', 'dynamodb:DescribeExport'],
        resources: [props.profilesTable.tableArn, `${props.profilesTable.tableArn}/export/*`],
      }),
    );
    this.exportRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:PutObjectAcl'],
        resources: [this.bucket.arnForObjects(`${EXPORT_PREFIX}*`)],
      }),
    );
    const arnOf = (construct: Construct) => `<${stack.getLogicalId(construct.node.defaultChild as never)}.Arn>`;
    const acknowledgeObjects = (role: iam.Role, resource: string, reason: string) =>
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
    acknowledgeObjects(
      this.exportRole,
      `${arnOf(props.profilesTable)}/export/*`,
      'An export is named by an id DynamoDB generates when it starts: DescribeExport can only be granted on the table’s exports, not on one known in advance.',
    );
    acknowledgeObjects(
      this.exportRole,
      `${arnOf(this.bucket)}/${EXPORT_PREFIX}*`,
      'DynamoDB writes an export’s files under exports/AWSDynamoDB/<ExportId>/ with names it chooses: the grant is limited to that prefix of this construct’s bucket.',
    );
    this.queryRole = new iam.Role(this, 'QueryRole', {
      assumedBy: operators,
      description: 'run the analytics SQL in the analytics workgroup over the decoded layout, nothing else',
    });
    const workGroupArn = stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroup.name });
    this.queryRole.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StopQueryExecution',
          'athena:GetWorkGroup',
        ],
        resources: [workGroupArn],
      }),
    );
    this.queryRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartitions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: databaseName }),
          ...tables.map((t) => stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${databaseName}/${t}` })),
        ],
      }),
    );
    this.queryRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${LAYOUT_PREFIX}*`)] }),
    );
    this.queryRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: [this.bucket.bucketArn, this.results.bucketArn],
      }),
    );
    this.queryRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        resources: [this.results.arnForObjects('*')],
      }),
    );
    acknowledgeObjects(
      this.queryRole,
      `${arnOf(this.bucket)}/${LAYOUT_PREFIX}*`,
      'Athena reads the layout objects under layout/<table>/tenant_id=<id>/, one set per table and tenant named by the decoding step: read-only, limited to that prefix.',
    );
    acknowledgeObjects(
      this.queryRole,
      `${arnOf(this.results)}/*`,
      'Athena writes each query’s result under a name it chooses in the workgroup’s own results bucket, which holds nothing else.',
    );
  }
}
