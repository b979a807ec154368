// ErasureReceiptStore in memory, with the same behaviour as the DynamoDB adapter: for pipeline tests.
import type { ErasureSubject } from '../../core/destination.js';
import type { ErasureReceiptStore } from '../../core/ports.js';
import {
  newSubjectReceipt,
  receiptsByRequest,
  subjectDigest,
  type DestinationErasure,
  type ErasureReceipt,
  type ErasureState,
  type PendingErasure,
  type SubjectReceipt,
} from '../../core/erasure/receipts.js';

export class InMemoryErasureReceipts implements ErasureReceiptStore {
  readonly receipts = new Map<string, SubjectReceipt>();
  /** The kept subjects (personal data), by the same key; gone once a receipt closes. */
  readonly kept = new Map<string, PendingErasure>();

  async open(
    tenantId: string,
    requestId: string,
    subject: ErasureSubject,
    at: string,
    mergedFrom: readonly string[] = [],
  ): Promise<SubjectReceipt> {
    const key = keyOf(tenantId, requestId, subjectDigest(tenantId, subject.profileId));
    let receipt = this.receipts.get(key);
    if (!receipt) {
      receipt = newSubjectReceipt(tenantId, requestId, subject, at);
      this.receipts.set(key, receipt);
      this.kept.set(key, {
        tenantId,
        requestId,
        subjectDigest: receipt.subjectDigest,
        subject: structuredClone(subject),
        ...(mergedFrom.length > 0 ? { mergedFrom: [...mergedFrom] } : {}),
        requestedAt: at,
        lastTriedAt: at,
      });
    }
    return structuredClone(receipt);
  }

  async record(tenantId: string, requestId: string, digest: string, destination: DestinationErasure, at: string): Promise<void> {
    const key = keyOf(tenantId, requestId, digest);
    const receipt = this.receipts.get(key);
    if (!receipt) throw new Error(`no erasure receipt ${requestId} for this subject in tenant ${tenantId}`);
    if (receipt.destinations[destination.instance]?.status === 'confirmed') return; // never over a confirmation
    receipt.destinations[destination.instance] = structuredClone(destination);
    receipt.updatedAt = at;
    const kept = this.kept.get(key);
    if (kept) kept.lastTriedAt = at;
  }

  async close(
    tenantId: string,
    requestId: string,
    digest: string,
    state: Exclude<ErasureState, 'open'>,
    at: string,
    reason?: string,
  ): Promise<void> {
    const key = keyOf(tenantId, requestId, digest);
    const receipt = this.receipts.get(key);
    if (receipt) Object.assign(receipt, { state, updatedAt: at, ...(reason === undefined ? {} : { closedReason: reason }) });
    this.kept.delete(key);
  }

  async touch(tenantId: string, requestId: string, digest: string, at: string): Promise<void> {
    const kept = this.kept.get(keyOf(tenantId, requestId, digest));
    if (kept) kept.lastTriedAt = at;
  }

  async pending(tenantId: string): Promise<PendingErasure[]> {
    return [...this.kept.values()].filter((p) => p.tenantId === tenantId).map((p) => structuredClone(p));
  }

  async get(tenantId: string, requestId: string): Promise<ErasureReceipt | undefined> {
    return receiptsByRequest(this.subjects(tenantId).filter((s) => s.requestId === requestId))[0];
  }

  async list(tenantId: string, limit?: number): Promise<ErasureReceipt[]> {
    return receiptsByRequest(this.subjects(tenantId), limit);
  }

  private subjects(tenantId: string): SubjectReceipt[] {
    return [...this.receipts.values()].filter((r) => r.tenantId === tenantId).map((r) => structuredClone(r));
  }
}

const keyOf = (tenantId: string, requestId: string, digest: string) => JSON.stringify([tenantId, requestId, digest]);
