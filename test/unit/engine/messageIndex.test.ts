import type { QueueInfo } from '../../../src/engine/address.js';
import type { Engine } from '../../../src/engine/engine.js';
import { engineOnManualClock, sender } from './support.js';

/**
 * Receipt handles after every way a message leaves its queue (only received or moved-in
 * messages are indexed by id), liveness after removal, and the snapshot's live walk.
 */

const gone = /Message does not exist or is not available for visibility timeout change/;

async function receiveOne(engine: Engine, q: QueueInfo, extra: { receiveRequestAttemptId?: string } = {}): Promise<string> {
  const [m] = (await engine.receiveMessages(q, { maxNumberOfMessages: 1, ...extra })).messages;
  return m!.receiptHandle;
}

/** A handle of a message that is gone: DeleteMessage succeeds, ChangeMessageVisibility is refused. */
function expectGone(engine: Engine, q: QueueInfo, handle: string): void {
  expect(() => engine.deleteMessage(q, handle)).not.toThrow();
  expect(() => engine.changeVisibility(q, handle, 10)).toThrow(gone);
}

test.each(['std', 'fifo.fifo'])('%s: a handle after a purge, a retention expiry or a delete names a message that is gone', async (name) => {
  const { engine, clock, queue } = engineOnManualClock();
  const fifo = name.endsWith('.fifo');
  const q = queue(name, { MessageRetentionPeriod: '60', ...(fifo ? { ContentBasedDeduplication: 'true' } : {}) });
  const send = (body: string): void => void engine.sendMessage(q, { MessageBody: body, ...(fifo ? { MessageGroupId: body } : {}) }, sender);
  send('a');
  const purged = await receiveOne(engine, q);
  engine.purgeQueue(q);
  expectGone(engine, q, purged);
  send('b');
  const expired = await receiveOne(engine, q);
  clock.advance(60_000);
  expect(engine.stats(q)).toMatchObject({ visible: 0, inflight: 0 });
  expectGone(engine, q, expired);
  send('c');
  const deleted = await receiveOne(engine, q);
  engine.deleteMessage(q, deleted);
  expectGone(engine, q, deleted);
  expect(engine.stats(q)).toMatchObject({ visible: 0, inflight: 0, delayed: 0 });
});

/** A source queue (maxReceiveCount 1) whose one message was received once and timed out. */
async function poisonReceivedOnce() {
  const { engine, clock, queue } = engineOnManualClock();
  const dlq = queue('dlq');
  const q = queue('src', { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }) });
  engine.sendMessage(q, { MessageBody: 'poison' }, sender);
  const handle = await receiveOne(engine, q);
  clock.advance(1_000);
  return { engine, clock, dlq, q, handle };
}

test('a handle after a move to the dead-letter queue: gone at the source; on a standard DLQ its id still deletes, as before', async () => {
  const { engine, dlq, q, handle } = await poisonReceivedOnce();
  expect((await engine.receiveMessages(q, { maxNumberOfMessages: 1 })).messages).toEqual([]);
  expectGone(engine, q, handle);
  expect(engine.stats(dlq)).toMatchObject({ visible: 1 });
  expect(() => engine.changeVisibility(dlq, handle, 10)).toThrow(gone);
  engine.deleteMessage(dlq, handle);
  expect(engine.stats(dlq)).toMatchObject({ visible: 0, inflight: 0 });
});

test('a message moved back by a move task keeps answering to its old handles', async () => {
  const { engine, clock, dlq, q, handle } = await poisonReceivedOnce();
  await engine.receiveMessages(q, { maxNumberOfMessages: 1 });
  engine.startMoveTask(dlq.arn, undefined, undefined);
  clock.advance(0);
  expect(engine.peek(q)).toMatchObject([{ state: 'ready', receiveCount: 0 }]);
  engine.deleteMessage(q, handle);
  expect(engine.stats(q)).toMatchObject({ visible: 0, inflight: 0 });
});

test('a stale handle of a message received again: FIFO refuses it, standard deletes with it', async () => {
  const { engine, clock, queue } = engineOnManualClock();
  const f = queue('f.fifo', { VisibilityTimeout: '5', ContentBasedDeduplication: 'true' });
  engine.sendMessage(f, { MessageBody: 'x', MessageGroupId: 'g' }, sender);
  const stale = await receiveOne(engine, f);
  clock.advance(5_000);
  const current = await receiveOne(engine, f);
  expect(() => engine.deleteMessage(f, stale)).toThrow(/The receipt handle has expired/);
  expect(() => engine.changeVisibility(f, stale, 10)).toThrow(gone);
  engine.deleteMessage(f, current);
  expect(engine.stats(f)).toMatchObject({ visible: 0, inflight: 0 });
});

test('a purged delayed message never becomes visible; a retried receive attempt after a delete is an ordinary receive', async () => {
  const { engine, clock, queue } = engineOnManualClock();
  const q = queue('delay');
  engine.sendMessage(q, { MessageBody: 'late', DelaySeconds: 10 }, sender);
  engine.purgeQueue(q);
  clock.advance(10_000);
  expect(engine.stats(q)).toMatchObject({ visible: 0, inflight: 0, delayed: 0 });

  const f = queue('attempt.fifo', { ContentBasedDeduplication: 'true' });
  engine.sendMessage(f, { MessageBody: 'a', MessageGroupId: 'g' }, sender);
  engine.sendMessage(f, { MessageBody: 'b', MessageGroupId: 'g' }, sender);
  const first = await receiveOne(engine, f, { receiveRequestAttemptId: 'r1' });
  expect(await receiveOne(engine, f, { receiveRequestAttemptId: 'r1' })).toBe(first);
  engine.deleteMessage(f, first);
  const [next] = (await engine.receiveMessages(f, { maxNumberOfMessages: 1, receiveRequestAttemptId: 'r1' })).messages;
  expect(next!.data.body).toBe('b');
});

test('a receive given back after its message was deleted leaves the counts alone', async () => {
  const { engine, queue } = engineOnManualClock();
  const q = queue('back');
  engine.sendMessage(q, { MessageBody: 'x' }, sender);
  engine.sendMessage(q, { MessageBody: 'y' }, sender);
  const result = await engine.receiveMessages(q, { maxNumberOfMessages: 2 });
  engine.deleteMessage(q, result.messages[0]!.receiptHandle);
  result.giveBack();
  expect(engine.stats(q)).toMatchObject({ visible: 1, inflight: 0 });
});

test("the snapshot's walk of a queue is oldest first and live: removed ones skipped, added ones visited, a purge restarts it", async () => {
  const { engine, queue } = engineOnManualClock();
  const q = queue('snap');
  for (const body of ['a', 'b', 'c', 'd']) engine.sendMessage(q, { MessageBody: body }, sender);
  const [part] = engine.snapshotParts();
  const next = (): string | undefined => {
    const r = part!.messages.next();
    return r.done ? undefined : (JSON.parse(r.value) as [string, string])[1];
  };
  expect(next()).toBe('a');
  const received = await engine.receiveMessages(q, { maxNumberOfMessages: 2 });
  for (const m of received.messages) engine.deleteMessage(q, m.receiptHandle);
  expect(next()).toBe('c');
  engine.sendMessage(q, { MessageBody: 'e' }, sender);
  expect(next()).toBe('d');
  expect(next()).toBe('e');
  engine.purgeQueue(q);
  engine.sendMessage(q, { MessageBody: 'f' }, sender);
  expect(next()).toBe('f');
  expect(next()).toBeUndefined();
  engine.sendMessage(q, { MessageBody: 'g' }, sender);
  expect(next()).toBeUndefined();
});
