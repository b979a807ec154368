// Where a deployed stage keeps its queues and tables: cdk/ names every resource `syncline-<stage>-…`, so the CLI finds
// them from the stage alone (queue URLs through SQS GetQueueUrl, which needs the account and region of the credentials).

/** The stages cdk/syncline-stack.ts deploys (kept here so the CLI does not load aws-cdk-lib; a test keeps them equal). */
export const STAGES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

export function isStage(value: string): value is StageName {
  return (STAGES as readonly string[]).includes(value);
}

export interface QueueUrls {
  changes: string;
  changesDlq: string;
  push: string;
  pushDlq: string;
}

export interface StageResources {
  stage: StageName;
  tables: { profiles: string; ops: string };
  queues: QueueUrls;
}

/** The names cdk/ gives: tables in constructs/data-tables.ts, queues and their `-dlq` in constructs/work-queue.ts. */
export function stageNames(stage: StageName): { tables: { profiles: string; ops: string }; queues: Record<keyof QueueUrls, string> } {
  const prefix = `syncline-${stage}`;
  return {
    tables: { profiles: `${prefix}-profiles`, ops: `${prefix}-ops` },
    queues: { changes: `${prefix}-changes`, changesDlq: `${prefix}-changes-dlq`, push: `${prefix}-push`, pushDlq: `${prefix}-push-dlq` },
  };
}

/**
 * The role the CLI assumes to send to a stage's changes queue (cdk/constructs/queue-producers.ts): the merge refuses
 * messages of senders it does not know, and an operator's own user or SSO role is not one of them.
 */
export function operatorRoleName(stage: StageName): string {
  return `syncline-${stage}-operator`;
}

export class StageNotFound extends Error {
  override readonly name = 'StageNotFound';
}

/**
 * Resolves the stage's queue URLs with `queueUrl(name)` (SQS GetQueueUrl in the CLI, a fake in tests). A queue that
 * does not exist means the stack is not deployed in this account and region: said so, with what to check.
 */
export async function resolveStage(
  stage: StageName,
  queueUrl: (name: string) => Promise<string | undefined>,
  where = 'this account and region',
): Promise<StageResources> {
  const names = stageNames(stage);
  const queues = {} as QueueUrls;
  for (const [kind, name] of Object.entries(names.queues) as [keyof QueueUrls, string][]) {
    let url: string | undefined;
    try {
      url = await queueUrl(name);
    } catch (error) {
      const code = (error as { name?: string }).name ?? '';
      if (!/QueueDoesNotExist|NonExistentQueue/.test(code)) throw error;
    }
    if (!url) {
      throw new StageNotFound(
        `no SQS queue ${name} in ${where}: is the stack Syncline-${stage} deployed there (npx cdk deploy -c stage=${stage})? Check AWS_PROFILE and AWS_REGION.`,
      );
    }
    queues[kind] = url;
  }
  return { stage, tables: names.tables, queues };
}
