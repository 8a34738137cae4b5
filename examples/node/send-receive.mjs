// Node with @aws-sdk/client-sqs: create a queue, send a message with an attribute, receive it,
// delete it. Start the emulator first (`npx sqs-emulator`), then:
//   SQS_ENDPOINT=http://127.0.0.1:9324 node examples/node/send-receive.mjs
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

const sqs = new SQSClient({
  endpoint: process.env.SQS_ENDPOINT ?? 'http://127.0.0.1:9324',
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, // any values: signatures are not checked
});

const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'example-node' }));
const sent = await sqs.send(
  new SendMessageCommand({
    QueueUrl,
    MessageBody: 'hello from Node',
    MessageAttributes: { kind: { DataType: 'String', StringValue: 'greeting' } },
  }),
);
const { Messages = [] } = await sqs.send(
  new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MessageAttributeNames: ['All'] }),
);
for (const m of Messages) {
  console.log(`received ${m.MessageId}: ${m.Body} (kind=${m.MessageAttributes?.kind?.StringValue})`);
  await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
}
if (Messages[0]?.MessageId !== sent.MessageId) throw new Error('did not receive the message just sent');
console.log('ok');
