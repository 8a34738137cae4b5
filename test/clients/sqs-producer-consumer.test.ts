/**
 * Real clients: sqs-producer and sqs-consumer (bbc), each given an `sqs:` client-sqs (JSON)
 * with `endpoint` set. N messages are produced in batches, consumed by a long-polling
 * consumer, each handled exactly once, and the queue ends empty.
 */
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';
import { Producer } from 'sqs-producer';
import { startEmulator, type RunningEmulator } from '../../src/index.js';
import { REGION, md5, md5OfAttributes } from './support.js';

const N = 25;
let server: RunningEmulator;
let sqs: SQSClient;
let consumer: Consumer | undefined;

beforeAll(async () => {
  server = await startEmulator({ port: 0, logLevel: 'silent' });
  sqs = new SQSClient({ endpoint: server.url, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
});
afterAll(async () => {
  consumer?.stop({ abort: true }); // a failed test must not leave it polling
  sqs?.destroy();
  await server?.stop();
});

test(`sqs-producer sends ${N}, sqs-consumer handles each once, queue ends empty`, async () => {
  const name = `producer-consumer-${process.pid}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const queueUrl = QueueUrl!;

  const producer = Producer.create({ queueUrl, sqs, batchSize: 10 });
  const bodies = Array.from({ length: N }, (_, i) => `job ${i} <&> ✓`);
  const results = await producer.send(
    bodies.map((body, i) => ({
      id: `m${i}`,
      body,
      messageAttributes: { index: { DataType: 'Number', StringValue: String(i) } },
    })),
  );
  expect(results).toHaveLength(N);
  for (const r of results) {
    expect(r.MD5OfMessageBody).toBe(md5(bodies[Number(r.Id!.slice(1))]!));
    expect(r.MD5OfMessageAttributes).toBe(md5OfAttributes({ index: { DataType: 'Number', StringValue: r.Id!.slice(1) } }));
  }
  expect(await producer.queueSize()).toBe(N);

  const handled = new Map<string, number>();
  const errors: Error[] = [];
  let processed = 0;
  const c = (consumer = Consumer.create({
    queueUrl,
    sqs,
    batchSize: 10,
    waitTimeSeconds: 1,
    visibilityTimeout: 20,
    messageAttributeNames: ['All'],
    handleMessage: async (message: Message) => {
      expect(message.MD5OfBody).toBe(md5(message.Body!));
      expect(message.Body).toBe(bodies[Number(message.MessageAttributes!.index!.StringValue)]);
      handled.set(message.MessageId!, (handled.get(message.MessageId!) ?? 0) + 1);
      return message;
    },
  }));
  c.on('error', (e) => errors.push(e));
  c.on('processing_error', (e) => errors.push(e));
  const allProcessed = new Promise<void>((resolve) => {
    c.on('message_processed', () => {
      if (++processed === N) resolve();
    });
  });
  c.start();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      allProcessed,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`only ${processed} of ${N} processed in 10 s`)), 10_000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  // Keep polling a little longer: nothing may come back (deleted, not merely in flight).
  await new Promise((r) => setTimeout(r, 1_500));
  const stopped = new Promise<void>((resolve) => c.once('stopped', () => resolve()));
  c.stop();
  await stopped;

  expect(errors).toEqual([]);
  expect(handled.size).toBe(N);
  expect([...handled.values()].every((n) => n === 1)).toBe(true);
  expect(new Set(results.map((r) => r.MessageId))).toEqual(new Set(handled.keys()));
  expect(await producer.queueSize()).toBe(0);
  const counts = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }),
  );
  expect(counts.Attributes).toEqual({ ApproximateNumberOfMessagesNotVisible: '0', ApproximateNumberOfMessagesDelayed: '0' });
  await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
}, 30_000);
