// Many syncs of one tenant in one push-queue message: one send, receive and delete carry a merge batch's changed
// profiles instead of one message each (issue 15, stop 32: docs/benchmarks.md).
//
// A message is what SQS retries and dead-letters, and a packed one is retried whole: a profile that failed fails its
// message (the push Lambda's batchItemFailures), SQS redelivers it after the visibility timeout, and after the push
// queue's maxReceiveCount the message, with every profile it carried, is in the DLQ. Re-sending only the failed profiles
// in a new message (an attempt count carried along) would leave the DLQ holding exactly the profiles that failed, but
// the push would then send to its own queue and dead-letter by hand (a send that fails after the original was
// acknowledged loses the profile), and the retry count would no longer be SQS's. Retried whole, the attempts, the DLQ
// and `syncline dlq replay` mean what they always did; to an operator a dead letter reads "these profiles of one merge
// batch, at least one of which could not be pushed maxReceiveCount times" and the person's delivery log
// (`syncline deliveries`) names which. The delivered profiles of a retried or replayed message find their push
// snapshots unchanged and cost reads (their profile and snapshot, in the batch's BatchGetItem rounds, and the contact
// log where a destination field carries the count), never a vendor call or a write. MAX_PACKED bounds that.
import type { PackedSync, PushMessage } from '../core/ports.js';

type Packed = Extract<PushMessage, { kind: 'syncs' }>;

/**
 * Profiles per message. A 50-event merge batch rarely changes more than this of one tenant, so a batch sends one
 * message per tenant; a failing profile drags at most 99 others through each retry (reads only).
 */
const MAX_PACKED = 100;
/** A message stays within one 64 KB chunk, which SQS bills as one request (~60 bytes per profile: never reached at 100). */
export const PACK_MAX_BYTES = 64 * 1024;

/**
 * The syncs of `pushes` packed per tenant (and stats time), each pack where its tenant's first sync was; erasures and
 * other messages stay as they are. A pack of one is sent as the single sync it would have been.
 */
export function packSyncs(pushes: readonly PushMessage[]): PushMessage[] {
  const out: PushMessage[] = [];
  const open = new Map<string, { message: Packed; bytes: number }>();
  for (const push of pushes) {
    if (push.kind !== 'sync') {
      out.push(push);
      continue;
    }
    const key = `${push.tenantId}\u0000${push.statsAt ?? ''}`;
    const entry: PackedSync = { profileId: push.profileId, ...(push.version !== undefined ? { version: push.version } : {}) };
    const bytes = utf8Bytes(JSON.stringify(entry)) + 1;
    let pack = open.get(key);
    if (!pack || pack.message.profiles.length >= MAX_PACKED || pack.bytes + bytes > PACK_MAX_BYTES) {
      const message: Packed = {
        kind: 'syncs',
        tenantId: push.tenantId,
        profiles: [],
        ...(push.statsAt !== undefined ? { statsAt: push.statsAt } : {}),
      };
      pack = { message, bytes: utf8Bytes(JSON.stringify(message)) };
      open.set(key, pack);
      out.push(message);
    }
    pack.message.profiles.push(entry);
    pack.bytes += bytes;
  }
  return out.map((m) => (m.kind === 'syncs' && m.profiles.length === 1 ? unpackSyncs(m)[0]! : m));
}

/** The single messages a message stands for: a packed one's syncs in order, any other message itself. */
export function unpackSyncs(message: PushMessage): Exclude<PushMessage, Packed>[] {
  if (message.kind !== 'syncs') return [message];
  const { tenantId, statsAt } = message;
  return message.profiles.map(({ profileId, version }) => ({
    kind: 'sync',
    tenantId,
    profileId,
    ...(statsAt !== undefined ? { statsAt } : {}),
    ...(version !== undefined ? { version } : {}),
  }));
}

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');
