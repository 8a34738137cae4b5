import { createHash } from 'node:crypto';
import { engineOnManualClock, sender } from './support.js';

/** What the engine builds for a sent message: limits against the queue, FIFO rules, digests. */

test('the size limit is the queue\'s MaximumMessageSize, body and attributes together', () => {
  const { engine, queue } = engineOnManualClock();
  const q = queue('size', { MaximumMessageSize: '1024' });
  expect(() => engine.sendMessage(q, { MessageBody: 'x'.repeat(1024) }, sender)).not.toThrow();
  expect(() => engine.sendMessage(q, { MessageBody: 'x'.repeat(1020), MessageAttributes: { ab: { DataType: 'String', StringValue: 'cd' } } }, sender)).toThrow(
    'One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.',
  );
  const batch = engine.sendMessages(q, [{ Id: 'big', MessageBody: 'x'.repeat(1025) }], { ...sender, batch: true });
  expect(batch.failed[0]!.error.message).toBe('One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.');
});

test('ids, SentTimestamp, SenderId, AWSTraceHeader and MD5s are set by the engine', () => {
  const { engine, clock, queue } = engineOnManualClock();
  const q = queue('ids');
  const sent = engine.sendMessage(q, { MessageBody: 'body', MessageAttributes: { a: { DataType: 'String', StringValue: 'v' } } }, { ...sender, senderId: 'AKID', traceHeader: 'Root=1-abc' });
  expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
  expect(sent.SequenceNumber).toBeUndefined();
  const [m] = engine.peek(q);
  expect(m!.data).toMatchObject({ id: sent.MessageId, body: 'body', sentTimestamp: clock.now(), senderId: 'AKID', traceHeader: 'Root=1-abc' });
});

test('FIFO: MessageGroupId is required, content-based deduplication hashes the body, sequence numbers increase', () => {
  const { engine, queue } = engineOnManualClock();
  const q = queue('cbd.fifo', { ContentBasedDeduplication: 'true' });
  expect(() => engine.sendMessage(q, { MessageBody: 'x' }, sender)).toThrow(/MessageGroupId/);
  expect(() => engine.sendMessage(q, { MessageBody: 'x', MessageGroupId: 'g', DelaySeconds: 5 }, sender)).toThrow(/not valid for this queue type/);
  const a = engine.sendMessage(q, { MessageBody: 'one', MessageGroupId: 'g' }, sender);
  const b = engine.sendMessage(q, { MessageBody: 'two', MessageGroupId: 'g' }, sender);
  expect(BigInt(b.SequenceNumber!)).toBeGreaterThan(BigInt(a.SequenceNumber!));
  expect(engine.peek(q)[0]!.data.deduplicationId).toBe(createHash('sha256').update('one').digest('hex'));
});

test('FIFO batch: an entry without MessageGroupId fails the whole request (F114)', () => {
  const { engine, queue } = engineOnManualClock();
  const q = queue('batch.fifo');
  expect(() =>
    engine.sendMessages(q, [{ Id: 'a', MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd' }, { Id: 'b', MessageBody: 'y' }], { ...sender, batch: true }),
  ).toThrow(expect.objectContaining({ errorType: expect.objectContaining({ code: 'InvalidParameterValue' }) }));
  expect(engine.stats(q).visible).toBe(0);
});
