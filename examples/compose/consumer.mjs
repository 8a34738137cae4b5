// Consumer service of docker-compose.yml: looks the queue up through the emulator's service
// name, then consumes with sqs-consumer using a client that has NO endpoint configured: every
// call goes to the queue URL's own host, so this only works because the URL the emulator
// returned (http://sqs:9324/...) resolves inside the compose network.
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';

const endpoint = process.env.SQS_ENDPOINT ?? 'http://sqs:9324';
const queueName = process.env.QUEUE_NAME ?? 'orders';
const expected = Number(process.env.MESSAGE_COUNT ?? 5);
const region = process.env.AWS_REGION ?? 'us-east-1';

const lookup = new SQSClient({ endpoint, region });
const { QueueUrl } = await lookup.send(new GetQueueUrlCommand({ QueueName: queueName }));
console.log(`consumer: queue URL ${QueueUrl}`);

// No endpoint: the SDK sends each call to the QueueUrl's origin (useQueueUrlAsEndpoint).
const quiet = { debug() {}, info() {}, warn() {}, error: console.error };
const byQueueUrl = new SQSClient({ region, useQueueUrlAsEndpoint: true, logger: quiet });

let received = 0;
const consumer = Consumer.create({
  queueUrl: QueueUrl,
  sqs: byQueueUrl,
  waitTimeSeconds: 1,
  messageAttributeNames: ['All'],
  handleMessage: async (message) => {
    console.log(`consumer: got ${message.Body} from ${message.MessageAttributes?.source?.StringValue}`);
    return message; // returned = processed: sqs-consumer deletes it
  },
});
consumer.on('message_processed', () => {
  received++;
  if (received >= expected) consumer.stop();
});
consumer.on('stopped', () => {
  console.log(`consumer: done, ${received} messages`);
  process.exit(received >= expected ? 0 : 1);
});
consumer.on('error', (e) => {
  console.error(`consumer: ${e.message}`);
  process.exit(1);
});
consumer.on('processing_error', (e) => {
  console.error(`consumer: ${e.message}`);
  process.exit(1);
});
setTimeout(() => {
  console.error(`consumer: only ${received} of ${expected} messages after 30 s`);
  process.exit(1);
}, 30_000).unref();
consumer.start();
