// `syncline dlq list|replay`: the dead-letter queues (was `npm run dlq`, which now runs this).
import { peekMessages, queueDepth, replayDeadLetters } from '../../local/dlq.js';
import type { CommandContext } from '../context.js';
import { json } from '../io.js';

type QueueKind = 'changes' | 'push';

export async function dlqCommand(
  ctx: CommandContext,
  action: 'list' | 'replay',
  queue: QueueKind | undefined,
  max: number | undefined,
): Promise<number> {
  const target = await ctx.target();
  const dlqOf = (kind: QueueKind) => (kind === 'changes' ? target.queues.changesDlq : target.queues.pushDlq);
  if (action === 'list') {
    const result = [];
    for (const kind of queue ? [queue] : (['changes', 'push'] as const)) {
      const [source, dlq] = await Promise.all([queueDepth(target.sqs, target.queues[kind]), queueDepth(target.sqs, dlqOf(kind))]);
      result.push({
        queue: kind,
        waiting: source.visible,
        inFlight: source.inFlight,
        deadLetters: dlq.visible + dlq.inFlight,
        first: await peekMessages(target.sqs, dlqOf(kind)),
      });
    }
    if (ctx.options.json) ctx.io.out(json(result));
    else
      for (const r of result) {
        ctx.io.out(`${r.queue.padEnd(8)} ${r.waiting} waiting, ${r.inFlight} in flight; dead letters: ${r.deadLetters}\n`);
        for (const m of r.first) ctx.io.out(`  ${m.messageId}  sent ${m.sentAt}  ${m.bytes} bytes  ${m.summary}\n`);
      }
    return 0;
  }
  const kind = queue ?? 'changes';
  // The merge takes changes only from the stage's producers: a replay to the changes queue is sent as the operator.
  const report = await replayDeadLetters(target.sqs, dlqOf(kind), target.queues[kind], {
    ...(max !== undefined ? { max } : {}),
    ...(kind === 'changes' ? { sendWith: target.changesSender } : {}),
  });
  if (ctx.options.json) ctx.io.out(json({ queue: kind, ...report }));
  else {
    ctx.io.out(`moved ${report.moved} message(s) from the ${kind} DLQ back to the ${kind} queue`);
    ctx.io.out(report.failed > 0 ? `; ${report.failed} could not be sent and stay in the DLQ\n` : '\n');
    if (report.duplicates > 0)
      ctx.io.out(`${report.duplicates} were sent but stay in the DLQ too: a later replay delivers them again (handled as duplicates)\n`);
    for (const reason of report.reasons) ctx.io.out(`  ${reason}\n`);
  }
  return report.failed > 0 ? 1 : 0;
}
