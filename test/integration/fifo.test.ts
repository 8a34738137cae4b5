import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { ManualClock } from '../../src/index.js';
import { uniqueName } from '../support/clients.js';
import { overBothProtocols, useEmulator } from '../support/overProtocols.js';

const clock = new ManualClock();
const emu = useEmulator({ clock });

overBothProtocols('FIFO queues over %s', emu, ({ sqs }) => {
  const fifoQueue = async (Attributes: Record<string, string> = {}): Promise<string> =>
    (await sqs.send(new CreateQueueCommand({ QueueName: `${uniqueName('f')}.fifo`, Attributes: { FifoQueue: 'true', ...Attributes } })))
      .QueueUrl!;
  const receive = async (QueueUrl: string, max = 10, VisibilityTimeout?: number) =>
    (
      await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: max, VisibilityTimeout, AttributeNames: ['All'] }),
      )
    ).Messages ?? [];
  const send = (QueueUrl: string, MessageBody: string, MessageGroupId: string, MessageDeduplicationId?: string) =>
    sqs.send(new SendMessageCommand({ QueueUrl, MessageBody, MessageGroupId, MessageDeduplicationId }));

  test('name rules: FifoQueue needs .fifo and .fifo needs FifoQueue (F12, F13, F15)', async () => {
    await expect(sqs.send(new CreateQueueCommand({ QueueName: uniqueName(), Attributes: { FifoQueue: 'true' } }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(sqs.send(new CreateQueueCommand({ QueueName: `${uniqueName()}.fifo` }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    const url = await fifoQueue();
    expect(url).toMatch(/\.fifo$/);
  });

  test('All on a FIFO queue has 16 keys with FIFO defaults (F37); FifoQueue=false is refused (F46)', async () => {
    const QueueUrl = await fifoQueue();
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(Object.keys(Attributes!)).toHaveLength(16);
    expect(Attributes).toMatchObject({
      FifoQueue: 'true',
      ContentBasedDeduplication: 'false',
      DeduplicationScope: 'queue',
      FifoThroughputLimit: 'perQueue',
    });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }));
    await expect(sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { FifoQueue: 'false' } }))).rejects.toMatchObject({
      name: 'InvalidAttributeValue',
      message: 'Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.',
    });
  });

  test('send rules: group id, dedup id, per-message delay (F117-F120)', async () => {
    const QueueUrl = await fifoQueue();
    await expect(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageDeduplicationId: 'd' }))).rejects.toMatchObject({
      name: 'MissingParameter',
      message: 'The request must contain the parameter MessageGroupId.',
    });
    await expect(send(QueueUrl, 'x', 'g')).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    });
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd', DelaySeconds: 2 })),
    ).rejects.toMatchObject({
      message: 'Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.',
    });
    await send(QueueUrl, 'x', 'g', 'a'.repeat(128));
    await expect(send(QueueUrl, 'x', 'g', 'group 123')).rejects.toMatchObject({
      message:
        'Value group 123 for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.',
    });
    await expect(send(QueueUrl, 'x', 'g', 'a'.repeat(129))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  test('SequenceNumber: 20 digits, strictly increasing, same in receive (F78, F93, F123)', async () => {
    const QueueUrl = await fifoQueue();
    const seqs: string[] = [];
    for (let i = 0; i < 5; i++) seqs.push((await send(QueueUrl, `m${i}`, 'g', `d${i}`)).SequenceNumber!);
    for (const s of seqs) expect(s).toMatch(/^\d{20}$/);
    for (let i = 1; i < seqs.length; i++) expect(BigInt(seqs[i]!) > BigInt(seqs[i - 1]!)).toBe(true);
    const [first] = await receive(QueueUrl, 1);
    expect(first!.Attributes).toMatchObject({ SequenceNumber: seqs[0], MessageGroupId: 'g', MessageDeduplicationId: 'd0' });
  });

  test('content-based dedup delivers once, outlives delete, expires after 5 minutes (F133, F134)', async () => {
    const QueueUrl = await fifoQueue({ ContentBasedDeduplication: 'true' });
    const a = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'same', MessageGroupId: 'g' }));
    const b = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'same', MessageGroupId: 'g' }));
    expect(b.MessageId).toBe(a.MessageId);
    const got = await receive(QueueUrl);
    expect(got.map((m) => m.Body)).toEqual(['same']);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: got[0]!.ReceiptHandle }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'same', MessageGroupId: 'g' }));
    expect(await receive(QueueUrl)).toEqual([]);
    clock.advance(5 * 60_000 + 1);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'same', MessageGroupId: 'g' }));
    expect((await receive(QueueUrl)).map((m) => m.Body)).toEqual(['same']);
  });

  test('dedup scope: queue by default, per group with messageGroup, fixed at creation (F135-F137)', async () => {
    const queueScoped = await fifoQueue();
    await send(queueScoped, 'one', 'g1', 'd');
    await send(queueScoped, 'two', 'g2', 'd');
    expect((await receive(queueScoped)).map((m) => m.Body)).toEqual(['one']);

    const groupScoped = await fifoQueue({ DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
    await send(groupScoped, 'one', 'g1', 'd');
    await send(groupScoped, 'two', 'g2', 'd');
    expect((await receive(groupScoped)).map((m) => m.Body).sort()).toEqual(['one', 'two']);

    const changed = await fifoQueue();
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: changed, Attributes: { DeduplicationScope: 'messageGroup' } }));
    await send(changed, 'one', 'g1', 'd2');
    await send(changed, 'two', 'g2', 'd2');
    expect((await receive(changed)).map((m) => m.Body)).toEqual(['one']);
  });

  test('PurgeQueue clears the dedup history (F138)', async () => {
    const QueueUrl = await fifoQueue();
    await send(QueueUrl, 'one', 'g', 'd');
    await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    await send(QueueUrl, 'again', 'g', 'd');
    expect((await receive(QueueUrl)).map((m) => m.Body)).toEqual(['again']);
  });

  test('a group is locked while any of its messages is in flight, later sends included (F125, F131)', async () => {
    const QueueUrl = await fifoQueue();
    for (let i = 0; i < 3; i++) await send(QueueUrl, `a${i}`, 'A', `a${i}`);
    await send(QueueUrl, 'b0', 'B', 'b0');
    const first = await receive(QueueUrl, 2);
    expect(first.map((m) => m.Body)).toEqual(['a0', 'a1']);
    await send(QueueUrl, 'a3', 'A', 'a3');
    const second = await receive(QueueUrl, 10);
    expect(second.map((m) => m.Body)).toEqual(['b0']);
    expect(await receive(QueueUrl, 10)).toEqual([]);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first[0]!.ReceiptHandle }));
    expect(await receive(QueueUrl, 10)).toEqual([]);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first[1]!.ReceiptHandle }));
    expect((await receive(QueueUrl, 10)).map((m) => m.Body)).toEqual(['a2', 'a3']);
  });

  test('a receive fills from the first group before the next (ordering across groups)', async () => {
    const QueueUrl = await fifoQueue();
    await send(QueueUrl, 'a0', 'A', 'a0');
    await send(QueueUrl, 'b0', 'B', 'b0');
    await send(QueueUrl, 'a1', 'A', 'a1');
    await send(QueueUrl, 'b1', 'B', 'b1');
    expect((await receive(QueueUrl, 3)).map((m) => m.Body)).toEqual(['a0', 'a1', 'b0']);
  });

  test('order survives a visibility timeout; counts treat group-locked messages as visible (F57, F132)', async () => {
    const QueueUrl = await fifoQueue({ VisibilityTimeout: '10' });
    for (let g = 1; g <= 3; g++) for (let i = 0; i < 2; i++) await send(QueueUrl, `g${g}-${i}`, `G${g}`, `g${g}-${i}`);
    await receive(QueueUrl, 1);
    const secondGroup = await receive(QueueUrl, 1);
    expect(secondGroup.map((m) => m.Body)).toEqual(['g2-0']);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(Attributes).toEqual({ ApproximateNumberOfMessages: '4', ApproximateNumberOfMessagesNotVisible: '2' });
    clock.advance(10_001);
    const again = await receive(QueueUrl, 10);
    // Groups released by expiry queue up behind the one that was never locked, each in order.
    expect(again.map((m) => m.Body)).toEqual(['g3-0', 'g3-1', 'g1-0', 'g1-1', 'g2-0', 'g2-1']);
  });

  test('an expired FIFO receipt handle is refused; an extended one deletes (F64, F65)', async () => {
    const QueueUrl = await fifoQueue();
    await send(QueueUrl, 'm', 'g', 'd1');
    const [m] = await receive(QueueUrl, 1, 1);
    clock.advance(1_500);
    await expect(sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m!.ReceiptHandle }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: `Value ${m!.ReceiptHandle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
    });
    const [again] = await receive(QueueUrl, 1, 1);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: again!.ReceiptHandle, VisibilityTimeout: 5 }));
    clock.advance(1_500);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: again!.ReceiptHandle }));
    expect(await receive(QueueUrl)).toEqual([]);
  });

  test('queue-level delay applies to FIFO messages; DelaySeconds=0 is accepted (F121, F122)', async () => {
    const QueueUrl = await fifoQueue({ DelaySeconds: '2' });
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'm0', MessageGroupId: 'g', MessageDeduplicationId: 'x0', DelaySeconds: 0 }));
    await send(QueueUrl, 'm1', 'g', 'x1');
    expect(await receive(QueueUrl)).toEqual([]);
    clock.advance(2_000);
    expect((await receive(QueueUrl)).map((m) => m.Body)).toEqual(['m0', 'm1']);
  });

  test('batch: a missing dedup id or group id fails the whole request (F114, F115)', async () => {
    const QueueUrl = await fifoQueue();
    await expect(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: [
            { Id: 'a', MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'a' },
            { Id: 'b', MessageBody: 'b', MessageGroupId: 'g' },
          ],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    });
    await expect(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: [{ Id: 'a', MessageBody: 'a', MessageDeduplicationId: 'a' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue', message: 'The request must contain the parameter MessageGroupId.' });
    const ok = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'a' },
          { Id: 'b', MessageBody: 'b', MessageGroupId: 'g', MessageDeduplicationId: 'b' },
        ],
      }),
    );
    expect(ok.Successful!.map((e) => e.SequenceNumber).every((s) => /^\d{20}$/.test(s!))).toBe(true);
    expect((await receive(QueueUrl)).map((m) => m.Body)).toEqual(['a', 'b']);
  });
});

overBothProtocols('ReceiveRequestAttemptId over %s', emu, ({ sqs }) => {
  test('a retry within 5 minutes returns the same messages and handles until one changes', async () => {
    const QueueUrl = (
      await sqs.send(new CreateQueueCommand({ QueueName: `${uniqueName('att')}.fifo`, Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }))
    ).QueueUrl!;
    for (const body of ['a', 'b', 'c']) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: body }));
    const attempt = (id: string) =>
      sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, ReceiveRequestAttemptId: id, VisibilityTimeout: 30 }));
    const first = await attempt('try-1');
    const retry = await attempt('try-1');
    expect(retry.Messages!.map((m) => [m.Body, m.ReceiptHandle])).toEqual(first.Messages!.map((m) => [m.Body, m.ReceiptHandle]));
    const other = await attempt('try-2');
    expect(other.Messages!.map((m) => m.Body)).not.toEqual(first.Messages!.map((m) => m.Body));
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first.Messages![0]!.ReceiptHandle, VisibilityTimeout: 20 }));
    const afterChange = await attempt('try-1');
    expect(afterChange.Messages!.map((m) => m.Body)).not.toContain(first.Messages![0]!.Body);
    await expect(attempt('bad id')).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});
