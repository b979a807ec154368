// What a changes message may claim, judged before the merge applies it (issue 16 item 11): the merge trusts neither
// `event.tenantId` nor `source.instance` as written. A message must come from one of the stage's producers, name an
// instance the tenant has with the connector that instance runs, be of a type that connector's kind produces, and be
// something its producer makes (the public collect function: website events only; survey answers only from the survey
// function; erasures from the CLI only from the operator). What this cannot catch: a compromised webhook function
// may still claim any event its instances' kinds produce for any tenant with such an instance (docs/reliability.md).
import type { SynclineConfig, TenantConfig } from '../../core/config.js';
import { CLI_SOURCE, type CanonicalEvent } from '../../core/events.js';
import type { QuarantineEntry } from '../../core/ports.js';
import { connectorKind } from '../../connectors/kinds.js';
import { SURVEY_SOURCE } from '../survey/answer-survey.js';
import { kindRefusal } from './kind-events.js';
import { principalOf, producerOf, type Producer, type QueueSenders } from './queue-senders.js';

/** Who sent the message, as SQS stamps it; the replayed message's first sender (REPLAY_OF_ATTRIBUTE). */
export interface MessageSender {
  senderId?: string;
  replayOf?: string;
}

export type Claim = { event: CanonicalEvent } | { quarantine: QuarantineEntry };

/** Why the message may not be applied (names producers, tenants, instances and types; never values), or undefined. */
export type MessageScope = (sender: MessageSender, claim: Claim) => string | undefined;

export function messageScope(config: SynclineConfig, senders: QueueSenders): MessageScope {
  const tenants = new Map(config.tenants.map((t) => [t.id, t]));
  return (sender, claim) => {
    const producer = producerOf(senders, sender.senderId, sender.replayOf);
    if (producer === undefined) return `refused: sent by ${describeSender(sender)}, which is not one of the stage's producers`;
    const refusal =
      'event' in claim ? eventRefusal(tenants, producer, claim.event) : quarantineRefusal(tenants, producer, claim.quarantine);
    return refusal === undefined ? undefined : `refused: ${refusal}`;
  };
}

function describeSender(sender: MessageSender): string {
  const sent = sender.senderId === undefined ? 'no sender id' : principalOf(sender.senderId);
  return sender.replayOf === undefined ? sent : `${sent} replaying a message of ${principalOf(sender.replayOf)}`;
}

function eventRefusal(tenants: ReadonlyMap<string, TenantConfig>, producer: Producer, event: CanonicalEvent): string | undefined {
  const tenant = tenants.get(event.tenantId);
  if (!tenant) return `tenant "${event.tenantId}" is not configured`;
  const { connector, instance: instanceId } = event.source;
  if (connector === CLI_SOURCE.connector && instanceId === CLI_SOURCE.instance) {
    if (producer !== 'operator') return `the ${producer} function may not send the CLI's requests`;
    return event.type === 'erasure.requested' ? undefined : `the CLI does not send ${event.type}`;
  }
  if (connector === SURVEY_SOURCE.connector && instanceId === SURVEY_SOURCE.instance) {
    if (producer !== 'survey' && producer !== 'operator') return `the ${producer} function may not send survey answers`;
    return event.type === 'survey.answered' ? undefined : `survey answers are not ${event.type}`;
  }
  if (producer === 'survey') return 'the survey function sends survey answers only';
  const instance = tenant.instances.find((i) => i.id === instanceId);
  if (!instance) return `tenant "${tenant.id}" has no instance "${instanceId}"`;
  if (instance.connector !== connector)
    return `instance "${instanceId}" of tenant "${tenant.id}" runs ${instance.connector}, not ${connector}`;
  const kind = connectorKind(connector);
  if (kind === undefined) return `connector ${connector} is not installed`;
  const byKind = kindRefusal(kind, event);
  if (byKind !== undefined) return `${byKind} (${tenant.id}/${instanceId}, ${connector})`;
  if (producer === 'webhook' && !instance.webhooks) return `instance "${instanceId}" of tenant "${tenant.id}" takes no webhooks`;
  if (producer === 'poll' && instance.pollEveryMinutes === undefined)
    return `instance "${instanceId}" of tenant "${tenant.id}" is not polled`;
  if (producer === 'collect' && kind !== 'website') return `the collect function sends website events only, not ${connector}'s`;
  return undefined;
}

/** Queued quarantine entries come from the collect function (it may not write the table), about a website instance. */
function quarantineRefusal(tenants: ReadonlyMap<string, TenantConfig>, producer: Producer, entry: QuarantineEntry): string | undefined {
  if (producer !== 'collect' && producer !== 'operator') return `the ${producer} function does not queue quarantine entries`;
  const instance = tenants.get(entry.tenantId)?.instances.find((i) => i.id === entry.instance);
  if (!instance) return `tenant "${entry.tenantId}" has no instance "${entry.instance}"`;
  if (connectorKind(instance.connector) !== 'website') return `instance "${entry.instance}" of tenant "${entry.tenantId}" is no website`;
  return undefined;
}
