// The deflated items of a bench run, as the JSON they hold: what a preset deflate dictionary (aws/deflate-dictionary*.ts)
// is weighed on. Runs the emulator bench (bench/emulators.ts: the merge's amplification runs and the end to end from
// signed Shopify webhooks) with every DynamoDB document client's writes observed, and keeps each written item that holds
// a deflated attribute or one that could be (profile, history, push snapshot, ledger batch), as its JSON and the bytes of
// the item's other attributes, and prints their sizes with each dictionary (bench/deflate-sizes.ts).
// `npm run bench:dictionary -- <webhooks> <amplification events> <out.jsonl>` (400 300 deflate-corpus.jsonl).
import { writeFileSync } from 'node:fs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decodeCorpusItem, sizesTable, type CorpusItem } from './deflate-sizes.js';
import { measureOnEmulators } from './emulators.js';

type Command = { constructor: { name: string }; input: Record<string, any> };

/** The items a write command puts whole (Put, BatchWrite puts, transaction puts). */
function putItems(command: Command): Record<string, unknown>[] {
  const name = command.constructor.name;
  if (name === 'PutCommand') return [command.input.Item];
  if (name === 'BatchWriteCommand')
    return Object.values(command.input.RequestItems ?? {}).flatMap((requests) =>
      (requests as { PutRequest?: { Item: Record<string, unknown> } }[]).flatMap((r) => (r.PutRequest ? [r.PutRequest.Item] : [])),
    );
  if (name === 'TransactWriteCommand')
    return (command.input.TransactItems as { Put?: { Item: Record<string, unknown> } }[]).flatMap((t) => (t.Put ? [t.Put.Item] : []));
  return [];
}

const corpus: CorpusItem[] = [];
const prototype = DynamoDBDocumentClient.prototype as unknown as { send: (command: unknown, ...rest: unknown[]) => Promise<unknown> };
const send = prototype.send;
prototype.send = function (this: unknown, command: unknown, ...rest: unknown[]) {
  for (const item of putItems(command as Command)) {
    const decoded = decodeCorpusItem(item);
    if (decoded) corpus.push(decoded);
  }
  return send.call(this, command, ...rest);
};

const [webhooks = '400', amplification = '300', out = 'deflate-corpus.jsonl'] = process.argv.slice(2);
await measureOnEmulators({ webhooks: Number(webhooks), concurrency: 8, amplificationEvents: Number(amplification) });
writeFileSync(out, corpus.map((c) => JSON.stringify(c)).join('\n') + '\n');
console.log(`${corpus.length} items → ${out}`);
console.log(sizesTable(corpus));
