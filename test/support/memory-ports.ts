// In-memory implementations of the pipeline's ports, for unit tests of the pipeline services.
import type { FieldValue } from '../../core/destination.js';
import type { CursorStore, MessageQueue, PushSnapshotStore, QuarantineEntry, QuarantineStore, StatusRecorder } from '../../core/ports.js';
import type { Logger } from '../../connectors/sdk/index.js';
import type { DeliveryCounts } from '../../core/delivery-log.js';

export class MemoryQueue<T> implements MessageQueue<T> {
  readonly sent: T[] = [];
  async send(messages: readonly T[]): Promise<void> {
    this.sent.push(...structuredClone(messages));
  }
}

export class MemoryQuarantine implements QuarantineStore {
  readonly entries: QuarantineEntry[] = [];
  async put(entry: QuarantineEntry) {
    if (!this.entries.some((e) => e.tenantId === entry.tenantId && e.id === entry.id)) this.entries.push(entry);
  }
  async list(tenantId: string) {
    return this.entries.filter((e) => e.tenantId === tenantId);
  }
  async countByInstance(tenantId: string) {
    const counts = new Map<string, number>();
    for (const e of this.entries) if (e.tenantId === tenantId) counts.set(e.instance, (counts.get(e.instance) ?? 0) + 1);
    return counts;
  }
  async remove(tenantId: string, id: string) {
    const i = this.entries.findIndex((e) => e.tenantId === tenantId && e.id === id);
    if (i >= 0) this.entries.splice(i, 1);
  }
}

export class MemoryCursors implements CursorStore {
  readonly cursors = new Map<string, string>();
  async get(t: string, i: string) {
    return this.cursors.get(`${t}/${i}`);
  }
  async put(t: string, i: string, c: string) {
    this.cursors.set(`${t}/${i}`, c);
  }
}

export class MemorySnapshots implements PushSnapshotStore {
  readonly snapshots = new Map<string, Record<string, FieldValue>>();
  async get(t: string, p: string, i: string) {
    return this.snapshots.get(`${t}/${p}/${i}`);
  }
  async put(t: string, p: string, i: string, f: Record<string, FieldValue>) {
    this.snapshots.set(`${t}/${p}/${i}`, f);
  }
  async removeAll(t: string, p: string) {
    for (const k of [...this.snapshots.keys()]) if (k.startsWith(`${t}/${p}/`)) this.snapshots.delete(k);
  }
  async getMany(t: string, keys: readonly { profileId: string; instance: string }[]) {
    const found = new Map<string, Record<string, FieldValue>>();
    for (const k of keys) {
      const fields = this.snapshots.get(`${t}/${k.profileId}/${k.instance}`);
      if (fields) found.set(`${k.profileId}/${k.instance}`, fields);
    }
    return found;
  }
  async putMany(t: string, snapshots: readonly { profileId: string; instance: string; fields: Record<string, FieldValue> }[]) {
    for (const s of snapshots) this.snapshots.set(`${t}/${s.profileId}/${s.instance}`, s.fields);
  }
}

export class MemoryStatus implements StatusRecorder {
  readonly counts = new Map<string, number>();
  async record(t: string, i: string, stage: string, outcome: string, count = 1) {
    const key = `${t}/${i}/${stage}/${outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + count);
  }
  /** Delivery outcomes, by `tenant/instance/deliveries/<outcome>`. */
  deliveries(t: string, i: string, counts: DeliveryCounts) {
    for (const [outcome, n] of Object.entries(counts)) {
      const key = `${t}/${i}/deliveries/${outcome}`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + n);
    }
  }
}

/** A logger that keeps lines for assertions (e.g. that no e-mail address was logged). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (message: string, details?: Record<string, unknown>) =>
    void lines.push(JSON.stringify({ level, message, ...details }));
  return { lines, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** MemoryStatus that also keeps refused deliveries (a metric in AWS, never a table write), by `tenant/instance`. */
export class MemoryStatusWithRefusals extends MemoryStatus {
  readonly refusals = new Map<string, number>();
  refused(t: string, i: string) {
    this.refusals.set(`${t}/${i}`, (this.refusals.get(`${t}/${i}`) ?? 0) + 1);
  }
}
