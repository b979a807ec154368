// `syncline identity dry-run <tenant> --rules new-rules.json`: what changed identity rules would merge and split,
// from the recorded events, without writing anything.
import { readFileSync } from 'node:fs';
import { dryRunIdentityRules } from '../../core/identity/dry-run.js';
import { IdentityRules } from '../../core/identity/rules.js';
import type { CommandContext } from '../context.js';
import { CommandFailed } from '../errors.js';
import { json } from '../io.js';
import { requireTenant } from '../target.js';

export function readRules(file: string): IdentityRules {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CommandFailed(`cannot read the rules file ${file}: ${(error as Error).message}`, 2);
  }
  // Either the rules themselves or a tenant-shaped `{ "identity": { … } }`.
  const candidate = raw && typeof raw === 'object' && 'identity' in raw ? (raw as { identity: unknown }).identity : raw;
  const parsed = IdentityRules.safeParse(candidate);
  if (!parsed.success)
    throw new CommandFailed(
      `the rules in ${file} are not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      2,
    );
  return parsed.data;
}

export async function identityDryRunCommand(ctx: CommandContext, tenantId: string, rulesFile: string): Promise<number> {
  const rules = readRules(rulesFile);
  const target = await ctx.target();
  const tenant = requireTenant(target, tenantId);
  const report = await dryRunIdentityRules(target.profiles, tenant, rules);
  if (ctx.options.json) {
    ctx.io.out(json(report));
    return 0;
  }
  const lines = [
    `identity dry run for tenant ${tenantId} (nothing written)`,
    `  profiles now:    ${report.profilesNow} (${report.profilesReplayed} with recorded events, ${report.events} events replayed)`,
    `  profiles after:  ${report.profilesAfter}`,
    `  would merge:     ${report.merges.count} new profiles join several current ones`,
    ...report.merges.examples.map((m) => `    ${m.profiles.join(' + ')}${m.by.length > 0 ? `  by ${m.by.join(', ')}` : ''}`),
    `  would split:     ${report.splits.count} current profiles`,
    ...report.splits.examples.map((s) => `    ${s.profileId} into ${s.into} (events ${s.events.join(' / ')})`),
    `  unchanged:       ${report.unchanged}`,
  ];
  if (report.profilesReplayed < report.profilesNow)
    lines.push(
      `  note: ${report.profilesNow - report.profilesReplayed} profiles have no recorded events (older than the history) and are left as they are`,
    );
  ctx.io.out(`${lines.join('\n')}\n`);
  return 0;
}
