// The resync function's schedule: one for the stage (not one per tenant), every RESYNC_EVERY_MINUTES. Each run looks
// for open resync jobs (queued by `syncline resync --stage`, or left by the previous run at its time budget) and
// continues them; it finds them in the stage's list of open jobs (one item), so an idle run costs one read whatever the number
// of tenants.
import { type CfnElement, type CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';

/** Longer than the resync function's timeout, so that runs never overlap (a job is continued by one run at a time). */
export const RESYNC_EVERY_MINUTES = 15;

export interface ResyncScheduleProps {
  group: scheduler.ScheduleGroup;
  resyncFunction: lambda.IFunction;
}

export class ResyncSchedule extends Construct {
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: ResyncScheduleProps) {
    super(scope, id);
    const role = new iam.Role(this, 'InvokeRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'EventBridge Scheduler: invoke the syncline resync function',
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      scheduleGroup: props.group,
      description: `continue open resync jobs every ${RESYNC_EVERY_MINUTES} min`,
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(RESYNC_EVERY_MINUTES)),
      target: new LambdaInvoke(props.resyncFunction, {
        role,
        input: scheduler.ScheduleTargetInput.fromObject({}),
        // A late run would overlap the next one: drop it, the next continues the job from its saved page.
        maxEventAge: Duration.minutes(1),
        retryAttempts: 0,
      }),
    });
    // The group's name is a literal in the schedule, which hides the dependency from CloudFormation.
    (this.schedule.node.defaultChild as CfnResource).addDependency(props.group.node.defaultChild as CfnResource);
    const logicalId = Stack.of(this).getLogicalId(props.resyncFunction.node.defaultChild as CfnElement);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
      reason:
        'LambdaInvoke.grantInvoke also allows the qualified ARNs (versions/aliases) of the resync function itself; no other function is reachable.',
    });
  }
}
