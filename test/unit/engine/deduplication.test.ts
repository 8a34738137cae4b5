import { engineOnManualClock, sender } from './support.js';

/** FIFO deduplication: a 5-minute window, per queue or per message group (F133-F137). */

test('a duplicate within 5 minutes is accepted, not stored, and answered with the original', () => {
  const { engine, clock, queue } = engineOnManualClock();
  const q = queue('dedup.fifo');
  const first = engine.sendMessage(q, { MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'd' }, sender);
  const dup = engine.sendMessage(q, { MessageBody: 'b', MessageGroupId: 'g', MessageDeduplicationId: 'd' }, sender);
  expect([dup.MessageId, dup.SequenceNumber]).toEqual([first.MessageId, first.SequenceNumber]);
  expect(engine.stats(q).visible).toBe(1);
  clock.advance(5 * 60_000);
  expect(engine.sendMessage(q, { MessageBody: 'c', MessageGroupId: 'g', MessageDeduplicationId: 'd' }, sender).MessageId).not.toBe(first.MessageId);
});

test('DeduplicationScope messageGroup: the same id in another group is a new message', () => {
  const { engine, queue } = engineOnManualClock();
  const q = queue('scope.fifo', { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
  engine.sendMessage(q, { MessageBody: 'a', MessageGroupId: 'g1', MessageDeduplicationId: 'd' }, sender);
  engine.sendMessage(q, { MessageBody: 'b', MessageGroupId: 'g2', MessageDeduplicationId: 'd' }, sender);
  expect(engine.stats(q).visible).toBe(2);
});
