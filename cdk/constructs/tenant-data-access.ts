// The TenantDataAccess role: the functions whose tenant is known from the route or the schedule (webhook, poll) assume
// it with the session tag `tenant=<id>` (aws/tenant-credentials.ts), and it may touch only keys that start
// with `T#<that tenant>#`. A bug that builds another tenant's key then fails in IAM, not silently in data.
// The trust policy names no tenant (a list of every tenant id outgrows IAM's 2,048-character trust policy at a few
// dozen tenants): it demands exactly one session tag, `tenant`, whose value cannot widen the key pattern. That the tag
// is the tenant of the route or schedule being served is the functions' code (aws/tenant-credentials.ts), not IAM.
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TENANT_SESSION_TAG } from '../../aws/tenant-credentials.js';
import { grantKeyed, SESSION_TENANT_KEYS } from './table-access.js';

export interface TenantDataAccessProps {
  /** The tables the tenant sessions read and write. */
  tables: readonly dynamodb.ITableV2[];
  /** The function roles that may assume it. */
  assumers: readonly iam.IRole[];
  description: string;
}

export class TenantDataAccess extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: TenantDataAccessProps) {
    super(scope, id);
    const principals = props.assumers.map((r) => new iam.ArnPrincipal(r.roleArn));
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.CompositePrincipal(...principals), description: props.description });
    // Without a tenant tag a session matches no key (the policy variable has no value). The tag must be a non-empty value
    // with no `#` (which would reach into a key below another tenant's prefix) and no `*` or `?` (`${*}`, `${?}`: the
    // literal characters), the characters a tenant id (a slug, core/config.ts) never has.
    const tag = `aws:RequestTag/${TENANT_SESSION_TAG}`;
    this.role.assumeRolePolicy!.addStatements(
      new iam.PolicyStatement({
        actions: ['sts:TagSession'],
        principals,
        conditions: {
          StringLike: { [tag]: '?*' },
          StringNotLike: { [tag]: ['*#*', '*${*}*', '*${?}*'] },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [TENANT_SESSION_TAG] },
        },
      }),
    );
    grantKeyed(this.role, props.tables, 'readWrite', SESSION_TENANT_KEYS);
    for (const assumer of props.assumers) {
      assumer.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSession'], resources: [this.role.roleArn] }),
      );
    }
  }
}
