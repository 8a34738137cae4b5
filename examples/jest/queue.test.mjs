import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

const sqs = new SQSClient({
  endpoint: process.env.SQS_ENDPOINT,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

// Isolation between tests: a queue name per test (or POST /_emulator/reset in beforeEach).
beforeEach(async () => {
  await fetch(`${process.env.SQS_ENDPOINT}/_emulator/reset`, { method: 'POST' });
});

test('a message sent is received', async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'jest-example' }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'from jest' }));
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
  expect(Messages?.map((m) => m.Body)).toEqual(['from jest']);
});

test('reset gave this test an empty emulator', async () => {
  const res = await fetch(`${process.env.SQS_ENDPOINT}/_emulator/queues`);
  expect((await res.json()).queues).toEqual([]);
});
