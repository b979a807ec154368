// Alarms (DLQ depth, oldest message's age, function errors) to one SNS topic, and a dashboard with a row per pipeline stage.
import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { HandlerName } from '../handlers.js';
import type { WorkQueue } from './work-queue.js';

export interface MonitoredQueue {
  name: string;
  queue: WorkQueue;
  /** Alarm when the oldest message has waited this long: the consumer is failing or cannot keep up. */
  maxAge: Duration;
}

export interface MonitoringProps {
  namePrefix: string;
  functions: Record<HandlerName, lambda.IFunction>;
  queues: MonitoredQueue[];
  api: apigwv2.HttpApi;
  /** Subscribed to the alarm topic when given. */
  alarmEmail?: string;
  /** The sweep's log group: it logs an erasure it gives up on (pipeline/erasure/retry-erasures.ts), which must page someone. */
  sweepLogs: logs.ILogGroup;
}

export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    // Not KMS-encrypted: it carries alarm state changes only (names, metric values), no customer data, and CloudWatch
    // cannot publish to a topic under the AWS-managed SNS key; a customer-managed key would cost without protecting anything.
    this.topic = new sns.Topic(this, 'Alarms', { topicName: `${props.namePrefix}-alarms`, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = new actions.SnsAction(this.topic);

    const alarm = (alarmId: string, alarmProps: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, alarmId, { treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...alarmProps });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      this.alarms.push(created);
      return created;
    };

    for (const { name, queue, maxAge } of props.queues) {
      alarm(`${name}DlqNotEmpty`, {
        alarmName: `${props.namePrefix}-${name}-dlq-not-empty`,
        alarmDescription: `Messages in the ${name} dead-letter queue: they failed ${name === 'changes' ? 'merging' : 'pushing'} repeatedly. Find the cause in the logs, then redrive the DLQ.`,
        metric: queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
      alarm(`${name}OldestMessage`, {
        alarmName: `${props.namePrefix}-${name}-oldest-message`,
        alarmDescription: `The oldest message in the ${name} queue has waited more than ${maxAge.toMinutes()} minutes.`,
        metric: queue.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: maxAge.toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
      });
    }

    // Poll and sweep runs are invoked by the scheduler: their failures reach no queue, so errors are alarmed directly.
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, {
        alarmName: `${props.namePrefix}-${name}-errors`,
        alarmDescription: `The ${name} function failed (threw or timed out) in 3 of the last 5 minutes.`,
        metric: fn.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
      });
    }

    // An erasure the sweep stopped retrying is a GDPR request not carried out: a person must finish it by hand.
    const givenUp = new logs.MetricFilter(this, 'ErasuresGivenUp', {
      logGroup: props.sweepLogs,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', 'erasure failed permanently*'),
      metricNamespace: 'Syncline',
      metricName: `${props.namePrefix}-erasures-failed-permanently`,
      metricValue: '1',
      defaultValue: 0,
    });
    alarm('ErasureFailedPermanently', {
      alarmName: `${props.namePrefix}-erasure-failed-permanently`,
      alarmDescription:
        'An erasure request was not confirmed by a destination within its maximum age: `syncline erasures <tenant>` names it; finish it at the destination by hand.',
      metric: givenUp.metric({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.namePrefix, defaultInterval: Duration.hours(6) });
    const fnWidgets = (name: HandlerName) => {
      const fn = props.functions[name];
      return [
        new cloudwatch.GraphWidget({
          title: `${name}: invocations and errors`,
          left: [fn.metricInvocations(), fn.metricErrors(), fn.metricThrottles()],
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: `${name}: duration`,
          left: [fn.metricDuration({ statistic: 'p50' }), fn.metricDuration({ statistic: 'p99' })],
          width: 8,
        }),
      ];
    };
    const queueWidget = (q: MonitoredQueue) =>
      new cloudwatch.GraphWidget({
        title: `${q.name} queue: depth, DLQ and oldest message (s)`,
        left: [
          q.queue.queue.metricApproximateNumberOfMessagesVisible(),
          q.queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'DLQ' }),
        ],
        right: [q.queue.queue.metricApproximateAgeOfOldestMessage()],
        width: 8,
      });
    const [changes, push] = props.queues;
    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '## webhook: vendor → API → changes queue', width: 24, height: 1 }));
    this.dashboard.addWidgets(
      ...fnWidgets('webhook'),
      new cloudwatch.GraphWidget({
        title: 'API: requests, 4xx, 5xx',
        left: [props.api.metricCount(), props.api.metricClientError(), props.api.metricServerError()],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: '## poll: schedule → vendor API → changes queue', width: 24, height: 1 }),
    );
    this.dashboard.addWidgets(...fnWidgets('poll'));
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: '## merge: changes queue → profiles → push queue', width: 24, height: 1 }),
    );
    this.dashboard.addWidgets(...fnWidgets('merge'), ...(changes ? [queueWidget(changes)] : []));
    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '## push: push queue → destinations', width: 24, height: 1 }));
    this.dashboard.addWidgets(...fnWidgets('push'), ...(push ? [queueWidget(push)] : []));
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: '## sweep: schedule → tenant stats → push queue', width: 24, height: 1 }),
    );
    this.dashboard.addWidgets(...fnWidgets('sweep'));
  }
}
