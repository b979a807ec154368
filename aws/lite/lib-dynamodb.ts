// The document client for the Lambda bundles (issue 15, lean functions): `@aws-sdk/lib-dynamodb`'s commands that
// syncline's adapters send, marshalled exactly as the SDK's document client does it: the same key paths per command
// (copied from lib-dynamodb 3.x's `inputKeyNodes` / `outputKeyNodes`) and the SDK's own `@aws-sdk/util-dynamodb`
// marshall/unmarshall (5 kB) with the document client's defaults (`convertTopLevelContainer`,
// `convertWithoutMapWrapper`). Errors are not unmarshalled (a ConditionalCheckFailedException's `Item` stays in
// AttributeValues), as in the SDK. cdk/handler-bundle.ts aliases `@aws-sdk/lib-dynamodb` to this module.
import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  TransactWriteCommandInput,
  TransactWriteCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall, type marshallOptions, type unmarshallOptions } from '@aws-sdk/util-dynamodb';
import type { DynamoDBClient } from './client-dynamodb.js';

/** A key path: null is the value itself, {} every value of the object, ['*'] every member (lib-dynamodb's KeyNodes). */
type KeyNodes = null | { [key: string]: KeyNodes };
const SELF = null;
const ALL_VALUES: KeyNodes = {};
const ALL_MEMBERS: KeyNodes = {};
const NEXT_LEVEL = '*';

type Plain = Record<string, unknown>;

function processObj(obj: unknown, apply: (value: unknown) => unknown, keyNodes: KeyNodes): unknown {
  if (obj === undefined) return undefined;
  if (keyNodes === null) return apply(obj);
  const keys = Object.keys(keyNodes);
  if (keys.length === 1 && keys[0] === NEXT_LEVEL) {
    const out: Plain | unknown[] = Array.isArray(obj) ? [] : {};
    for (const [k, v] of Object.entries(obj ?? {}))
      if (typeof v !== 'function') (out as Plain)[k] = processObj(v, apply, keyNodes[NEXT_LEVEL]!);
    return out;
  }
  if (keys.length === 0) return processAllKeysInObj(obj, apply, SELF);
  return processKeysInObj(obj, apply, keyNodes);
}

function processKeysInObj(obj: unknown, apply: (value: unknown) => unknown, keyNodes: { [key: string]: KeyNodes }): unknown {
  const source = obj as Plain;
  let out: Plain | unknown[];
  if (Array.isArray(obj)) out = obj.filter((item) => typeof item !== 'function');
  else {
    out = {};
    for (const [k, v] of Object.entries(source)) if (typeof v !== 'function') out[k] = v;
  }
  for (const [key, nodes] of Object.entries(keyNodes)) {
    if (typeof source[key] === 'function') continue;
    const processed = processObj(source[key], apply, nodes);
    if (processed !== undefined && typeof processed !== 'function') (out as Plain)[key] = processed;
  }
  return out;
}

function processAllKeysInObj(obj: unknown, apply: (value: unknown) => unknown, keyNodes: KeyNodes): unknown {
  if (Array.isArray(obj)) return obj.filter((item) => typeof item !== 'function').map((item) => processObj(item, apply, keyNodes));
  const out: Plain = {};
  for (const [key, value] of Object.entries(obj as Plain)) {
    if (typeof value === 'function') continue;
    const processed = processObj(value, apply, keyNodes);
    if (processed !== undefined && typeof processed !== 'function') out[key] = processed;
  }
  return out;
}

/** One document-client command: its DynamoDB operation and the key paths it marshals and unmarshals. */
abstract class DocumentCommand<Input extends object, Output> {
  declare readonly output?: Output;
  abstract readonly operation: string;
  abstract readonly inputKeyNodes: { [key: string]: KeyNodes };
  abstract readonly outputKeyNodes: { [key: string]: KeyNodes };
  constructor(readonly input: Input) {}
}

const EXPECTED: KeyNodes = { [NEXT_LEVEL]: { Value: SELF, AttributeValueList: ALL_MEMBERS } };
const ITEM_COLLECTION: KeyNodes = { ItemCollectionKey: ALL_VALUES };

export class GetCommand extends DocumentCommand<GetCommandInput, GetCommandOutput> {
  readonly operation = 'GetItem';
  readonly inputKeyNodes = { Key: ALL_VALUES };
  readonly outputKeyNodes = { Item: ALL_VALUES };
}

export class PutCommand extends DocumentCommand<PutCommandInput, PutCommandOutput> {
  readonly operation = 'PutItem';
  readonly inputKeyNodes = { Item: ALL_VALUES, Expected: EXPECTED, ExpressionAttributeValues: ALL_VALUES };
  readonly outputKeyNodes = { Attributes: ALL_VALUES, ItemCollectionMetrics: ITEM_COLLECTION };
}

export class UpdateCommand extends DocumentCommand<UpdateCommandInput, UpdateCommandOutput> {
  readonly operation = 'UpdateItem';
  readonly inputKeyNodes = {
    Key: ALL_VALUES,
    AttributeUpdates: { [NEXT_LEVEL]: { Value: SELF } },
    Expected: EXPECTED,
    ExpressionAttributeValues: ALL_VALUES,
  };
  readonly outputKeyNodes = { Attributes: ALL_VALUES, ItemCollectionMetrics: ITEM_COLLECTION };
}

export class DeleteCommand extends DocumentCommand<DeleteCommandInput, DeleteCommandOutput> {
  readonly operation = 'DeleteItem';
  readonly inputKeyNodes = { Key: ALL_VALUES, Expected: EXPECTED, ExpressionAttributeValues: ALL_VALUES };
  readonly outputKeyNodes = { Attributes: ALL_VALUES, ItemCollectionMetrics: ITEM_COLLECTION };
}

const CONDITIONS: KeyNodes = { [NEXT_LEVEL]: { AttributeValueList: ALL_MEMBERS } };
const ITEMS_OUT = { Items: { [NEXT_LEVEL]: ALL_VALUES }, LastEvaluatedKey: ALL_VALUES };

export class QueryCommand extends DocumentCommand<QueryCommandInput, QueryCommandOutput> {
  readonly operation = 'Query';
  readonly inputKeyNodes = {
    KeyConditions: CONDITIONS,
    QueryFilter: CONDITIONS,
    ExclusiveStartKey: ALL_VALUES,
    ExpressionAttributeValues: ALL_VALUES,
  };
  readonly outputKeyNodes = ITEMS_OUT;
}

export class ScanCommand extends DocumentCommand<ScanCommandInput, ScanCommandOutput> {
  readonly operation = 'Scan';
  readonly inputKeyNodes = { ScanFilter: CONDITIONS, ExclusiveStartKey: ALL_VALUES, ExpressionAttributeValues: ALL_VALUES };
  readonly outputKeyNodes = ITEMS_OUT;
}

export class TransactWriteCommand extends DocumentCommand<TransactWriteCommandInput, TransactWriteCommandOutput> {
  readonly operation = 'TransactWriteItems';
  readonly inputKeyNodes = {
    TransactItems: {
      [NEXT_LEVEL]: {
        ConditionCheck: { Key: ALL_VALUES, ExpressionAttributeValues: ALL_VALUES },
        Put: { Item: ALL_VALUES, ExpressionAttributeValues: ALL_VALUES },
        Delete: { Key: ALL_VALUES, ExpressionAttributeValues: ALL_VALUES },
        Update: { Key: ALL_VALUES, ExpressionAttributeValues: ALL_VALUES },
      },
    },
  };
  readonly outputKeyNodes = { ItemCollectionMetrics: { [NEXT_LEVEL]: { [NEXT_LEVEL]: ITEM_COLLECTION } } };
}

export class BatchGetCommand extends DocumentCommand<BatchGetCommandInput, BatchGetCommandOutput> {
  readonly operation = 'BatchGetItem';
  readonly inputKeyNodes = { RequestItems: { [NEXT_LEVEL]: { Keys: { [NEXT_LEVEL]: ALL_VALUES } } } };
  readonly outputKeyNodes = {
    Responses: { [NEXT_LEVEL]: { [NEXT_LEVEL]: ALL_VALUES } },
    UnprocessedKeys: { [NEXT_LEVEL]: { Keys: { [NEXT_LEVEL]: ALL_VALUES } } },
  };
}

const WRITE_REQUESTS: KeyNodes = {
  [NEXT_LEVEL]: { [NEXT_LEVEL]: { PutRequest: { Item: ALL_VALUES }, DeleteRequest: { Key: ALL_VALUES } } },
};

export class BatchWriteCommand extends DocumentCommand<BatchWriteCommandInput, BatchWriteCommandOutput> {
  readonly operation = 'BatchWriteItem';
  readonly inputKeyNodes = { RequestItems: WRITE_REQUESTS };
  readonly outputKeyNodes = {
    UnprocessedItems: WRITE_REQUESTS,
    ItemCollectionMetrics: { [NEXT_LEVEL]: { [NEXT_LEVEL]: ITEM_COLLECTION } },
  };
}

export interface TranslateConfig {
  marshallOptions?: marshallOptions;
  unmarshallOptions?: unmarshallOptions;
}

export class DynamoDBDocumentClient {
  private readonly marshallOptions: marshallOptions;
  private readonly unmarshallOptions: unmarshallOptions;

  private constructor(
    private readonly client: DynamoDBClient,
    translateConfig: TranslateConfig = {},
  ) {
    // The document client's defaults (lib-dynamodb's DynamoDBDocumentClientCommand).
    this.marshallOptions = { ...translateConfig.marshallOptions };
    this.marshallOptions.convertTopLevelContainer ??= true;
    this.unmarshallOptions = { ...translateConfig.unmarshallOptions };
    this.unmarshallOptions.convertWithoutMapWrapper ??= true;
  }

  static from(client: DynamoDBClient, translateConfig?: TranslateConfig): DynamoDBDocumentClient {
    return new DynamoDBDocumentClient(client, translateConfig);
  }

  get config(): DynamoDBClient['config'] {
    return this.client.config;
  }

  /**
   * Sends one of this module's commands. A command of the SDK's own document client is accepted too (same key paths,
   * operation taken from its low-level command's class name), so that tests can hand code written against the SDK
   * this client (test/support/emulators.ts, SYNCLINE_TEST_LITE_AWS=1); the bundles only ever build this module's.
   */
  async send<Input extends object, Output>(command: DocumentCommand<Input, Output>): Promise<Output> {
    const operation = command.operation ?? sdkOperation(command);
    const input = processKeysInObj(command.input, (value) => marshall(value, this.marshallOptions), command.inputKeyNodes) as object;
    const output = await this.client.send({ operation, input });
    return processKeysInObj(
      output,
      (value) => unmarshall(value as Parameters<typeof unmarshall>[0], this.unmarshallOptions),
      command.outputKeyNodes,
    ) as Output;
  }
}

/** `PutItem` for the SDK's PutCommand, whose low-level command is a PutItemCommand. */
function sdkOperation(command: object): string {
  const name = (command as { clientCommand?: { constructor: { name: string } } }).clientCommand?.constructor.name;
  if (!name?.endsWith('Command')) throw new Error('not a document client command');
  return name.slice(0, -'Command'.length);
}
