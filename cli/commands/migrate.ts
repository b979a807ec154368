// `syncline migrate`: run once after deploying a version that adds an index to the profiles table (docs/deploy.md):
// profile items stored before it lack the index attributes, so the index (and whatever lists a tenant) would miss them,
// and lack their due item, so the campaign sweep (which reads only due profiles) would not see them until their next merge:
// a profile on the tenant-due index moves to a due item (aws/dynamo-due-items.ts), then the sweep stops reading the index.
// It also moves identifier items from the legacy unkeyed digest to the stage key's HMAC (aws/digest-key.ts), records
// per tenant when lookups may stop reading legacy digests, and since when every campaign contact has its marker.
import { DynamoProfileRepository } from '../../aws/dynamo-profile-repository.js';
import { nextDueAt } from '../../core/campaign/due-time.js';
import type { Profile } from '../../core/profile.js';
import type { CommandContext } from '../context.js';
import { CommandFailed } from '../errors.js';
import { json } from '../io.js';

/** How long after `syncline migrate` a contact may still be recorded without its marker (the previous release's pushes). */
const CONTACT_MARKER_MARGIN_MS = 60 * 60_000;

export async function migrateCommand(ctx: CommandContext): Promise<number> {
  const target = await ctx.target();
  if (!(target.profiles instanceof DynamoProfileRepository)) throw new CommandFailed(`${target.label} keeps no DynamoDB profiles table`);
  const indexed = await target.profiles.addIndexAttributes();
  const campaigns = new Map(target.config.tenants.map((t) => [t.id, t.campaigns]));
  const now = new Date();
  const tenantIds = target.config.tenants.map((t) => t.id);
  const due = await (await target.profiles.dueItems()).migrate(tenantIds, (profile: Profile) => {
    const rules = campaigns.get(profile.tenantId);
    return rules ? nextDueAt(profile, rules, now) : undefined;
  });
  // Identifier items written before the stage's digest key move to their keyed digest (issue 16 item 10).
  const rekeyed = await target.profiles.rekeyIdentifiers(tenantIds);
  // Then lookups stop reading legacy digests for the tenants where nothing can remain under one (no erasure marker).
  const legacyReads = await target.profiles.recordLegacyRekeyed(tenantIds);
  // Every campaign contact recorded from now on has its marker (the push reads a person's contact log only where one
  // is); the margin covers pushes of the previous release still running (the Lambda timeout is at most 15 minutes).
  // The first record stays, so running migrate again never moves it on.
  await target.contacts.recordMarkersFrom(tenantIds, new Date(now.getTime() + CONTACT_MARKER_MARGIN_MS));
  ctx.io.out(
    ctx.options.json
      ? json({ ...indexed, dueTimes: due, rekeyedIdentifiers: rekeyed.moved, legacyReads })
      : `${target.label}: ${indexed.updated} profile(s) given their index attributes (${indexed.missing - indexed.updated} written meanwhile), ` +
          `${due.updated} given their due time (${due.missing - due.updated} written meanwhile or not due), ` +
          `${rekeyed.moved} identifier item(s) moved to the keyed digest; legacy digest reads ended for ` +
          `${legacyReads.ended.length} tenant(s), kept for ${legacyReads.kept.length} (erasure markers or refusals under a digest)\n`,
  );
  return 0;
}
