/**
 * Example: asserting on the message your code sends, without polling the queue.
 *
 * `emulator.waitFor()` resolves with the first message that matches, whether it was sent
 * before the call (the emulator keeps the last 1000 events) or after it. If none comes in
 * time it fails with a list of what was sent instead — a readable test failure.
 *
 * In your project, import from 'sqs-emulator' instead of '../../src/index.js'.
 */
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startEmulator, type RunningEmulator } from '../../src/index.js';

// ---- the code under test: checkout publishes an event, asynchronously, after its own work --
async function checkout(sqs: SQSClient, queueUrl: string, cart: { id: string; total: number }): Promise<void> {
  await new Promise((r) => setTimeout(r, 10)); // e.g. talking to a payment provider
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify({ type: 'OrderPlaced', cartId: cart.id, total: cart.total }),
      MessageAttributes: { eventType: { DataType: 'String', StringValue: 'OrderPlaced' } },
    }),
  );
}
// ---------------------------------------------------------------------------------------------

let emulator: RunningEmulator;
let sqs: SQSClient;
let queueUrl: string;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, logLevel: 'silent' });
  sqs = new SQSClient({ endpoint: emulator.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'order-events' }))).QueueUrl!;
});
afterAll(() => emulator.stop());

test('checkout publishes an OrderPlaced event for the cart', async () => {
  void checkout(sqs, queueUrl, { id: 'cart-7', total: 99.5 }); // not awaited: fire and forget

  const message = await emulator.waitFor({
    queue: 'order-events',
    event: 'sent',
    match: (m) => m.messageAttributes.eventType?.StringValue === 'OrderPlaced',
    timeoutMs: 2_000,
  });

  expect(JSON.parse(message.body)).toEqual({ type: 'OrderPlaced', cartId: 'cart-7', total: 99.5 });
});
