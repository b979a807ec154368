// A connector's webhook topics as a table (topic → schema and mapping) instead of a hand-written switch: the SDK
// looks the topic up by own key, acknowledges the ones read without events, and refuses the rest the same way.
import type { z } from 'zod';
import type { EventDraft } from '../../core/events.js';
import { PayloadInvalid } from './errors.js';
import { parsePayload } from './parse-payload.js';
import { redactPersonalData } from './redact.js';

/** Maps one delivery's body; `what` names it in errors ("Shopify orders/create payload"). */
export type TopicHandler<Args extends unknown[]> = (body: unknown, what: string, ...args: Args) => EventDraft[];

/** A topic whose body is `schema`, mapped by `map`. */
export function topic<T, Args extends unknown[]>(
  schema: z.ZodType<T>,
  map: (payload: T, ...args: Args) => EventDraft[],
): TopicHandler<Args> {
  return (body, what, ...args) => map(parsePayload(schema, body, what), ...args);
}

export interface TopicTableSpec<Args extends unknown[]> {
  /** The vendor as a person knows it, for errors. */
  vendor: string;
  /** What the vendor calls a topic, for errors (default "topic"). */
  noun?: string;
  topics: Readonly<Record<string, TopicHandler<Args>>>;
  /** Topics answered with no events (pings, housekeeping the vendor would retry or disable the webhook over). */
  acknowledged?: readonly string[];
  /**
   * The vendor's topic syntax. A topic of this form that the table does not read is acknowledged with no events too:
   * vendors count an error answer as a failed delivery (WooCommerce disables the webhook, Shopify retries and may
   * remove the subscription). A name of another form is refused. Without it, every topic not read is refused.
   */
  unused?: RegExp;
  /** What a person does about a topic syncline does not read, e.g. "remove the subscription or add a mapping". */
  remedy: string;
  /** Topic names shown as they are in errors; others are shown escaped with personal data blanked. */
  shown?: RegExp;
}

export interface TopicTable<Args extends unknown[]> {
  /** The topics that produce events, in the table's order. */
  readonly names: readonly string[];
  /**
   * The mapping of topic `name` (body → events); undefined for an acknowledged topic or an unused one of the vendor's
   * syntax. Throws PayloadInvalid for any other topic syncline does not read.
   */
  find(name: string): ((body: unknown, ...args: Args) => EventDraft[]) | undefined;
  /** A value fit for an error message (which is logged). */
  printable(value: string): string;
}

export function topicTable<Args extends unknown[]>(spec: TopicTableSpec<Args>): TopicTable<Args> {
  const names = Object.keys(spec.topics);
  const acknowledged = new Set(spec.acknowledged ?? []);
  const shown = spec.shown ?? /^[a-z0-9_./-]{1,80}$/;
  const printable = (value: string) => (shown.test(value) ? value : redactPersonalData(JSON.stringify(value.slice(0, 80))));
  return {
    names,
    printable,
    find(name) {
      if (acknowledged.has(name)) return undefined;
      // Own keys only: a topic of "toString" or "__proto__" must not find Object.prototype's members.
      const handler = Object.hasOwn(spec.topics, name) ? spec.topics[name] : undefined;
      if (!handler && spec.unused?.test(name)) return undefined;
      if (!handler) {
        throw new PayloadInvalid(
          `${spec.vendor} ${spec.noun ?? 'topic'} ${printable(name)} is not one syncline reads (it reads ${names.join(', ')}); ${spec.remedy}`,
        );
      }
      return (body, ...args) => handler(body, `${spec.vendor} ${name} payload`, ...args);
    },
  };
}
