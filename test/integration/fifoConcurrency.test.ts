import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import type { RunningEmulator } from '../../src/index.js';
import { emulator, jsonClient, uniqueName } from '../support/clients.js';

let server: RunningEmulator;
beforeAll(async () => {
  server = await emulator();
});
afterAll(() => server.stop());

const GROUPS = 100;
const MESSAGES = 10_000;
const CONSUMERS = 4;

test('4 long-polling consumers, 100 groups, 10,000 messages: in order, never twice in flight, all delivered', async () => {
  const sqs = jsonClient(server.url);
  const QueueUrl = (
    await sqs.send(new CreateQueueCommand({ QueueName: `${uniqueName('conc')}.fifo`, Attributes: { FifoQueue: 'true', VisibilityTimeout: '60' } }))
  ).QueueUrl!;
  for (let start = 0; start < MESSAGES; start += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: Array.from({ length: 10 }, (_, k) => {
          const i = start + k;
          const group = i % GROUPS;
          const index = Math.floor(i / GROUPS);
          return { Id: `e${k}`, MessageBody: `${group}:${index}`, MessageGroupId: `g${group}`, MessageDeduplicationId: `m${i}` };
        }),
      }),
    );
  }

  const lastIndex = new Map<number, number>();
  const inFlight = new Set<string>();
  const delivered = new Set<string>();
  const violations: string[] = [];
  const consumer = async (): Promise<void> => {
    let emptyPolls = 0;
    while (delivered.size < MESSAGES && emptyPolls < 3) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (Messages.length === 0) {
        emptyPolls++;
        continue;
      }
      emptyPolls = 0;
      for (const m of Messages) {
        if (inFlight.has(m.MessageId!)) violations.push(`${m.MessageId} delivered twice while in flight`);
        inFlight.add(m.MessageId!);
        const [group, index] = m.Body!.split(':').map(Number) as [number, number];
        const previous = lastIndex.get(group) ?? -1;
        if (index !== previous + 1) violations.push(`group ${group}: ${index} after ${previous}`);
        lastIndex.set(group, index);
      }
      // Random processing time before acknowledging.
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 4)));
      await sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((m, k) => ({ Id: `d${k}`, ReceiptHandle: m.ReceiptHandle! })) }),
      );
      for (const m of Messages) {
        inFlight.delete(m.MessageId!);
        delivered.add(m.MessageId!);
      }
    }
  };
  await Promise.all(Array.from({ length: CONSUMERS }, consumer));

  expect(violations).toEqual([]);
  expect(delivered.size).toBe(MESSAGES);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  expect(Attributes).toEqual({
    ApproximateNumberOfMessages: '0',
    ApproximateNumberOfMessagesNotVisible: '0',
    ApproximateNumberOfMessagesDelayed: '0',
  });
}, 120_000);
