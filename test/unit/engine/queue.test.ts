import { SqsError } from '../../../src/api/errors.js';
import { engineOnManualClock, sender } from './support.js';

/** The engine facade on a manual clock: send, receive, delete, visibility, retention, OverLimit. */

test('a sent message is received once, hidden for its visibility timeout, then visible again', async () => {
  const { engine, clock, queue } = engineOnManualClock();
  const q = queue('std', { VisibilityTimeout: '30' });
  const sent = engine.sendMessage(q, { MessageBody: 'hello' }, sender);
  expect(sent).toMatchObject({ MD5OfMessageBody: '5d41402abc4b2a76b9719d911017c592', MessageId: expect.any(String) });
  const first = await engine.receiveMessages(q, { maxNumberOfMessages: 10 });
  expect(first.messages.map((m) => [m.data.id, m.data.body, m.receiveCount])).toEqual([[sent.MessageId, 'hello', 1]]);
  expect((await engine.receiveMessages(q, { maxNumberOfMessages: 10 })).messages).toEqual([]);
  expect(engine.stats(q)).toMatchObject({ visible: 0, inflight: 1, delayed: 0 });
  clock.advance(30_000);
  const again = await engine.receiveMessages(q, { maxNumberOfMessages: 1 });
  expect(again.messages[0]!.receiveCount).toBe(2);
});

test('DeleteMessage removes the message; a stale handle on a standard queue still deletes (F63)', async () => {
  const { engine, clock, queue } = engineOnManualClock();
  const q = queue('del', { VisibilityTimeout: '5' });
  engine.sendMessage(q, { MessageBody: 'x' }, sender);
  const stale = (await engine.receiveMessages(q, { maxNumberOfMessages: 1 })).messages[0]!.receiptHandle;
  clock.advance(5_000);
  await engine.receiveMessages(q, { maxNumberOfMessages: 1 });
  engine.deleteMessage(q, stale);
  expect(engine.stats(q)).toMatchObject({ visible: 0, inflight: 0 });
  expect(() => engine.deleteMessage(q, 'not a handle')).toThrow(expect.objectContaining({ errorType: expect.objectContaining({ code: 'ReceiptHandleIsInvalid' }) }));
});

test('ChangeMessageVisibility: 0 makes the message visible at once; past 12 hours from the receive is refused', async () => {
  const { engine, clock, queue } = engineOnManualClock();
  const q = queue('vis', { VisibilityTimeout: '600' });
  engine.sendMessage(q, { MessageBody: 'x' }, sender);
  const [m] = (await engine.receiveMessages(q, { maxNumberOfMessages: 1 })).messages;
  engine.changeVisibility(q, m!.receiptHandle, 0);
  const [again] = (await engine.receiveMessages(q, { maxNumberOfMessages: 1 })).messages;
  clock.advance(43_000 * 1000);
  expect(() => engine.changeVisibility(q, again!.receiptHandle, 201)).toThrow(/Total VisibilityTimeout for the message is beyond the limit \[43200 seconds\]/);
  const batch = engine.changeVisibilities(q, [
    { Id: 'ok', ReceiptHandle: again!.receiptHandle, VisibilityTimeout: 10 },
    { Id: 'missing', ReceiptHandle: again!.receiptHandle },
    { Id: 'range', ReceiptHandle: again!.receiptHandle, VisibilityTimeout: 43_201 },
  ]);
  expect(batch.successful).toEqual([{ Id: 'ok' }]);
  expect(batch.failed.map((f) => [f.Id, f.error.errorType.code])).toEqual([
    ['missing', 'MissingParameter'],
    ['range', 'InvalidParameterValue'],
  ]);
});

test('MessageRetentionPeriod expires messages, in flight or not, when the clock passes it', async () => {
  const { engine, clock, queue } = engineOnManualClock();
  const q = queue('ret', { MessageRetentionPeriod: '60' });
  engine.sendMessage(q, { MessageBody: 'a' }, sender);
  engine.sendMessage(q, { MessageBody: 'b' }, sender);
  await engine.receiveMessages(q, { maxNumberOfMessages: 1 });
  clock.advance(60_000);
  expect(engine.stats(q)).toMatchObject({ visible: 0, inflight: 0, oldestEnqueuedAt: undefined });
});

test('a standard short poll with 120,000 messages in flight is OverLimit', async () => {
  const { engine, queue } = engineOnManualClock();
  const q = queue('over', { VisibilityTimeout: '43200' });
  for (let i = 0; i < 120_001; i++) engine.sendMessage(q, { MessageBody: 'm' }, sender);
  for (let got = 0; got < 120_000; ) got += (await engine.receiveMessages(q, { maxNumberOfMessages: 10 })).messages.length;
  await expect(engine.receiveMessages(q, { maxNumberOfMessages: 1 })).rejects.toMatchObject({ errorType: { code: 'OverLimit' } });
  // With a wait, no error: nothing comes while the limit holds.
  const waiting = engine.receiveMessages(q, { maxNumberOfMessages: 1, waitTimeSeconds: 1 });
  expect(engine.stats(q).waitingReceives).toBe(1);
  engine.stop();
  expect((await waiting).messages).toEqual([]);
}, 60_000);

test('a message received maxReceiveCount times moves to the dead-letter queue on the next receive', async () => {
  const { engine, clock, queue } = engineOnManualClock();
  const dlq = queue('dlq');
  const q = queue('src', { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }) });
  engine.sendMessage(q, { MessageBody: 'poison' }, sender);
  await engine.receiveMessages(q, { maxNumberOfMessages: 1 });
  clock.advance(1_000);
  expect((await engine.receiveMessages(q, { maxNumberOfMessages: 1 })).messages).toEqual([]);
  const [moved] = engine.peek(dlq);
  expect(moved).toMatchObject({ state: 'ready', receiveCount: 1, data: { body: 'poison', deadLetterQueueSourceArn: q.arn } });
  expect(engine.listDeadLetterSourceQueues(dlq).map((s) => s.name)).toEqual([q.name]);
});

test('whole-request errors are thrown from the catalog; a missing queue is QueueDoesNotExist', () => {
  const { engine } = engineOnManualClock();
  const missing = { region: 'us-east-1', accountId: '000000000000', name: 'nope' };
  expect(() => engine.sendMessage(missing, { MessageBody: 'x' }, sender)).toThrow(SqsError);
  expect(() => engine.stats(missing)).toThrow(/The specified queue does not exist/);
});
