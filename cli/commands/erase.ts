// `syncline erase <tenant> <email>` (or --phone, --customer <source>:<id>): a GDPR erasure through the pipeline. An `erasure.requested` event from the
// source `cli` enters the changes queue like any vendor's; the merge erases the profile and queues the erasure at
// every destination that can erase. Nothing is deleted behind the pipeline's back.
import { randomUUID } from 'node:crypto';
import { CanonicalEvent, CLI_SOURCE } from '../../core/events.js';
import { identifierKey, normaliseIdentifier, type Identifier } from '../../core/identifiers.js';
import { liveProfile } from '../../core/live-profile.js';
import type { CommandContext } from '../context.js';
import { CommandFailed } from '../errors.js';
import { json } from '../io.js';
import { requireTenant } from '../target.js';
import type { ErasureReceipt } from '../../core/erasure/receipts.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function erasureEvent(tenantId: string, identifier: Identifier, requestId: string, now = new Date()): CanonicalEvent {
  return CanonicalEvent.parse({
    tenantId,
    source: CLI_SOURCE,
    sourceEventId: `erasure-${requestId}`,
    occurredAt: now.toISOString(),
    receivedAt: now.toISOString(),
    identifiers: [identifier],
    type: 'erasure.requested',
    data: { scope: 'person', requestId },
  });
}

export async function eraseCommand(
  ctx: CommandContext,
  tenantId: string,
  raw: Identifier,
  wait: boolean,
  waitMs = 30_000,
): Promise<number> {
  const target = await ctx.target();
  requireTenant(target, tenantId);
  const identifier = normaliseIdentifier(raw);
  if (!identifier)
    throw new CommandFailed(
      raw.type === 'email'
        ? `"${raw.value}" is not an e-mail address syncline matches on (placeholders such as test@test.com identify nobody)`
        : `"${raw.value}" is not a ${raw.type === 'phone' ? 'phone number syncline matches on (give it with its country code, e.g. +31…)' : 'customer id syncline matches on'}`,
      2,
    );
  const find = async () => {
    const profileId = (await target.profiles.lookup(tenantId, [identifier])).get(identifierKey(identifier));
    return profileId === undefined ? undefined : liveProfile(target.profiles, tenantId, profileId);
  };
  const existed = (await find()) !== undefined;
  const requestId = `cli-${randomUUID()}`;
  await target.events.send([erasureEvent(tenantId, identifier, requestId)]);
  let erased: boolean | undefined;
  let receipt: ErasureReceipt | undefined;
  if (wait) {
    const deadline = Date.now() + waitMs;
    do {
      erased = (await find()) === undefined;
      if (erased) break;
      await sleep(250);
    } while (Date.now() < deadline);
    // Then the destinations: until every one has answered (the receipt leaves `open`) or the time is up.
    while (erased && Date.now() < deadline) {
      receipt = await target.erasures.get(tenantId, requestId);
      if (receipt && receipt.state !== 'open') break;
      await sleep(250);
    }
  }
  const destinations = receipt?.destinations.map(({ instance, status, reason }) => ({ instance, status, ...(reason ? { reason } : {}) }));
  const result = {
    tenantId,
    requestId,
    profileFound: existed,
    ...(erased !== undefined ? { erased } : {}),
    ...(receipt ? { state: receipt.state, destinations } : {}),
  };
  if (ctx.options.json) ctx.io.out(json(result));
  else {
    ctx.io.out(
      `erasure ${requestId} queued for tenant ${tenantId}${existed ? '' : ' (no profile has this value now; destinations are still asked to erase it)'}\n`,
    );
    if (erased === true) ctx.io.out('the profile is erased; destinations that can erase receive the request through the push queue\n');
    if (erased === false) ctx.io.out(`the profile still exists after ${waitMs / 1000} s: see \`syncline dlq list\` and the merge logs\n`);
    if (receipt)
      ctx.io.out(
        `destinations (${receipt.state}): ${receipt.destinations.map((d) => `${d.instance} ${d.status}`).join(', ') || 'none configured'}\n`,
      );
    ctx.io.out(`follow it with: syncline erasure ${tenantId} ${requestId}\n`);
  }
  return erased === false ? 1 : 0;
}
