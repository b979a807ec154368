// `syncline erase <tenant> <email>`: a GDPR erasure through the pipeline. An `erasure.requested` event from the
// source `cli` enters the changes queue like any vendor's; the merge erases the profile and queues the erasure at
// every destination that can erase. Nothing is deleted behind the pipeline's back.
import { randomUUID } from 'node:crypto';
import { CanonicalEvent, CLI_SOURCE } from '../../core/events.js';
import { normaliseEmail } from '../../core/identifiers.js';
import { findProfile } from '../../operator/profile-view.js';
import type { CommandContext } from '../context.js';
import { CommandFailed } from '../errors.js';
import { json } from '../io.js';
import { requireTenant } from '../target.js';
import type { ErasureReceipt } from '../../core/erasure/receipts.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function erasureEvent(tenantId: string, email: string, requestId: string, now = new Date()): CanonicalEvent {
  return CanonicalEvent.parse({
    tenantId,
    source: CLI_SOURCE,
    sourceEventId: `erasure-${requestId}`,
    occurredAt: now.toISOString(),
    receivedAt: now.toISOString(),
    identifiers: [{ type: 'email', value: email }],
    type: 'erasure.requested',
    data: { scope: 'person', requestId },
  });
}

export async function eraseCommand(
  ctx: CommandContext,
  tenantId: string,
  rawEmail: string,
  wait: boolean,
  waitMs = 30_000,
): Promise<number> {
  const email = normaliseEmail(rawEmail);
  if (!email)
    throw new CommandFailed(
      `"${rawEmail}" is not an e-mail address syncline matches on (placeholders such as test@test.com identify nobody)`,
      2,
    );
  const target = await ctx.target();
  requireTenant(target, tenantId);
  const existed = (await findProfile(target.profiles, tenantId, { email })) !== undefined;
  const requestId = `cli-${randomUUID()}`;
  await target.events.send([erasureEvent(tenantId, email, requestId)]);
  let erased: boolean | undefined;
  let receipt: ErasureReceipt | undefined;
  if (wait) {
    const deadline = Date.now() + waitMs;
    do {
      erased = (await findProfile(target.profiles, tenantId, { email })) === undefined;
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
      `erasure ${requestId} queued for tenant ${tenantId}${existed ? '' : ' (no profile has this address now; destinations are still asked to erase it)'}\n`,
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
