/** The developer endpoints under /_emulator/ (not part of AWS): health, queues, peek, reset, state. */
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { ManualClock, type RunningEmulator } from '../../src/index.js';
import { emulator, jsonClient } from '../support/clients.js';

let server: RunningEmulator;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock();
  server = await emulator({ clock, strict: true });
});
afterEach(() => server.stop());

const get = async (path: string): Promise<{ status: number; body: any; type: string | null }> => {
  const res = await fetch(server.url + path);
  return { status: res.status, body: await res.json(), type: res.headers.get('content-type') };
};

test('health reports status, version and the defaults', async () => {
  const { status, body, type } = await get('/_emulator/health');
  expect(status).toBe(200);
  expect(type).toMatch(/^application\/json/);
  expect(body).toMatchObject({ status: 'ok', region: 'us-east-1', accountId: '000000000000', queues: 0 });
  expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
});

test('queues lists every region and account with live counts', async () => {
  const east = jsonClient(server.url);
  const west = jsonClient(server.url, 'eu-west-1', { accessKeyId: '111122223333', secretAccessKey: 'x' });
  const { QueueUrl: a } = await east.send(new CreateQueueCommand({ QueueName: 'a' }));
  const { QueueUrl: b } = await west.send(new CreateQueueCommand({ QueueName: 'b' }));
  await east.send(new SendMessageCommand({ QueueUrl: a, MessageBody: 'one' }));
  await east.send(new SendMessageCommand({ QueueUrl: a, MessageBody: 'two' }));
  await east.send(new SendMessageCommand({ QueueUrl: a, MessageBody: 'later', DelaySeconds: 60 }));
  await east.send(new ReceiveMessageCommand({ QueueUrl: a, MaxNumberOfMessages: 1 }));
  const { body } = await get('/_emulator/queues');
  expect(body.queues).toEqual([
    // The URL the API handed out: outside the default region it names its region (F30).
    expect.objectContaining({ name: 'b', region: 'eu-west-1', accountId: '111122223333', visible: 0, inflight: 0, delayed: 0, url: b }),
    expect.objectContaining({ name: 'a', region: 'us-east-1', accountId: '000000000000', visible: 1, inflight: 1, delayed: 1, url: `${server.url}/000000000000/a` }),
  ]);
});

test('one queue: attributes, tags, DLQ links and move tasks as the API reports them', async () => {
  const sqs = jsonClient(server.url);
  const { QueueUrl: dlq } = await sqs.send(new CreateQueueCommand({ QueueName: 'dlq' }));
  const dlqArn = 'arn:aws:sqs:us-east-1:000000000000:dlq';
  const { QueueUrl: src } = await sqs.send(
    new CreateQueueCommand({
      QueueName: 'src',
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) },
      tags: JSON.parse('{"team":"shop","__proto__":"plain"}') as Record<string, string>,
    }),
  );
  await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: 'poison' }));
  await sqs.send(new ReceiveMessageCommand({ QueueUrl: src, VisibilityTimeout: 0 }));
  await sqs.send(new ReceiveMessageCommand({ QueueUrl: src })); // moves it to the DLQ
  await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 1 }));

  const source = (await get('/_emulator/queues/us-east-1/000000000000/src')).body;
  expect(source.attributes.RedrivePolicy).toBe(JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }));
  expect(source.deadLetterTargetArn).toBe(dlqArn);
  expect(Object.entries(source.tags)).toEqual([['team', 'shop'], ['__proto__', 'plain']]);
  const target = (await get('/_emulator/queues/us-east-1/000000000000/dlq')).body;
  expect(target.deadLetterSourceQueues).toEqual([src]);
  expect(target.moveTasks).toEqual([expect.objectContaining({ SourceArn: dlqArn, Status: expect.stringMatching(/RUNNING|COMPLETED/) })]);
  expect(target.url).toBe(dlq);

  expect(await get('/_emulator/queues/us-east-1/000000000000/nope')).toMatchObject({ status: 404, body: { error: 'NotFound' } });
  expect(await get('/_emulator/queues/eu-west-1/000000000000/src')).toMatchObject({ status: 404 });
});

test('peek shows every message without changing visibility or receive count', async () => {
  const sqs = jsonClient(server.url);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'peek.fifo', Attributes: { FifoQueue: 'true' } }));
  await sqs.send(
    new SendMessageCommand({
      QueueUrl,
      MessageBody: 'first',
      MessageGroupId: 'g',
      MessageDeduplicationId: 'd1',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'k' }, bin: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 255]) } },
    }),
  );
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'second', MessageGroupId: 'g', MessageDeduplicationId: 'd2' }));
  const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 30 }));
  expect(received.Messages?.[0]?.Body).toBe('first');

  const peek = async (query = ''): Promise<any> => (await get(`/_emulator/queues/us-east-1/000000000000/peek.fifo/messages${query}`)).body;
  const before = await peek();
  expect(before.messages.map((m: any) => [m.Body, m.state, m.receiveCount])).toEqual([
    ['first', 'inflight', 1],
    ['second', 'ready', 0],
  ]);
  expect(before.messages[0]).toMatchObject({
    MessageId: received.Messages![0]!.MessageId,
    MessageGroupId: 'g',
    MessageDeduplicationId: 'd1',
    MessageAttributes: { kind: { DataType: 'String', StringValue: 'k' }, bin: { DataType: 'Binary', BinaryValue: 'AAH/' } },
    visibleAt: clock.now() + 30_000,
  });
  expect(before.messages[0].ReceiptHandle).toBeUndefined();
  expect((await peek('?state=ready')).messages.map((m: any) => m.Body)).toEqual(['second']);
  expect((await peek('?limit=1')).messages).toHaveLength(1);
  for (const bad of ['?limit=0', '?limit=abc', '?limit=1001', '?state=gone', '?limit=1&limit=2']) {
    const res = await get(`/_emulator/queues/us-east-1/000000000000/peek.fifo/messages${bad}`);
    expect([bad, res.status, res.body.error]).toEqual([bad, 400, 'InvalidParameterValue']);
  }

  // Peeking twice changed nothing: the receipt handle still works, the group is still locked,
  // and the counts are those of before.
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: received.Messages![0]!.ReceiptHandle, VisibilityTimeout: 10 }));
  expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
  expect(attrs.Attributes).toMatchObject({ ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '1' });
  expect((await peek()).messages.map((m: any) => m.receiveCount)).toEqual([1, 0]);
});

test('reset deletes every queue, even in strict mode names can be reused at once', async () => {
  const sqs = jsonClient(server.url);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'x' }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'b' }));
  await jsonClient(server.url, 'ap-south-1').send(new CreateQueueCommand({ QueueName: 'y' }));
  const res = await fetch(server.url + '/_emulator/reset', { method: 'POST' });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: 'reset', deletedQueues: 2 });
  expect((await get('/_emulator/queues')).body.queues).toEqual([]);
  await expect(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'b' }))).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
  // Without the reset, strict mode would refuse this for 60 s (QueueDeletedRecently).
  await sqs.send(new CreateQueueCommand({ QueueName: 'x' }));
  expect((await get('/_emulator/queues/us-east-1/000000000000/x/messages')).body.messages).toEqual([]);
  expect((await fetch(server.url + '/_emulator/reset')).status).toBe(404); // POST only
});

test('state dumps queues with attributes, tags and every message', async () => {
  const sqs = jsonClient(server.url);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 's', tags: { env: 'dev' } }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
  const { body } = await get('/_emulator/state');
  expect(body).toMatchObject({ region: 'us-east-1', accountId: '000000000000', now: clock.now() });
  expect(body.queues).toEqual([
    expect.objectContaining({ name: 's', tags: { env: 'dev' }, attributes: expect.objectContaining({ VisibilityTimeout: '30' }), messages: [expect.objectContaining({ Body: 'hello', state: 'ready' })] }),
  ]);
});

test('bad paths and escapes answer JSON errors, never a 500', async () => {
  for (const path of ['/_emulator/nope', '/_emulator/queues/a/b', '/_emulator/queues/%ZZ/000000000000/q', '/_emulator/queues/us-east-1/000000000000/__proto__', '/_emulator/queues/us-east-1/000000000000/constructor/messages']) {
    const res = await fetch(server.url + path);
    expect([path, res.status < 500, res.headers.get('content-type')]).toEqual([path, true, expect.stringMatching(/json/)]);
  }
});

test('with a data directory the reset is durable: a restart brings no queue back', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dataDir = mkdtempSync(join(tmpdir(), 'dx-reset-'));
  let durable = await emulator({ dataDir });
  const sqs = jsonClient(durable.url);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'kept' }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'm' }));
  expect((await fetch(durable.url + '/_emulator/reset', { method: 'POST' })).status).toBe(200);
  await durable.stop();
  durable = await emulator({ dataDir });
  try {
    expect(durable.engine.queues()).toEqual([]);
  } finally {
    await durable.stop();
  }
});
