// Who sent a changes message. SQS stamps every message with its sender's principal (`SenderId`: an IAM user id, or a
// role id and session name `AROA…:<session>`); no sender chooses it. The stack passes the merge the role ids of the
// functions and of the operator role that may send (SYNCLINE_QUEUE_SENDERS), and the merge judges each message by
// the producer its sender is (pipeline/scope/message-scope.ts).
import * as z from 'zod';

export const PRODUCERS = ['webhook', 'poll', 'collect', 'survey', 'operator'] as const;
export type Producer = (typeof PRODUCERS)[number];

/**
 * What local-aws-sqs stamps on every message (it is SQS's documentation example of a user id). Locally every producer
 * (server, scheduler, CLI) sends from one process with the same credentials, so this one sender is the operator.
 */
export const LOCAL_SQS_SENDER_ID = 'ABCDEFGHI1JKLMNOPQ23R';

/**
 * The message attribute `syncline dlq replay` sets to the dead letter's own SenderId: a replayed message is judged as
 * its first sender's, not the replayer's. Believed only on a message the operator sent.
 */
export const REPLAY_OF_ATTRIBUTE = 'syncline-replay-of';

/** The environment variable: `<producer>=<principal id>` pairs, comma-separated (a producer may appear more than once). */
export const QUEUE_SENDERS_VARIABLE = 'SYNCLINE_QUEUE_SENDERS';

export type QueueSenders = ReadonlyMap<string, Producer>;

const Principal = z.string().regex(/^[A-Za-z0-9]{8,128}$/, 'an IAM user or role id (letters and digits)');
const Pair = z.tuple([z.enum(PRODUCERS), Principal]);

/**
 * The senders in SYNCLINE_QUEUE_SENDERS. Unset: only the local emulator's sender, as the operator; in AWS (where the
 * stack always sets it) that id is no real principal's, so a merge deployed without it refuses everything rather than
 * admitting everyone.
 */
export function queueSendersFrom(value: string | undefined): QueueSenders {
  if (value === undefined || value.trim() === '') return new Map([[LOCAL_SQS_SENDER_ID, 'operator']]);
  const senders = new Map<string, Producer>();
  for (const entry of value.split(',')) {
    const parsed = Pair.safeParse(entry.trim().split('='));
    if (!parsed.success) throw new Error(`${QUEUE_SENDERS_VARIABLE}: "${entry}" is not <${PRODUCERS.join('|')}>=<principal id>`);
    const [producer, principal] = parsed.data;
    const known = senders.get(principal);
    if (known !== undefined && known !== producer)
      throw new Error(`${QUEUE_SENDERS_VARIABLE}: principal ${principal} is given as both ${known} and ${producer}`);
    senders.set(principal, producer);
  }
  return senders;
}

/** The principal part of a SenderId: a role's id without the session name. */
export function principalOf(senderId: string): string {
  const colon = senderId.indexOf(':');
  return colon < 0 ? senderId : senderId.slice(0, colon);
}

/**
 * The producer a message counts as: its sender's, or, for a message the operator replayed from the dead-letter queue,
 * the first sender's (undefined when that one is no producer: a refused message stays refused after a replay).
 */
export function producerOf(senders: QueueSenders, senderId: string | undefined, replayOf: string | undefined): Producer | undefined {
  const producer = senderId === undefined ? undefined : senders.get(principalOf(senderId));
  if (producer === 'operator' && replayOf !== undefined) return senders.get(principalOf(replayOf));
  return producer;
}
