import { engineOnManualClock, sender } from './support.js';

/** FIFO groups are locked by position (F128, F129); available groups queue up in order. */

const send = (engine: ReturnType<typeof engineOnManualClock>['engine'], q: Parameters<typeof engine.stats>[0], body: string, group: string): void => {
  engine.sendMessage(q, { MessageBody: body, MessageGroupId: group, MessageDeduplicationId: body }, sender);
};

test('a receive fills from the first available group, from its head; the group stays locked behind an in-flight message', async () => {
  const { engine, queue } = engineOnManualClock();
  const q = queue('pos.fifo');
  for (const [b, g] of [['a1', 'a'], ['b1', 'b'], ['a2', 'a'], ['a3', 'a']] as const) send(engine, q, b, g);
  const first = await engine.receiveMessages(q, { maxNumberOfMessages: 2 });
  expect(first.messages.map((m) => m.data.body)).toEqual(['a1', 'a2']);
  expect((await engine.receiveMessages(q, { maxNumberOfMessages: 10 })).messages.map((m) => m.data.body)).toEqual(['b1']);
  // Deleting a1 leaves a2 in flight at the head: group a stays locked.
  engine.deleteMessage(q, first.messages[0]!.receiptHandle);
  expect((await engine.receiveMessages(q, { maxNumberOfMessages: 10 })).messages).toEqual([]);
  engine.deleteMessage(q, first.messages[1]!.receiptHandle);
  expect((await engine.receiveMessages(q, { maxNumberOfMessages: 10 })).messages.map((m) => m.data.body)).toEqual(['a3']);
});

test('ReceiveRequestAttemptId: a retry returns the same messages and handles', async () => {
  const { engine, queue } = engineOnManualClock();
  const q = queue('attempt.fifo');
  send(engine, q, 'm1', 'g');
  const first = await engine.receiveMessages(q, { maxNumberOfMessages: 1, receiveRequestAttemptId: 'try-1' });
  const retry = await engine.receiveMessages(q, { maxNumberOfMessages: 1, receiveRequestAttemptId: 'try-1' });
  expect(retry.messages.map((m) => m.receiptHandle)).toEqual(first.messages.map((m) => m.receiptHandle));
});
