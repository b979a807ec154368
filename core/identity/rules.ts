// A tenant's identity rules: which identifier types match people, in which order of trust, how many of each one
// profile may hold, and which values never match anyone. Read from the `identity` block of the tenant config.
import * as z from 'zod';
import type { Identifier } from '../identifiers.js';

/** A type name, or `customerId:*` for "the customer id of any one instance" (one limit per instance). */
const TypePattern = z
  .string()
  .regex(
    /^(email|phone|anonymousId|loyaltyId|customerId:\*|customerId:[a-z0-9][a-z0-9-]{0,62})$/,
    'email, phone, anonymousId, loyaltyId, customerId:* or customerId:<instance>',
  );

const Limit = z.union([
  z
    .number()
    .int()
    .min(1)
    .transform((max) => ({ max })),
  z.object({
    max: z.number().int().min(1),
    /** Count only identifiers first seen within this many days before the event (e.g. visitor ids of one month). */
    withinDays: z.number().int().min(1).optional(),
  }),
]);
export type IdentifierLimit = { max: number; withinDays?: number };

const DEFAULT_PRIORITY = ['customerId:*', 'loyaltyId', 'email', 'phone', 'anonymousId'];

export const IdentityRules = z
  .object({
    /** Identifier types used for matching, most trusted first; an identifier of another type is never matched on. */
    priority: z.array(TypePattern).min(1).default(DEFAULT_PRIORITY),
    /** Most identifiers of one type a profile may hold; `customerId:*` applies to each instance's customer id. */
    limits: z.record(TypePattern, Limit).default({ 'customerId:*': { max: 1 }, email: { max: 5 }, phone: { max: 3 } }),
    /** Values that identify nobody (compared after normalisation, case-insensitive), per type or for all types (`*`). */
    blockedValues: z.record(z.union([TypePattern, z.literal('*')]), z.array(z.string())).default({}),
    /** A value that more than this many profiles carry (one holds it, the others were refused it) is blocked. */
    blockSharedByMoreThan: z.number().int().min(2).default(20),
    /** How long the events behind a profile are kept, so that a wrong merge can be undone (unmerge). */
    historyDays: z.number().int().min(1).max(3650).default(400),
  })
  .prefault({});
export type IdentityRules = z.infer<typeof IdentityRules>;

function patternMatches(pattern: string, type: string): boolean {
  return pattern === type || (pattern === 'customerId:*' && type.startsWith('customerId:'));
}

/** 0 is the most trusted type; undefined: the tenant does not match on this type. */
export function priorityOf(rules: IdentityRules, type: string): number | undefined {
  const exact = rules.priority.indexOf(type);
  if (exact >= 0) return exact;
  const pattern = rules.priority.findIndex((p) => patternMatches(p, type));
  return pattern >= 0 ? pattern : undefined;
}

/**
 * What the merge asks of a tenant's rules per event, worked out once per rules object (a parsed config is not changed
 * afterwards): the limit of each type met so far, and the blocked values normalised into sets.
 */
interface Derived {
  limits: Map<string, IdentifierLimit>;
  blocked: { pattern: string; values: ReadonlySet<string> }[];
}
const derived = new WeakMap<IdentityRules, Derived>();
/** The last rules asked about: a lane merges one tenant's events, so this spares the WeakMap lookups per identifier. */
let lastRules: IdentityRules | undefined;
let lastDerived: Derived | undefined;

function derivedOf(rules: IdentityRules): Derived {
  if (rules === lastRules) return lastDerived!;
  let known = derived.get(rules);
  if (known === undefined) {
    const blocked = Object.entries(rules.blockedValues).map(([pattern, values]) => ({
      pattern,
      values: new Set(values.map((v) => v.trim().toLowerCase())),
    }));
    derived.set(rules, (known = { limits: new Map(), blocked }));
  }
  lastRules = rules;
  lastDerived = known;
  return known;
}

export function limitOf(rules: IdentityRules, type: string): IdentifierLimit {
  const exact = rules.limits[type];
  if (exact) return exact;
  const cache = derivedOf(rules).limits;
  let limit = cache.get(type);
  if (limit === undefined) {
    const pattern = Object.entries(rules.limits).find(([p]) => patternMatches(p, type));
    cache.set(type, (limit = pattern?.[1] ?? { max: Number.POSITIVE_INFINITY }));
  }
  return limit;
}

/** A tenant-configured placeholder (the built-in ones are dropped earlier, in normaliseIdentifier). */
export function isBlockedValue(rules: IdentityRules, id: Identifier): boolean {
  const { blocked } = derivedOf(rules);
  if (blocked.length === 0) return false;
  const value = id.value.toLowerCase();
  for (const { pattern, values } of blocked) {
    if (pattern !== '*' && !patternMatches(pattern, id.type)) continue;
    if (values.has(value)) return true;
  }
  return false;
}

/** Describes a limit for journals and refusals: "at most 1 customerId:shop". */
export function describeLimit(type: string, limit: IdentifierLimit): string {
  if (!Number.isFinite(limit.max)) return `no limit on ${type}`;
  return `at most ${limit.max} ${type}${limit.withinDays ? ` within ${limit.withinDays} days` : ''}`;
}

/** The rule that lets an identifier join profiles, as the journal and the dry run name it. */
export function describeMatchRule(rules: IdentityRules, type: string): string {
  const priority = priorityOf(rules, type);
  return `${type} match (priority ${(priority ?? rules.priority.length) + 1} of ${rules.priority.length}; ${describeLimit(type, limitOf(rules, type))})`;
}
