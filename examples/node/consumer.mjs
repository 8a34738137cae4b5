// Node with sqs-consumer (and sqs-producer's usual partner, @aws-sdk/client-sqs): sends three
// messages, consumes them with sqs-consumer (which deletes each one it handled), then stops.
//   SQS_ENDPOINT=http://127.0.0.1:9324 node examples/node/consumer.mjs
import { CreateQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';

const sqs = new SQSClient({
  endpoint: process.env.SQS_ENDPOINT ?? 'http://127.0.0.1:9324',
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'example-consumer' }));
await sqs.send(
  new SendMessageBatchCommand({
    QueueUrl,
    Entries: ['one', 'two', 'three'].map((body, i) => ({ Id: String(i), MessageBody: body })),
  }),
);

const handled = [];
const consumer = Consumer.create({
  queueUrl: QueueUrl,
  sqs, // pass the client: it carries the endpoint
  waitTimeSeconds: 1,
  handleMessage: async (message) => {
    handled.push(message.Body);
    return message; // returning the message marks it processed: sqs-consumer deletes it
  },
});
consumer.on('message_processed', () => {
  if (handled.length === 3) consumer.stop();
});
consumer.on('error', (e) => {
  console.error(e);
  process.exit(1);
});
consumer.on('stopped', () => {
  console.log(`handled ${handled.sort().join(', ')}`);
  console.log('ok');
});
consumer.start();
