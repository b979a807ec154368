// The stage's open resync jobs as one string set on the ops table: ADD and DELETE are atomic, so the CLI queueing a
// job and a run finishing another never overwrite each other. The key starts with `T#` (the resync function's grant
// covers `T#*`); `~stage` is no tenant id, since tenant ids are slugs.
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseRefKey, refKey, type OpenResyncJobs, type ResyncJobRef } from '../pipeline/resync/open-resync-jobs.js';
import { opsKeys } from './tables.js';

export class DynamoOpenResyncJobs implements OpenResyncJobs {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async list(): Promise<ResyncJobRef[]> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: opsKeys.openResyncJobs, ConsistentRead: true }));
    const jobs: unknown = Item?.jobs;
    if (!(jobs instanceof Set)) return [];
    return [...jobs]
      .filter((key): key is string => typeof key === 'string')
      .sort()
      .flatMap((key) => parseRefKey(key) ?? []);
  }

  async add(ref: ResyncJobRef): Promise<void> {
    await this.change('ADD', ref);
  }

  async remove(ref: ResyncJobRef): Promise<void> {
    await this.change('DELETE', ref);
  }

  private async change(action: 'ADD' | 'DELETE', ref: ResyncJobRef): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: opsKeys.openResyncJobs,
        UpdateExpression: `${action} jobs :job`,
        ExpressionAttributeValues: { ':job': new Set([refKey(ref)]) },
      }),
    );
  }
}
