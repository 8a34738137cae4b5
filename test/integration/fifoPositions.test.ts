/**
 * FIFO groups are locked by position, not as a whole (F128, F129): the paths that touch a
 * group's positions — ReceiveRequestAttemptId retries, redrive to a dead-letter queue and a
 * restart with persistence — agree with the rule over both protocols.
 */
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, startEmulator } from '../../src/index.js';
import { protocols, queueArn, uniqueName } from '../support/clients.js';
import { overBothProtocols, useEmulator } from '../support/overProtocols.js';

const clock = new ManualClock();
const emu = useEmulator({ clock });

const fifoQueue = async (sqs: SQSClient, Attributes: Record<string, string> = {}): Promise<string> =>
  (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: `${uniqueName('pos')}.fifo`,
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true', VisibilityTimeout: '30', ...Attributes },
      }),
    )
  ).QueueUrl!;
const sendAll = async (sqs: SQSClient, QueueUrl: string, messages: [body: string, group: string][]) => {
  for (const [MessageBody, MessageGroupId] of messages) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody, MessageGroupId }));
};
const receive = async (sqs: SQSClient, QueueUrl: string, MaxNumberOfMessages = 10, ReceiveRequestAttemptId?: string) =>
  (
    await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages, ReceiveRequestAttemptId, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
    )
  ).Messages ?? [];
const release = (sqs: SQSClient, QueueUrl: string, ReceiptHandle: string, VisibilityTimeout = 0) =>
  sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle, VisibilityTimeout }));

overBothProtocols('FIFO position locks over %s', emu, ({ sqs }) => {
  test('releasing a later message while the head is in flight changes nothing (the head still stops the group)', async () => {
    const url = await fifoQueue(sqs);
    await sendAll(sqs, url, [['a', 'g'], ['b', 'g'], ['c', 'g']]);
    const [, b] = await receive(sqs, url, 2);
    await release(sqs, url, b!.ReceiptHandle!);
    expect(await receive(sqs, url)).toEqual([]);
  });

  test('a released head comes back with its receive counted; the message behind it stays locked', async () => {
    const url = await fifoQueue(sqs);
    await sendAll(sqs, url, [['a', 'g'], ['b', 'g']]);
    const [a] = await receive(sqs, url);
    await release(sqs, url, a!.ReceiptHandle!);
    const again = await receive(sqs, url);
    expect(again.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([['a', '2']]);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '2' });
  });

  test('a retried ReceiveRequestAttemptId after one of its messages was released is an ordinary receive', async () => {
    const url = await fifoQueue(sqs);
    await sendAll(sqs, url, [['a', 'g'], ['b', 'g'], ['c', 'g']]);
    const first = await receive(sqs, url, 2, 'attempt-1');
    expect(first.map((m) => m.Body)).toEqual(['a', 'b']);
    // unchanged: the retry returns the same messages and handles
    const retried = await receive(sqs, url, 2, 'attempt-1');
    expect(retried.map((m) => m.ReceiptHandle)).toEqual(first.map((m) => m.ReceiptHandle));
    await release(sqs, url, first[0]!.ReceiptHandle!);
    // a changed attempt: the released head is returned again, b still stops the group before c
    const afterRelease = await receive(sqs, url, 2, 'attempt-1');
    expect(afterRelease.map((m) => m.Body)).toEqual(['a']);
    expect(afterRelease[0]!.ReceiptHandle).not.toBe(first[0]!.ReceiptHandle);
  });

  test('a released head past maxReceiveCount moves to the dead-letter queue; the group stops at the next in-flight message', async () => {
    const dlq = await fifoQueue(sqs);
    const url = await fifoQueue(sqs, { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await queueArn(sqs, dlq), maxReceiveCount: 2 }) });
    await sendAll(sqs, url, [['a', 'g'], ['b', 'g']]);
    const [a] = await receive(sqs, url);
    await release(sqs, url, a!.ReceiptHandle!);
    const [a2] = await receive(sqs, url);
    expect(a2!.Body).toBe('a');
    await release(sqs, url, a2!.ReceiptHandle!);
    // the third receive of a would pass maxReceiveCount: a moves, and b (in flight) stops the group
    expect(await receive(sqs, url)).toEqual([]);
    expect((await receive(sqs, dlq)).map((m) => m.Body)).toEqual(['a']);
  });

  test('visibility timeouts that end out of order: only the messages ahead of the first in-flight one return', async () => {
    const url = await fifoQueue(sqs, { VisibilityTimeout: '10' });
    await sendAll(sqs, url, [['m1', 'g'], ['m2', 'g'], ['m3', 'g'], ['m4', 'g'], ['other', 'h']]);
    const got = await receive(sqs, url, 4);
    expect(got.map((m) => m.Body)).toEqual(['m1', 'm2', 'm3', 'm4']);
    await release(sqs, url, got[2]!.ReceiptHandle!, 60);
    clock.advance(11_000);
    expect((await receive(sqs, url)).map((m) => m.Body)).toEqual(['other', 'm1', 'm2']);
  });
});

test('a restart keeps group positions and in-flight state (durable persistence)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sqs-emulator-pos-'));
  const pclock = new ManualClock(Date.UTC(2026, 11, 1));
  const options = { port: 0, logLevel: 'silent' as const, dataDir, persistence: 'durable' as const, clock: pclock };
  let running = await startEmulator(options);
  let sqs = protocols[0]![1](running.url);
  const url = await fifoQueue(sqs);
  await sendAll(sqs, url, [['g1-m1', 'g1'], ['g1-m2', 'g1'], ['g2-m1', 'g2']]);
  const first = await receive(sqs, url, 2);
  pclock.advance(1_000);
  await release(sqs, url, first[0]!.ReceiptHandle!);
  await running.stop();

  running = await startEmulator(options);
  try {
    sqs = protocols[1]![1](running.url);
    const next = await receive(sqs, url, 3);
    expect(next.map((m) => m.Body)).toEqual(['g2-m1', 'g1-m1']);
    // g1-m2 is still in flight from before the restart: deleting g1-m1 leaves it at the head, locked
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: next[1]!.ReceiptHandle! }));
    expect(await receive(sqs, url, 3)).toEqual([]);
    // until its visibility timeout, 30 s after the first receive, ends
    pclock.advance(29_000);
    expect((await receive(sqs, url, 3)).map((m) => m.Body)).toEqual(['g1-m2']);
  } finally {
    await running.stop();
  }
});
