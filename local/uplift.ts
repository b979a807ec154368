// `npm run uplift -- <tenant> <campaign>`: the control-group uplift of a campaign, computed from the profiles in the
// profiles table the environment names (PROFILES_TABLE, AWS_ENDPOINT_URL_DYNAMODB for DynamoDB Local, or AWS).
import './quiet-node-warning.js';
import { pathToFileURL } from 'node:url';
import type { SynclineConfig } from '../core/config.js';
import type { ProfileRepository } from '../core/ports.js';
import type { Profile } from '../core/profile.js';
import { upliftReport, type UpliftReport } from '../core/campaign/uplift.js';

export async function computeUplift(
  profiles: Pick<ProfileRepository, 'listProfiles'>,
  config: SynclineConfig,
  tenantId: string,
  campaignId: string,
  now = new Date(),
): Promise<UpliftReport> {
  const tenant = config.tenants.find((t) => t.id === tenantId);
  if (!tenant) throw new Error(`tenant "${tenantId}" is not in the config`);
  const campaign = tenant.campaigns.campaigns.find((c) => c.id === campaignId);
  if (!campaign) throw new Error(`tenant "${tenantId}" has no campaign "${campaignId}" (campaigns.campaigns in the config)`);
  const all: Profile[] = [];
  for await (const profile of profiles.listProfiles(tenantId)) all.push(profile);
  return upliftReport(all, tenant.campaigns, campaign, now);
}

export function formatUplift(r: UpliftReport): string {
  const pct = (n: number | null) => (n === null ? 'n/a' : `${(n * 100).toFixed(1)} %`);
  return [
    `campaign ${r.campaign}: audience ${r.audience} at ${r.startsAt}, measured until ${r.measuredUntil}`,
    `  exposed  ${String(r.exposed.profiles).padStart(6)} profiles, ${String(r.exposed.converted).padStart(6)} ordered again (${pct(r.exposed.rate)})`,
    `  holdout  ${String(r.holdout.profiles).padStart(6)} profiles, ${String(r.holdout.converted).padStart(6)} ordered again (${pct(r.holdout.rate)})`,
    `  uplift   ${r.absoluteUplift === null ? 'n/a' : `${r.absoluteUplift} points`}, ${signed(r.relativeUplift)} against the control group`,
    `  revenue  exposed ${r.exposed.revenue} (${r.exposed.revenuePerProfile ?? 'n/a'} per profile), holdout ${r.holdout.revenue} (${r.holdout.revenuePerProfile ?? 'n/a'} per profile): ${signed(r.revenueUplift)}`,
    ...engagementLines(r),
  ].join('\n');
}

const signed = (n: number | null) => (n === null ? 'n/a' : `${n >= 0 ? '+' : ''}${(n * 100).toFixed(1)} %`);

function engagementLines(r: UpliftReport): string[] {
  const { engagement: e } = r;
  const pct = (n: number | null) => (n === null ? 'n/a' : `${(n * 100).toFixed(1)} %`);
  const lines = [
    `  opens    exposed ${pct(e.exposed.openRate)}, holdout ${pct(e.holdout.openRate)}: ${signed(e.openUplift)}`,
    `  clicks   exposed ${pct(e.exposed.clickRate)}, holdout ${pct(e.holdout.clickRate)}: ${signed(e.clickUplift)}`,
  ];
  if (!e.comparable)
    lines.push('  (the holdout receives no mail: opens and clicks are not compared; holdout "generic-mail" compares them)');
  return lines;
}

async function main(args: string[]): Promise<void> {
  const [tenantId, campaignId] = args.filter((a) => !a.startsWith('--'));
  if (!tenantId || !campaignId) throw new Error('usage: npm run uplift -- <tenant> <campaign> [--json]');
  const [{ loadConfig }, { documentClient }, { DynamoProfileRepository }, { tableNames }] = await Promise.all([
    import('../lambdas/load-config.js'),
    import('../aws/aws-clients.js'),
    import('../aws/dynamo-profile-repository.js'),
    import('../aws/tables.js'),
  ]);
  const report = await computeUplift(
    new DynamoProfileRepository(documentClient(), tableNames().profiles),
    loadConfig(),
    tenantId,
    campaignId,
  );
  process.stdout.write(`${args.includes('--json') ? JSON.stringify(report, null, 2) : formatUplift(report)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
