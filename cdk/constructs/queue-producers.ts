// The changes queue's producers (issue 16 item 11): the functions that send to it, and the operator role the CLI
// assumes to send erasures, backfills and replays to a deployed stage. Each may send to the queue; the merge gets
// their role ids (SYNCLINE_QUEUE_SENDERS) and refuses what any other principal sent, whatever IAM lets it send
// (pipeline/scope/). A sender's SenderId is `<role id>:<session>`: the role id, not the ARN, is what SQS reports.
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUE_SENDERS_VARIABLE, type Producer } from '../../pipeline/scope/queue-senders.js';

export interface QueueProducersProps {
  queue: sqs.IQueue;
  /** The function of each producer that runs in Lambda. */
  functions: Record<Exclude<Producer, 'operator'>, lambda.Function>;
  /** The merge: it learns the producers' role ids. */
  consumer: lambda.Function;
  /** Fixed, so that the CLI finds it from the stage's name (operator/stage.ts). */
  operatorRoleName: string;
  description: string;
}

export class QueueProducers extends Construct {
  /** Assumable by principals of this account whose own policy allows sts:AssumeRole on it: the stage's operators. */
  readonly operatorRole: iam.Role;

  constructor(scope: Construct, id: string, props: QueueProducersProps) {
    super(scope, id);
    this.operatorRole = new iam.Role(this, 'OperatorRole', {
      roleName: props.operatorRoleName,
      assumedBy: new iam.AccountRootPrincipal(),
      description: props.description,
    });
    const roles: [Producer, iam.Role][] = [
      ...Object.entries(props.functions).map(([producer, fn]): [Producer, iam.Role] => [producer as Producer, roleOf(fn)]),
      ['operator', this.operatorRole],
    ];
    for (const [, role] of roles) props.queue.grantSendMessages(role);
    props.consumer.addEnvironment(QUEUE_SENDERS_VARIABLE, roles.map(([producer, role]) => `${producer}=${role.roleId}`).join(','));
  }
}

function roleOf(fn: lambda.Function): iam.Role {
  if (!(fn.role instanceof iam.Role)) throw new Error(`function ${fn.node.id} has no role of its own: its SenderId would name no producer`);
  return fn.role;
}
