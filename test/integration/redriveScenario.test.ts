import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { ManualClock } from '../../src/index.js';
import { queueArn, uniqueName } from '../support/clients.js';
import { overBothProtocols, useEmulator } from '../support/overProtocols.js';

const clock = new ManualClock();
const emu = useEmulator({ clock });

overBothProtocols('redrive scenario over %s', emu, ({ sqs, makeClient }) => {
  const arnOf = (QueueUrl: string) => queueArn(sqs, QueueUrl);
  const visible = async (QueueUrl: string) =>
    Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes!.ApproximateNumberOfMessages);

  test('a failing consumer fills the DLQ, a paced move task returns every message to its own source, the fixed consumer drains (F153)', async () => {
    const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('dlq') }))).QueueUrl!;
    const dlqArn = await arnOf(dlq);
    const redrive = { VisibilityTimeout: '5', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) };
    const sources = [
      (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('orders'), Attributes: redrive }))).QueueUrl!,
      (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('emails'), Attributes: redrive }))).QueueUrl!,
    ];
    const sent = new Map<string, string>();
    for (const [s, QueueUrl] of sources.entries()) {
      for (let i = 0; i < 5; i++) {
        const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `job-${s}-${i}` }));
        sent.set(MessageId!, QueueUrl);
      }
    }
    // The broken consumer receives and never deletes: each message comes back 3 times, then moves.
    for (let round = 0; round < 4; round++) {
      for (const QueueUrl of sources) await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      clock.advance(5_001);
    }
    for (const QueueUrl of sources) {
      expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages).toBeUndefined();
    }
    expect(await visible(dlq)).toBe(10);

    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 4 }));
    clock.advance(1_000);
    expect(await visible(dlq)).toBe(2);
    clock.advance(1_000);
    expect(await visible(dlq)).toBe(0);
    const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    expect(Results![0]).toMatchObject({ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 10, ApproximateNumberOfMessagesToMove: 10 });

    // The fixed consumer: every message is back in the queue it came from, once.
    const processed = new Map<string, string>();
    for (const QueueUrl of sources) {
      for (;;) {
        const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
        if (!Messages) break;
        for (const m of Messages) {
          expect(processed.has(m.MessageId!)).toBe(false);
          processed.set(m.MessageId!, QueueUrl);
          await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
        }
      }
    }
    expect(processed).toEqual(sent);
  });

  test('FIFO source with a FIFO DLQ keeps group and dedup ids; the group accepts new messages (F144)', async () => {
    const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: `${uniqueName('fdlq')}.fifo`, Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }))).QueueUrl!;
    const QueueUrl = (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: `${uniqueName('fsrc')}.fifo`,
          Attributes: {
            FifoQueue: 'true',
            ContentBasedDeduplication: 'true',
            VisibilityTimeout: '1',
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(dlq), maxReceiveCount: 2 }),
          },
        }),
      )
    ).QueueUrl!;
    const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'poison', MessageGroupId: 'g' }));
    for (let i = 0; i < 2; i++) {
      expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages![0]!.MessageId).toBe(MessageId);
      clock.advance(1_001);
    }
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    const moved = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, AttributeNames: ['All'] }))).Messages![0]!;
    expect(moved.MessageId).toBe(MessageId);
    expect(moved.Attributes).toMatchObject({ MessageGroupId: 'g', ApproximateReceiveCount: '3' });
    expect(moved.Attributes!.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'next', MessageGroupId: 'g' }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages![0]!.Body).toBe('next');
  });

  test('a queue of another account is reachable by URL and serves as a DLQ by ARN', async () => {
    // With signatures unverified, a 12-digit access key id acts as that account.
    const otherAccount = makeClient(emu.url, 'us-east-1', { accessKeyId: '111122223333', secretAccessKey: 'x' });
    const name = uniqueName('xacct');
    const foreign = (await otherAccount.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    expect(foreign).toContain('/111122223333/');
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: name }))).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: '111122223333' }))).QueueUrl).toBe(foreign);
    const foreignArn = await arnOf(foreign);
    expect(foreignArn).toBe(`arn:aws:sqs:us-east-1:111122223333:${name}`);
    const source = (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: uniqueName('xsrc'),
          Attributes: { VisibilityTimeout: '0', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: foreignArn, maxReceiveCount: 1 }) },
        }),
      )
    ).QueueUrl!;
    await sqs.send(new SendMessageCommand({ QueueUrl: source, MessageBody: 'cross' }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: source }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: source }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: foreign }))).Messages![0]!.Body).toBe('cross');
  });
});
