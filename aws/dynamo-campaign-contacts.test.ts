// The campaign contact log on DynamoDB Local: every recorded contact leaves a marker item beside the person's contacts,
// and contactedSince answers, in one BatchGetItem, who may have contacts, once the tenant's record says since when every
// contact has its marker. Before that (contacts of the previous release have none) every person may.
import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useEmulators } from '../test/support/emulators.js';
import { DynamoCampaignContactLog } from './dynamo-campaign-store.js';
import { batchPut } from './dynamo-batch.js';
import { opsKeys, TTL_ATTRIBUTE } from './tables.js';

const env = useEmulators({ sqs: false });

let seq = 0;
const tenant = () => `t${++seq}${Math.random().toString(36).slice(2, 6)}`;
const DAY = 86_400_000;

/** The emulator's client, counting requests by command. */
function counted() {
  const requests: string[] = [];
  const db = {
    send: (command: { constructor: { name: string } }) => {
      requests.push(command.constructor.name.replace(/Command$/, ''));
      return env.db.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, requests };
}

const contact = (daysAgo: number, campaign = 'win-back') => ({
  campaign,
  instance: 'crm',
  at: new Date(Date.now() - daysAgo * DAY).toISOString(),
});

describe('DynamoCampaignContactLog', () => {
  it('answers who may have contacts in one strongly consistent BatchGetItem, once every contact since has its marker', async () => {
    const t = tenant();
    const { db, requests } = counted();
    const log = new DynamoCampaignContactLog(db, env.tables.ops);
    await log.recordMarkersFrom([t], new Date(0));
    await log.record(t, 'p-contacted', [contact(3)]);
    requests.length = 0;

    const may = await log.contactedSince(t, ['p-contacted', 'p-never', 'p-other'], new Date(Date.now() - 30 * DAY));

    expect([...may]).toEqual(['p-contacted']);
    // The tenant's record (once per container) and the markers.
    expect(requests).toEqual(['Get', 'BatchGet']);
    await log.contactedSince(t, ['p-never'], new Date(Date.now() - 30 * DAY));
    expect(requests).toEqual(['Get', 'BatchGet', 'BatchGet']);
    expect(await log.list(t, 'p-contacted')).toHaveLength(1);
  });

  it('reads the markers strongly: a contact recorded a moment ago counts', async () => {
    const t = tenant();
    const sent: unknown[] = [];
    const db = {
      send: (command: unknown) => {
        if (command instanceof BatchGetCommand) sent.push(Object.values(command.input.RequestItems ?? {})[0]?.ConsistentRead);
        return env.db.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const log = new DynamoCampaignContactLog(db, env.tables.ops);
    await log.recordMarkersFrom([t], new Date(0));
    await log.record(t, 'p1', [contact(0)]);
    expect([...(await log.contactedSince(t, ['p1'], new Date(Date.now() - DAY)))]).toEqual(['p1']);
    expect(sent).toEqual([true]);
  });

  it('without the tenant record, or for a window reaching before it, every person may have contacts (the log is read, as before)', async () => {
    const t = tenant();
    const log = new DynamoCampaignContactLog(env.db, env.tables.ops);
    // A contact of the previous release: no marker.
    await batchPut(env.db, env.tables.ops, [
      {
        pk: opsKeys.pushPartition(t, 'p-old'),
        sk: `CONTACT#${contact(2).at}#win-back#crm`,
        contact: contact(2),
        [TTL_ATTRIBUTE]: Math.floor(Date.now() / 1000) + 400 * 86_400,
      },
    ]);
    const since = new Date(Date.now() - 30 * DAY);
    expect([...(await log.contactedSince(t, ['p-old', 'p-none'], since))].sort()).toEqual(['p-none', 'p-old']);

    // `syncline migrate` records that contacts from about now on have markers: a 30-day window still reaches before it.
    await log.recordMarkersFrom([t], new Date(Date.now() + 60 * 60_000));
    expect([...(await log.contactedSince(t, ['p-old', 'p-none'], since))].sort()).toEqual(['p-none', 'p-old']);
    // Once the window starts after it, only persons with a marker may.
    const later = new Date(Date.now() + 2 * 60 * 60_000);
    expect([...(await log.contactedSince(t, ['p-old', 'p-none'], later))]).toEqual([]);
    // The first record stays: a second migrate cannot move it on.
    await log.recordMarkersFrom([t], new Date(Date.now() + 100 * DAY));
    expect([...(await new DynamoCampaignContactLog(env.db, env.tables.ops).contactedSince(t, ['p-none'], later))]).toEqual([]);
  });

  it('the marker expires with the newest contact it stands for, and goes with the person on erasure', async () => {
    const t = tenant();
    const log = new DynamoCampaignContactLog(env.db, env.tables.ops, 400);
    await log.recordMarkersFrom([t], new Date(0));
    const newest = contact(1, 'b');
    await log.record(t, 'p1', [contact(10, 'a'), newest]);
    const items = async () =>
      (
        await env.db.send(
          new QueryCommand({
            TableName: env.tables.ops,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': opsKeys.pushPartition(t, 'p1') },
            ConsistentRead: true,
          }),
        )
      ).Items ?? [];
    const marker = (await items()).find((i) => i.sk === 'CONTACTS');
    expect(marker?.[TTL_ATTRIBUTE]).toBe(Math.floor(Date.parse(newest.at) / 1000) + 400 * 86_400);
    // Not under CONTACT#: the log's own Query does not see it.
    expect(await log.list(t, 'p1')).toHaveLength(2);

    await log.removeAll(t, 'p1');
    expect(await items()).toEqual([]);
    expect([...(await log.contactedSince(t, ['p1'], new Date(Date.now() - 30 * DAY)))]).toEqual([]);
  });
});
