/**
 * Real client: aws-sdk v2 (final release, AWS JSON 1.0). It sends every call that carries a
 * QueueUrl to that URL's host, so the queue URLs the emulator hands out must reach it. Body
 * digests are checked by the SDK (`computeChecksums`, on by default).
 */
import { ACCOUNT, BATCH_BODIES, BLOB, BODY, REGION, TAGS, md5, md5OfAttributes, messageAttributes, pollUntil } from './support.js';
import AWS from 'aws-sdk';
import { startEmulator, type RunningEmulator } from '../../src/index.js';

let server: RunningEmulator;
beforeAll(async () => {
  server = await startEmulator({ port: 0, logLevel: 'silent' });
});
afterAll(() => server?.stop());

test('aws-sdk v2: full scenario', async () => {
  const sqs = new AWS.SQS({
    endpoint: server.url,
    region: REGION,
    credentials: new AWS.Credentials({ accessKeyId: 'test', secretAccessKey: 'test' }),
    maxRetries: 0,
  });
  expect(sqs.config.computeChecksums).not.toBe(false);
  const targets: string[] = [];
  // Record what goes on the wire (customizeRequests: an instance hook of AWS.Service, untyped).
  (sqs as unknown as { customizeRequests(fn: (r: AWS.Request<unknown, AWS.AWSError>) => void): void }).customizeRequests((r) => {
    r.on('sign', () => {
      const h = r.httpRequest;
      targets.push(`${h.endpoint.host} ${h.headers['Content-Type']} ${h.headers['X-Amz-Target']}`);
    });
  });
  const name = `v2-${process.pid}`;

  const { QueueUrl } = await sqs.createQueue({ QueueName: name, Attributes: { VisibilityTimeout: '30' } }).promise();
  expect(QueueUrl).toBe(`${server.url}/${ACCOUNT}/${name}`);
  const url = QueueUrl!;
  expect((await sqs.getQueueUrl({ QueueName: name }).promise()).QueueUrl).toBe(url);
  expect((await sqs.listQueues({ QueueNamePrefix: name }).promise()).QueueUrls).toEqual([url]);

  await sqs.setQueueAttributes({ QueueUrl: url, Attributes: { VisibilityTimeout: '45', DelaySeconds: '0' } }).promise();
  const attrs = (await sqs.getQueueAttributes({ QueueUrl: url, AttributeNames: ['All'] }).promise()).Attributes!;
  expect(attrs).toMatchObject({ VisibilityTimeout: '45', DelaySeconds: '0', QueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}` });

  const v2Attrs = Object.fromEntries(
    Object.entries(messageAttributes()).map(([k, v]) => [k, v.BinaryValue ? { ...v, BinaryValue: Buffer.from(v.BinaryValue) } : v]),
  );
  const sent = await sqs.sendMessage({ QueueUrl: url, MessageBody: BODY, MessageAttributes: v2Attrs }).promise();
  expect(sent.MD5OfMessageBody).toBe(md5(BODY));
  expect(sent.MD5OfMessageAttributes).toBe(md5OfAttributes(messageAttributes()));

  const batch = await sqs
    .sendMessageBatch({ QueueUrl: url, Entries: BATCH_BODIES.map((b, i) => ({ Id: `e${i}`, MessageBody: b })) })
    .promise();
  expect(batch.Failed).toEqual([]);
  expect(batch.Successful.map((e) => e.MD5OfMessageBody)).toEqual(BATCH_BODIES.map(md5));

  const received: AWS.SQS.Message[] = [];
  await pollUntil(
    async () => {
      const r = await sqs
        .receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, AttributeNames: ['All'], MessageAttributeNames: ['All'] })
        .promise();
      received.push(...(r.Messages ?? []));
      return received.length;
    },
    (n) => n >= 4,
  );
  expect(received.map((x) => x.Body).sort()).toEqual([BODY, ...BATCH_BODIES].sort());
  for (const msg of received) expect(msg.MD5OfBody).toBe(md5(msg.Body!));
  const first = received.find((x) => x.MessageId === sent.MessageId)!;
  expect(first.MD5OfMessageAttributes).toBe(md5OfAttributes(messageAttributes()));
  expect(first.MessageAttributes!.color).toMatchObject({ DataType: 'String', StringValue: 'blue ✓ <&>' });
  expect(first.MessageAttributes!.n).toMatchObject({ DataType: 'Number', StringValue: '7' });
  expect(Buffer.from(first.MessageAttributes!.blob!.BinaryValue as Uint8Array)).toEqual(Buffer.from(BLOB));

  await sqs.changeMessageVisibility({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle!, VisibilityTimeout: 0 }).promise();
  const again = await sqs.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 1, AttributeNames: ['ApproximateReceiveCount'] }).promise();
  expect(again.Messages?.map((x) => [x.Body, x.Attributes?.ApproximateReceiveCount])).toEqual([[BODY, '2']]);

  await sqs.deleteMessage({ QueueUrl: url, ReceiptHandle: again.Messages![0]!.ReceiptHandle! }).promise();
  const rest = received.filter((x) => x !== first);
  const deleted = await sqs
    .deleteMessageBatch({ QueueUrl: url, Entries: rest.map((x, i) => ({ Id: `d${i}`, ReceiptHandle: x.ReceiptHandle! })) })
    .promise();
  expect(deleted.Failed).toEqual([]);
  expect(deleted.Successful.length).toBe(3);

  await sqs.tagQueue({ QueueUrl: url, Tags: TAGS }).promise();
  expect((await sqs.listQueueTags({ QueueUrl: url }).promise()).Tags).toEqual(TAGS);

  await sqs.sendMessage({ QueueUrl: url, MessageBody: 'purge me' }).promise();
  await sqs.purgeQueue({ QueueUrl: url }).promise();
  const t0 = Date.now();
  const empty = await sqs.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 1 }).promise();
  expect(empty.Messages ?? []).toEqual([]);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  const counts = await sqs
    .getQueueAttributes({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] })
    .promise();
  expect(counts.Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });

  await sqs.deleteQueue({ QueueUrl: url }).promise();
  await expect(sqs.getQueueUrl({ QueueName: name }).promise()).rejects.toMatchObject({
    code: 'AWS.SimpleQueueService.NonExistentQueue',
    statusCode: 400,
  });

  expect(targets.length).toBeGreaterThan(15);
  for (const t of targets) expect(t).toMatch(new RegExp(`^127\\.0\\.0\\.1:${server.port} application/x-amz-json-1\\.0 AmazonSQS\\.\\w+$`));
}, 30_000);
