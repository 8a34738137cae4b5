/**
 * The full scenario through an `@aws-sdk/client-sqs` module: the latest (JSON) or 3.445.0
 * (query), whose commands have the same shapes. The SDK's own MD5 checks stay on: a wrong
 * or missing body digest makes send, batch send or receive throw.
 */
import type * as Latest from '@aws-sdk/client-sqs';
import {
  ACCOUNT,
  BATCH_BODIES,
  BLOB,
  BODY,
  REGION,
  TAGS,
  md5,
  md5OfAttributes,
  messageAttributes,
  pollUntil,
} from './support.js';

export type SqsModule = typeof Latest;
type Client = Latest.SQSClient;
type Message = Latest.Message;

export interface V3ScenarioOptions {
  m: SqsModule;
  /** Makes the calls without a QueueUrl (create, get URL, list). */
  control: Client;
  /** Makes every call that carries a QueueUrl. */
  data: Client;
  /** The emulator's URL: queue URLs must be built on it. */
  url: string;
  name: string;
}

export async function v3Scenario({ m, control, data, url, name }: V3ScenarioOptions): Promise<void> {
  // Create, get URL, list.
  const created = await control.send(new m.CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '30' } }));
  const QueueUrl = created.QueueUrl!;
  expect(QueueUrl).toBe(`${url}/${ACCOUNT}/${name}`);
  expect((await control.send(new m.GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(QueueUrl);
  expect((await control.send(new m.ListQueuesCommand({ QueueNamePrefix: name }))).QueueUrls).toEqual([QueueUrl]);

  // Set and get attributes.
  await data.send(
    new m.SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: '45', MaximumMessageSize: '65536', DelaySeconds: '0' } }),
  );
  const attrs = (await data.send(new m.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes!;
  expect(attrs).toMatchObject({
    VisibilityTimeout: '45',
    MaximumMessageSize: '65536',
    DelaySeconds: '0',
    QueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
    ApproximateNumberOfMessages: '0',
  });

  // Send with message attributes: digests of body and attributes.
  const sent = await data.send(new m.SendMessageCommand({ QueueUrl, MessageBody: BODY, MessageAttributes: messageAttributes() }));
  expect(sent.MessageId).toMatch(/^[0-9a-f-]{36}$/);
  expect(sent.MD5OfMessageBody).toBe(md5(BODY));
  expect(sent.MD5OfMessageAttributes).toBe(md5OfAttributes(messageAttributes()));

  // Batch send.
  const batch = await data.send(
    new m.SendMessageBatchCommand({
      QueueUrl,
      Entries: BATCH_BODIES.map((body, i) => ({ Id: `e${i}`, MessageBody: body })),
    }),
  );
  expect(batch.Failed ?? []).toEqual([]);
  expect(batch.Successful!.map((e) => e.Id).sort()).toEqual(['e0', 'e1', 'e2']);
  for (const e of batch.Successful!) expect(e.MD5OfMessageBody).toBe(md5(BATCH_BODIES[Number(e.Id!.slice(1))]!));

  // Long-poll receive until all four are in hand.
  const received: Message[] = [];
  await pollUntil(
    async () => {
      const r = await data.send(
        new m.ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          AttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      received.push(...(r.Messages ?? []));
      return received.length;
    },
    (n) => n >= 4,
  );
  expect(received.map((x) => x.Body).sort()).toEqual([BODY, ...BATCH_BODIES].sort());
  for (const msg of received) {
    expect(msg.MD5OfBody).toBe(md5(msg.Body!));
    expect(msg.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(Number(msg.Attributes?.SentTimestamp)).toBeGreaterThan(Date.now() - 60_000);
  }
  const first = received.find((x) => x.MessageId === sent.MessageId)!;
  expect(first.Body).toBe(BODY);
  expect(first.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
  expect(first.MessageAttributes!.color).toMatchObject({ DataType: 'String', StringValue: 'blue ✓ <&>' });
  expect(first.MessageAttributes!.n).toMatchObject({ DataType: 'Number', StringValue: '7' });
  expect(first.MessageAttributes!.blob!.DataType).toBe('Binary');
  expect(Buffer.from(first.MessageAttributes!.blob!.BinaryValue!)).toEqual(Buffer.from(BLOB));

  // Change visibility to 0: the message is back at once, received a second time.
  await data.send(new m.ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first.ReceiptHandle!, VisibilityTimeout: 0 }));
  const again = await data.send(
    new m.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, AttributeNames: ['All'] }),
  );
  expect(again.Messages?.map((x) => x.MessageId)).toEqual([sent.MessageId]);
  expect(again.Messages![0]!.Body).toBe(BODY);
  expect(again.Messages![0]!.Attributes?.ApproximateReceiveCount).toBe('2');

  // Delete one, batch-delete the rest.
  await data.send(new m.DeleteMessageCommand({ QueueUrl, ReceiptHandle: again.Messages![0]!.ReceiptHandle! }));
  const rest = received.filter((x) => x !== first);
  const deleted = await data.send(
    new m.DeleteMessageBatchCommand({ QueueUrl, Entries: rest.map((x, i) => ({ Id: `d${i}`, ReceiptHandle: x.ReceiptHandle! })) }),
  );
  expect(deleted.Failed ?? []).toEqual([]);
  expect(deleted.Successful!.map((e) => e.Id).sort()).toEqual(['d0', 'd1', 'd2']);
  const counts = await data.send(
    new m.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  expect(counts.Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });

  // Tags.
  await data.send(new m.TagQueueCommand({ QueueUrl, Tags: TAGS }));
  expect((await data.send(new m.ListQueueTagsCommand({ QueueUrl }))).Tags).toEqual(TAGS);

  // Purge: two messages gone; a long poll on the empty queue waits, then answers empty.
  await data.send(new m.SendMessageCommand({ QueueUrl, MessageBody: 'purge me 1' }));
  await data.send(new m.SendMessageCommand({ QueueUrl, MessageBody: 'purge me 2' }));
  await data.send(new m.PurgeQueueCommand({ QueueUrl }));
  const t0 = Date.now();
  const empty = await data.send(new m.ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }));
  expect(empty.Messages ?? []).toEqual([]);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  const afterPurge = await data.send(new m.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  expect(afterPurge.Attributes).toEqual({ ApproximateNumberOfMessages: '0' });

  // Delete the queue: it is gone.
  await data.send(new m.DeleteQueueCommand({ QueueUrl }));
  await expect(control.send(new m.GetQueueUrlCommand({ QueueName: name }))).rejects.toMatchObject({
    name: 'QueueDoesNotExist',
    $metadata: { httpStatusCode: 400 },
  });
}
