// The webhook and poll dependencies, the two handlers whose tenant comes from the request (route or schedule).
import type { CanonicalEvent } from '../core/events.js';
import type { WebhookDeps } from '../pipeline/ingest-webhook.js';
import type { PollDeps } from '../pipeline/run-poll.js';
import { dynamoClient, sqsClient } from '../aws/aws-clients.js';
import { DynamoEventLedger } from '../aws/dynamo-event-ledger.js';
import { LedgeredEventQueue } from '../pipeline/ledger/ledgered-event-queue.js';
import { DynamoCursorStore, DynamoQuarantineStore, DynamoStatusRecorder } from '../aws/dynamo-ops-store.js';
import { SqsMessageQueue } from '../aws/sqs-queue.js';
import { StsRoleAssumer } from '../aws/sts-role-assumer.js';
import { tenantScopedDynamo } from '../aws/tenant-scoped-dynamo.js';
import { connectedInstances } from './connected-instances.js';
import { once, required, runtimeOverrides, shared } from './container.js';

export interface IngestDeps {
  webhook: WebhookDeps;
  poll: PollDeps;
}

/** Under the function's own credentials: what the local runtime and tests use, and AWS without a tenant role. */
export function ingestRuntime(): IngestDeps {
  return once('ingest', () => {
    const { db, names, status, ledger, log } = shared();
    const instances = connectedInstances();
    // Polls record their events as accepted once they are on the queue (one write per send); a webhook only sends:
    // the merge records its events (docs/reliability.md, "The event ledger").
    const changes = new SqsMessageQueue<CanonicalEvent>(sqsClient(), required('CHANGES_QUEUE_URL'));
    const events = new LedgeredEventQueue(changes, ledger);
    return {
      webhook: { instances, events: changes, quarantine: new DynamoQuarantineStore(db, names.ops), status, log },
      poll: { instances, events, cursors: new DynamoCursorStore(db, names.ops), status, log },
    };
  });
}

/**
 * The webhook and poll dependencies of one tenant. With SYNCLINE_TENANT_DATA_ROLE_ARN set (the stack sets it on these
 * two functions, whose tenant comes from the route or the schedule), their ops-table stores sign with credentials
 * that IAM confines to keys starting with `T#<tenantId>#`; elsewhere they are ingestRuntime()'s.
 */
export function tenantRuntime(tenantId: string): IngestDeps {
  const base = ingestRuntime();
  const scoped = once('tenant-scoped', () => ({
    dynamo: tenantScopedDynamo(() => runtimeOverrides().roleAssumer ?? new StsRoleAssumer(() => dynamoClient().config.credentials())),
    tenants: new Map<string, IngestDeps>(),
  }));
  // A tenant id from a URL that is not configured gets a 404 before any store is used: no client, no cache entry.
  if (!scoped.dynamo || !shared().config.tenants.some((t) => t.id === tenantId)) return base;
  let deps = scoped.tenants.get(tenantId);
  if (!deps) {
    const db = scoped.dynamo.documentClientFor(tenantId);
    const ops = shared().names.ops;
    const status = new DynamoStatusRecorder(db, ops);
    // The ledger's "accepted" records are this tenant's ops items too: written with the tenant's credentials.
    const events = new LedgeredEventQueue(
      new SqsMessageQueue<CanonicalEvent>(sqsClient(), required('CHANGES_QUEUE_URL')),
      new DynamoEventLedger(db, ops),
    );
    deps = {
      webhook: { ...base.webhook, quarantine: new DynamoQuarantineStore(db, ops), status },
      poll: { ...base.poll, events, cursors: new DynamoCursorStore(db, ops), status },
    };
    scoped.tenants.set(tenantId, deps);
  }
  return deps;
}
