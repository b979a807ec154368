// EventBridge Scheduler schedules from the config: a poll per connector instance with pollEveryMinutes
// ({tenantId, instanceId}) and a campaign sweep per tenant every campaigns.sweepEveryMinutes ({tenantId}).
// A new instance or tenant in the config gives its schedule with no code change.
// The schedules live in nested stacks of at most SCHEDULES_PER_STACK each, packed in config order: a schedule is a
// CloudFormation resource, and one stack holds 500, so the number of tenants a deploy holds does not depend on it.
import { type CfnElement, type CfnResource, Duration, NestedStack, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import type { SynclineConfig, TenantConfig } from '../../core/config.js';

/** Well below CloudFormation's 500 resources per stack, so that a chunk's tenants can add instances without moving. */
const SCHEDULES_PER_STACK = 400;

export interface SchedulesProps {
  groupName: string;
  config: SynclineConfig;
  pollFunction: lambda.IFunction;
  sweepFunction: lambda.IFunction;
}

export interface ScheduleEntry {
  kind: 'poll' | 'sweep';
  tenantId: string;
  instanceId?: string;
  schedule: scheduler.Schedule;
}

/** A tenant's schedules: one per polling instance and its sweep. */
const schedulesOf = (tenant: TenantConfig) => tenant.instances.filter((i) => i.pollEveryMinutes !== undefined).length + 1;

/** Tenants in config order, in consecutive chunks of at most `max` schedules (a tenant is never split). */
function chunk(tenants: readonly TenantConfig[], max: number): TenantConfig[][] {
  const chunks: TenantConfig[][] = [];
  let current: TenantConfig[] = [];
  let count = 0;
  for (const tenant of tenants) {
    const n = schedulesOf(tenant);
    if (n > max) throw new Error(`tenant ${tenant.id} has ${n} schedules; one stack of schedules holds at most ${max}`);
    if (count + n > max) {
      chunks.push(current);
      current = [];
      count = 0;
    }
    current.push(tenant);
    count += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export class Schedules extends Construct {
  readonly group: scheduler.ScheduleGroup;
  readonly entries: ScheduleEntry[] = [];
  /** The nested stacks holding the schedules, in config order. */
  readonly stacks: NestedStack[] = [];

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    // The group gives every schedule the stage's prefix; the schedules' own names are generated (≤ 64 characters).
    // Schedules hold no data: they go with the stack.
    this.group = new scheduler.ScheduleGroup(this, 'Group', { scheduleGroupName: props.groupName, removalPolicy: RemovalPolicy.DESTROY });

    // One role for all schedules, assumable by EventBridge Scheduler on behalf of this account only.
    const role = new iam.Role(this, 'InvokeRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'EventBridge Scheduler: invoke the syncline poll and sweep functions',
    });

    const every = (minutes: number, fn: lambda.IFunction, input: Record<string, string>) =>
      new LambdaInvoke(fn, {
        role,
        input: scheduler.ScheduleTargetInput.fromObject(input),
        // A run that could not be delivered is worth little once the next one is due: a poll resumes from its saved
        // cursor, a sweep recomputes everything.
        maxEventAge: Duration.minutes(minutes),
        retryAttempts: 2,
      });

    chunk(props.config.tenants, SCHEDULES_PER_STACK).forEach((tenants, n) => {
      const stack = new NestedStack(this, `Tenants${n + 1}`, {
        description: `syncline schedules of tenants ${tenants[0]!.id} … ${tenants.at(-1)!.id}`,
      });
      this.stacks.push(stack);
      for (const tenant of tenants) {
        for (const instance of tenant.instances) {
          if (instance.pollEveryMinutes === undefined) continue;
          const schedule = new scheduler.Schedule(stack, `poll--${tenant.id}--${instance.id}`, {
            scheduleGroup: this.group,
            description: `poll ${tenant.id}/${instance.id} (${instance.connector}) every ${instance.pollEveryMinutes} min`,
            schedule: scheduler.ScheduleExpression.rate(Duration.minutes(instance.pollEveryMinutes)),
            target: every(instance.pollEveryMinutes, props.pollFunction, { tenantId: tenant.id, instanceId: instance.id }),
          });
          this.entries.push({ kind: 'poll', tenantId: tenant.id, instanceId: instance.id, schedule });
        }
        const minutes = tenant.campaigns.sweepEveryMinutes;
        const schedule = new scheduler.Schedule(stack, `sweep--${tenant.id}`, {
          scheduleGroup: this.group,
          description: `campaign sweep of ${tenant.id} every ${minutes} min`,
          schedule: sweepSchedule(minutes),
          target: every(minutes, props.sweepFunction, { tenantId: tenant.id }),
        });
        this.entries.push({ kind: 'sweep', tenantId: tenant.id, schedule });
      }
      // The group's name is a literal in each schedule, which hides the dependency from CloudFormation.
      stack.nestedStackResource!.addResourceDependency(this.group.node.defaultChild as CfnResource);
    });

    for (const fn of [props.pollFunction, props.sweepFunction]) {
      const logicalId = Stack.of(this).getLogicalId(fn.node.defaultChild as CfnElement);
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
        reason: `LambdaInvoke.grantInvoke also allows the qualified ARNs (versions/aliases) of the ${fn.node.scope?.node.id ?? ''} function itself; no other function is reachable.`,
      });
    }
  }
}

/**
 * The sweep on the clock's own grid where its period allows (every 15 minutes: :00, :15, :30, :45), so a due time,
 * which core/campaign/due-time.ts rounds up to whole hours or 5 minutes, is served at once instead of up to a period
 * later as with a rate, whose runs fall wherever the schedule was created. Other periods keep the rate.
 */
export function sweepSchedule(minutes: number): scheduler.ScheduleExpression {
  if (minutes < 60 && 60 % minutes === 0) return scheduler.ScheduleExpression.cron({ minute: `0/${minutes}` });
  if (minutes % 60 === 0 && 1440 % minutes === 0) return scheduler.ScheduleExpression.cron({ minute: '0', hour: `0/${minutes / 60}` });
  return scheduler.ScheduleExpression.rate(Duration.minutes(minutes));
}
