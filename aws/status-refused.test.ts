// A refused webhook delivery is one CloudWatch metric line and no DynamoDB request (issue 16 items 4 and 11).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { MetricRecord } from '../lambdas/logger.js';
import { DynamoStatusRecorder } from './dynamo-ops-store.js';

describe('DynamoStatusRecorder.refused', () => {
  it('emits refusedCount for the webhook stage and sends nothing to DynamoDB', () => {
    let requests = 0;
    const db = { send: async () => void requests++ } as unknown as DynamoDBDocumentClient;
    const metrics: MetricRecord[] = [];
    const recorder = new DynamoStatusRecorder(db, 'ops', () => new Date('2026-12-06T02:00:00Z'), { metrics: (r) => void metrics.push(r) });
    for (let n = 0; n < 1_000; n++) recorder.refused('acme', 'shopify');
    expect(requests).toBe(0);
    expect(metrics).toHaveLength(1_000);
    expect(metrics[0]).toEqual({
      dimensions: { tenantId: 'acme', instance: 'shopify', stage: 'webhook' },
      metrics: { refusedCount: 1 },
      time: new Date('2026-12-06T02:00:00Z'),
    });
  });
});
