// The analytics part of the stack (issue 20): export bucket, Glue tables over the decoded layout, Athena workgroup.
import { describe, expect, it, vi } from 'vitest';
import { ANALYTICS_TABLES } from '../core/analytics/export-rows.js';
import { ANALYTICS_RETENTION_DAYS, BYTES_SCANNED_CUTOFF } from './constructs/analytics.js';
import { logicalId, resourcesOf, synth } from './test-support.js';

vi.setConfig({ testTimeout: 120_000 });

describe('analytics in the stack', () => {
  const synthesized = synth({ stage: 'prod' });
  const template = () => synthesized.template;

  it('keeps exports and query results in encrypted, private buckets that only accept TLS and forget them within a week', () => {
    const buckets = Object.values(resourcesOf(template(), 'AWS::S3::Bucket'));
    expect(buckets).toHaveLength(2);
    for (const b of buckets) {
      expect(b.Properties!.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
      expect(b.Properties!.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(b.Properties!.LifecycleConfiguration.Rules[0]).toMatchObject({
        ExpirationInDays: ANALYTICS_RETENTION_DAYS,
        Status: 'Enabled',
      });
      expect(b.DeletionPolicy, 'prod retains data').toBe('Retain');
    }
    const policies = Object.values(resourcesOf(template(), 'AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(2);
    for (const p of policies) expect(JSON.stringify(p.Properties!.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('describes each layout table to Athena as JSON partitioned by tenant, with an injected projection so every query names its tenant', () => {
    const tables = Object.values(resourcesOf(template(), 'AWS::Glue::Table')).map((t) => t.Properties!.TableInput);
    expect(tables.map((t) => t.Name).sort()).toEqual([...ANALYTICS_TABLES].sort());
    for (const t of tables) {
      expect(t.PartitionKeys).toEqual([{ Name: 'tenant_id', Type: 'string' }]);
      expect(t.Parameters['projection.tenant_id.type']).toBe('injected');
      expect(t.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.openx.data.jsonserde.JsonSerDe');
      expect(JSON.stringify(t.Parameters['storage.location.template'])).toContain(`layout/${t.Name}/tenant_id=\${tenant_id}`);
    }
  });

  it('runs queries in a workgroup that enforces encrypted results in its own bucket and a cap on bytes scanned', () => {
    const [workGroup] = Object.values(resourcesOf(template(), 'AWS::Athena::WorkGroup'));
    const config = workGroup!.Properties!.WorkGroupConfiguration;
    expect(workGroup!.Properties!.Name).toBe('syncline-prod-analytics');
    expect(config.EnforceWorkGroupConfiguration).toBe(true);
    expect(config.BytesScannedCutoffPerQuery).toBe(BYTES_SCANNED_CUTOFF);
    expect(config.ResultConfiguration.EncryptionConfiguration.EncryptionOption).toBe('SSE_S3');
    expect(JSON.stringify(config.ResultConfiguration.OutputLocation)).toContain(
      logicalId(synthesized.stack, synthesized.stack.analytics.results),
    );
  });

  it('gives the export role only the export of the profiles table and writes under exports/, and the query role no DynamoDB at all', () => {
    const policies = resourcesOf(template(), 'AWS::IAM::Policy');
    const policyOf = (role: { node: { defaultChild?: unknown } }) => {
      const id = logicalId(synthesized.stack, role as never);
      return Object.values(policies)
        .filter((p) => JSON.stringify(p.Properties!.Roles).includes(id))
        .flatMap((p) => p.Properties!.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    };
    const exportStatements = policyOf(synthesized.stack.analytics.exportRole);
    const exportActions = exportStatements.flatMap((s) => [s.Action].flat()).sort();
    expect(exportActions).toEqual([
      'dynamodb:DescribeExport',
      'dynamodb:ExportTableToPointInTime',
      's3:AbortMultipartUpload',
      's3:PutObject',
      's3:PutObjectAcl',
    ]);
    expect(JSON.stringify(exportStatements)).toContain('/exports/*');
    expect(JSON.stringify(exportStatements)).toContain(logicalId(synthesized.stack, synthesized.stack.tables.profiles));

    const queryActions = policyOf(synthesized.stack.analytics.queryRole).flatMap((s) => [s.Action].flat());
    expect(queryActions.some((a) => a.startsWith('dynamodb:'))).toBe(false);
    expect(queryActions.some((a) => a.endsWith('*'))).toBe(false);
    expect(JSON.stringify(policyOf(synthesized.stack.analytics.queryRole))).toContain('/layout/*');
  });
});
