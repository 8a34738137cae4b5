/**
 * Example: testing long SQS timeouts without waiting for them.
 *
 * The emulator runs on a manual clock: time moves only when the test says so, and every
 * deadline on the way (visibility timeouts, delays, retention, long polls) fires in order.
 * A 12-hour visibility timeout and a 4-day retention period take milliseconds of real time.
 *
 * In your project, import from 'sqs-emulator' instead of '../../src/index.js'.
 */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startEmulator, type RunningEmulator } from '../../src/index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let emulator: RunningEmulator;
let sqs: SQSClient;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, clock: 'manual', logLevel: 'silent' });
  sqs = new SQSClient({ endpoint: emulator.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
afterAll(() => emulator.stop());

async function receive(QueueUrl: string, VisibilityTimeout?: number) {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
  );
  return Messages;
}

test('a message whose 12-hour visibility timeout expires is delivered again', async () => {
  const startedAt = performance.now();
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'reports' }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'build the yearly report' }));

  const [first] = await receive(QueueUrl!, 12 * 60 * 60); // the worker takes it for 12 hours...
  expect(first!.Body).toBe('build the yearly report');

  emulator.clock.advance(12 * HOUR - 1); // ...and crashes; one millisecond before the deadline:
  expect(await receive(QueueUrl!)).toEqual([]);

  emulator.clock.advance(1); // the deadline: the message is back, received for the second time
  const [second] = await receive(QueueUrl!);
  expect(second!.Body).toBe('build the yearly report');
  expect(second!.Attributes!.ApproximateReceiveCount).toBe('2');

  expect(performance.now() - startedAt).toBeLessThan(1_000);
});

test('messages expire after the 4-day retention period', async () => {
  const startedAt = performance.now();
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: 'audit', Attributes: { MessageRetentionPeriod: String(4 * 24 * 3600) } }),
  );
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'nobody reads me' }));
  const stored = async () =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes!
      .ApproximateNumberOfMessages;

  emulator.clock.advance(4 * DAY - 1);
  expect(await stored()).toBe('1');
  emulator.clock.advance(1);
  expect(await stored()).toBe('0');
  expect(await receive(QueueUrl!)).toEqual([]);

  expect(performance.now() - startedAt).toBeLessThan(1_000);
});
