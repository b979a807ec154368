// SQS changes queue → merge engine → DynamoDB; reports partial batch failures (ReportBatchItemFailures).
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mergeBatch, type MergeBatchDeps } from '../pipeline/merge-batch.js';
import { runtime } from './runtime.js';

export function createMergeHandler(deps: () => MergeBatchDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const { failedIds } = await mergeBatch(
      deps(),
      event.Records.map((r) => ({ id: r.messageId, body: r.body, receiveCount: Number(r.attributes.ApproximateReceiveCount) || 1 })),
    );
    return { batchItemFailures: failedIds.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

export const handler = createMergeHandler(() => runtime().merge);
