import { engineOnManualClock, sender } from './support.js';

/** Long polls: woken by a send, answered empty at the end of the wait, capped, given back when aborted. */

test('a waiting receive is answered the moment a message is sent', async () => {
  const { engine, queue } = engineOnManualClock();
  const q = queue('wake');
  const waiting = engine.receiveMessages(q, { maxNumberOfMessages: 1, waitTimeSeconds: 20 });
  expect(engine.stats(q).waitingReceives).toBe(1);
  engine.sendMessage(q, { MessageBody: 'now' }, sender);
  expect((await waiting).messages.map((m) => m.data.body)).toEqual(['now']);
  expect(engine.stats(q).waitingReceives).toBe(0);
});

test('a waiting receive is answered empty when its WaitTimeSeconds pass on the clock', async () => {
  const { engine, clock, queue } = engineOnManualClock();
  const q = queue('timeout', { ReceiveMessageWaitTimeSeconds: '5' });
  const waiting = engine.receiveMessages(q, { maxNumberOfMessages: 1 });
  clock.advance(4_999);
  expect(engine.stats(q).waitingReceives).toBe(1);
  clock.advance(1);
  expect((await waiting).messages).toEqual([]);
});

test('past the long-poll cap a waiting receive is OverLimit', async () => {
  const { engine, queue } = engineOnManualClock({ maxLongPolls: 1 });
  const q = queue('cap');
  const first = engine.receiveMessages(q, { maxNumberOfMessages: 1, waitTimeSeconds: 1 });
  await expect(engine.receiveMessages(q, { maxNumberOfMessages: 1, waitTimeSeconds: 1 })).rejects.toMatchObject({ errorType: { code: 'OverLimit' } });
  engine.stop();
  await first;
});

test('messages handed to a poll whose client went away are given back at once, ahead of the others', async () => {
  const { engine, queue } = engineOnManualClock();
  const q = queue('abort', { VisibilityTimeout: '300' });
  const controller = new AbortController();
  const waiting = engine.receiveMessages(q, { maxNumberOfMessages: 1, waitTimeSeconds: 20 }, controller.signal);
  engine.sendMessage(q, { MessageBody: 'first' }, sender);
  engine.sendMessage(q, { MessageBody: 'second' }, sender);
  controller.abort();
  expect((await waiting).messages).toEqual([]);
  expect(engine.stats(q)).toMatchObject({ visible: 2, inflight: 0 });
  // An answer lost after it was written: giveBack() returns what was not received again since.
  const got = await engine.receiveMessages(q, { maxNumberOfMessages: 1 });
  got.giveBack();
  expect((await engine.receiveMessages(q, { maxNumberOfMessages: 2 })).messages.map((m) => m.data.body)).toEqual(['first', 'second']);
});
