/**
 * A Lambda consumer tested locally: the emulator's event-source mapping invokes the handler
 * in-process with the SQSEvent Lambda would build; a manual clock makes the retry and the
 * move to the dead-letter queue instant.
 */
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startEmulator, type RunningEmulator } from '../../src/index.js';
import { handler } from './handler.mjs';

let emulator: RunningEmulator;
let sqs: SQSClient;

beforeEach(async () => {
  emulator = await startEmulator({
    port: 0,
    clock: 'manual',
    queues: [{ name: 'orders', attributes: { VisibilityTimeout: '30' }, deadLetterQueue: { name: 'orders-dlq', maxReceiveCount: 2 } }, { name: 'orders-dlq' }],
  });
  sqs = new SQSClient({ endpoint: emulator.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  emulator.addEventSourceMapping({ queueName: 'orders', target: { handler }, functionResponseTypes: ['ReportBatchItemFailures'] });
});
afterEach(async () => {
  sqs.destroy();
  await emulator.stop();
});

test('a processed order is deleted', async () => {
  const { QueueUrl } = await sqs.send(new GetUrl('orders'));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ orderId: 1 }) }));
  const invocation = await emulator.waitFor({ event: 'succeeded', queue: 'orders' });
  expect(invocation.batchItemFailures).toEqual([]);
  await emulator.waitFor({ event: 'deleted', queue: 'orders' });
});

test('an order that fails twice lands in the dead-letter queue', async () => {
  const { QueueUrl } = await sqs.send(new GetUrl('orders'));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ orderId: 2, fail: true }) }));
  await emulator.waitFor({ event: 'succeeded', queue: 'orders', match: (i) => i.batchItemFailures?.length === 1 });
  emulator.clock.advance(30_000); // the visibility timeout passes: the second attempt
  await emulator.waitFor({ event: 'succeeded', queue: 'orders', match: (i) => i.records[0]?.attributes.ApproximateReceiveCount === '2' });
  emulator.clock.advance(30_000); // the third receive passes maxReceiveCount 2
  const moved = await emulator.waitFor({ event: 'movedToDeadLetterQueue', queue: 'orders' });
  expect(JSON.parse(moved.body)).toEqual({ orderId: 2, fail: true });
});

/** CreateQueue of an existing queue answers its URL. */
class GetUrl extends CreateQueueCommand {
  constructor(name: string) {
    super({ QueueName: name });
  }
}
