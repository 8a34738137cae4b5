// Producer service of docker-compose.yml: finds the queue by name through the emulator's
// service name and sends MESSAGE_COUNT messages in one batch.
import { GetQueueUrlCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';

const endpoint = process.env.SQS_ENDPOINT ?? 'http://sqs:9324';
const queueName = process.env.QUEUE_NAME ?? 'orders';
const count = Number(process.env.MESSAGE_COUNT ?? 5);

const sqs = new SQSClient({ endpoint, region: process.env.AWS_REGION ?? 'us-east-1' });
const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
// The queue URL names the host this service used: it resolves inside the compose network.
if (new URL(QueueUrl).origin !== new URL(endpoint).origin) throw new Error(`queue URL ${QueueUrl} is not on ${endpoint}`);
console.log(`producer: queue URL ${QueueUrl}`);

const entries = Array.from({ length: count }, (_, i) => ({
  Id: String(i),
  MessageBody: JSON.stringify({ order: i + 1, item: 'book' }),
  MessageAttributes: { source: { DataType: 'String', StringValue: 'producer' } },
}));
for (let i = 0; i < entries.length; i += 10) {
  const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries.slice(i, i + 10) }));
  if (result.Failed?.length) throw new Error(`send failed: ${JSON.stringify(result.Failed)}`);
}
console.log(`producer: sent ${count} messages`);
