// DynamoDB faults for fault tests and the soak, injected as AWS SDK middleware on the client the handlers use:
// throttling (what a hot partition or an exhausted on-demand limit answers), a second writer that commits to a
// profile between the merge's read and its conditional write, so that DynamoDB itself rejects the stale version,
// and writes that take effect while their caller sees an error (a reply lost on the way back).
// Seeded, so a run can be replayed; scoped to tenants, so a fault-free tenant can run beside a faulty one.
import {
  InternalServerError,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { seededRandom } from '../../connectors/sdk/seeded-random.js';

export interface DynamoFaultOptions {
  seed: number;
  /** Share of requests answered with a throttling error before they reach DynamoDB (default 0.03). */
  throttleRate?: number;
  /** Share of conditional profile writes a second writer races, making the write fail its condition (default 0.15). */
  conflictRate?: number;
  /** Share of writes that take effect but whose reply is lost: the caller sees a 500 (default 0.02). */
  lostReplyRate?: number;
  /** Only requests touching these tenants' keys; every request when absent. */
  tenants?: readonly string[];
  /** Starts active (default true); `pause()` and `resume()` switch it. */
  active?: boolean;
}

export interface DynamoFaultCounts {
  /** Requests answered ProvisionedThroughputExceededException (reads and single-item writes). */
  throttled: number;
  /** TransactWriteItems cancelled with a ThrottlingError reason. */
  transactionsThrottled: number;
  /** Profile versions bumped by the second writer just before a conditional write. */
  versionsBumped: number;
  /** Writes applied whose caller was told InternalServerError. */
  repliesLost: number;
}

export interface DynamoFaultInjector {
  counts(): DynamoFaultCounts;
  pause(): void;
  resume(): void;
  /** Removes the middleware from the client. */
  detach(): void;
}

const NAME = 'synclineFaultInjector';
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

type Input = Record<string, unknown>;

/**
 * Attaches the injector to `client` (and so to every DynamoDBDocumentClient built on it: they share its middleware
 * stack). The faults are injected at the initialize step, outside the SDK's own retries: each one reaches syncline's
 * code as if the SDK had given up, which is the case the pipeline must survive. `secondWriter` is a client without
 * the injector, used for the racing writes.
 */
export function injectDynamoFaults(client: DynamoDBClient, secondWriter: DynamoDBClient, options: DynamoFaultOptions): DynamoFaultInjector {
  const random = seededRandom(options.seed);
  const throttleRate = options.throttleRate ?? 0.03;
  const conflictRate = options.conflictRate ?? 0.15;
  const markers = options.tenants?.map((t) => `T#${t}#`);
  const lostReplyRate = options.lostReplyRate ?? 0.02;
  const counts: DynamoFaultCounts = { throttled: 0, transactionsThrottled: 0, versionsBumped: 0, repliesLost: 0 };
  let active = options.active ?? true;
  /** The tenant markers (or '' without them) whose conditional profile writes have met the racing writer. */
  const raced = new Set<string>();

  const concerns = (input: Input) => {
    if (!markers) return true;
    const text = JSON.stringify(input);
    return markers.some((m) => text.includes(m));
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Input;
      if (!active || !concerns(input)) return next(args);
      const command = context.commandName ?? '';
      if (random.chance(throttleRate)) {
        const $metadata = { httpStatusCode: 400 };
        if (command === 'TransactWriteItemsCommand') {
          counts.transactionsThrottled++;
          const items = (input.TransactItems as unknown[] | undefined) ?? [];
          throw new TransactionCanceledException({
            message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ThrottlingError] (injected)',
            $metadata,
            CancellationReasons: items.map((_, i) =>
              i === 0
                ? { Code: 'ThrottlingError', Message: 'Throughput exceeds the current capacity for one or more global secondary indexes' }
                : { Code: 'None' },
            ),
          });
        }
        counts.throttled++;
        throw new ProvisionedThroughputExceededException({
          message: 'The level of configured provisioned throughput for the table was exceeded (injected)',
          $metadata,
        });
      }
      const target = conditionalProfileWrite(command, input);
      // Each faulted tenant's first conditional profile write always meets the racing writer, the later ones at
      // conflictRate: with one write per person and batch a run may make only a handful, and a seed that raced none of
      // them would test nothing.
      const tenant = target ? (markers?.find((m) => target.pk.startsWith(m)) ?? '') : '';
      if (target && (!raced.has(tenant) || random.chance(conflictRate)) && (await bumpVersion(secondWriter, target))) {
        raced.add(tenant);
        counts.versionsBumped++;
      }
      if (WRITES.has(command) && random.chance(lostReplyRate)) {
        await next(args);
        counts.repliesLost++;
        throw new InternalServerError({
          message: 'Internal server error (injected: the write was applied, its reply lost)',
          $metadata: { httpStatusCode: 500 },
        });
      }
      return next(args);
    },
    { step: 'initialize', name: NAME, override: true },
  );

  return {
    counts: () => ({ ...counts }),
    pause: () => {
      active = false;
    },
    resume: () => {
      active = true;
    },
    detach: () => {
      client.middlewareStack.remove(NAME);
    },
  };
}

interface ProfileItem {
  table: string;
  pk: string;
  sk: string;
}

/** The profile item a conditional write expects at a version (a put of an existing profile), if this is one. */
function conditionalProfileWrite(command: string, input: Input): ProfileItem | undefined {
  const puts: Input[] =
    command === 'PutItemCommand'
      ? [input]
      : command === 'TransactWriteItemsCommand'
        ? ((input.TransactItems as { Put?: Input }[] | undefined) ?? []).flatMap((t) => (t.Put ? [t.Put] : []))
        : [];
  for (const put of puts) {
    const item = put.Item as Record<string, unknown> | undefined;
    const sk = stringOf(item?.sk);
    const pk = stringOf(item?.pk);
    const condition = String(put.ConditionExpression ?? '');
    // A new profile (attribute_not_exists) has no version to race.
    if (sk === 'PROFILE' && pk && /version/.test(condition) && typeof put.TableName === 'string') return { table: put.TableName, pk, sk };
  }
  return undefined;
}

/** Document-client inputs hold plain strings, low-level inputs `{ S: … }`. */
function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && typeof (value as { S?: unknown }).S === 'string') return (value as { S: string }).S;
  return undefined;
}

/** Another writer commits the profile unchanged at the next version: the pending write's expected version is stale. */
async function bumpVersion(writer: DynamoDBClient, item: ProfileItem): Promise<boolean> {
  try {
    await writer.send(
      new UpdateItemCommand({
        TableName: item.table,
        Key: { pk: { S: item.pk }, sk: { S: item.sk } },
        UpdateExpression: 'SET #version = #version + :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );
    return true;
  } catch {
    return false;
  }
}
