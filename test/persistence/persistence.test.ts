import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mkdtempSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, startEmulator } from '../../src/index.js';
import { Engine } from '../../src/engine/engine.js';
import { jsonClient } from '../support/clients.js';

const quiet = { port: 0, logLevel: 'silent' as const };
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'sqs-emulator-data-'));

/** A copy of a running emulator's data directory as a kill -9 would leave it (every answered change is in the journal). */
function copyAsCrashed(dataDir: string): string {
  const copy = tempDir();
  for (const f of readdirSync(dataDir).filter((f) => f !== 'LOCK')) writeFileSync(join(copy, f), readFileSync(join(dataDir, f)));
  return copy;
}

const counts = async (sqs: ReturnType<typeof jsonClient>, QueueUrl: string) =>
  (
    await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    )
  ).Attributes;

test('queues, messages in every state, FIFO sequence and dedup survive a restart; time keeps running', async () => {
  const dataDir = tempDir();
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  let server = await startEmulator({ ...quiet, dataDir, clock });
  let sqs = jsonClient(server.url);
  const std = (await sqs.send(new CreateQueueCommand({ QueueName: 'std', Attributes: { VisibilityTimeout: '60' }, tags: { team: 'a' } }))).QueueUrl!;
  const fifo = (await sqs.send(new CreateQueueCommand({ QueueName: 'f.fifo', Attributes: { FifoQueue: 'true' } }))).QueueUrl!;
  for (let i = 0; i < 4; i++) await sqs.send(new SendMessageCommand({ QueueUrl: std, MessageBody: `s${i}`, MessageAttributes: { n: { DataType: 'Number', StringValue: String(i) } } }));
  await sqs.send(new SendMessageCommand({ QueueUrl: std, MessageBody: 'late', DelaySeconds: 120 }));
  const inflight = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: std, MaxNumberOfMessages: 2 }))).Messages!;
  await sqs.send(new DeleteMessageCommand({ QueueUrl: std, ReceiptHandle: inflight[0]!.ReceiptHandle }));
  const seq1 = (await sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: 'f1', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }))).SequenceNumber!;
  await sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: 'f2', MessageGroupId: 'g', MessageDeduplicationId: 'd2' }));
  expect(await counts(sqs, std)).toEqual({ ApproximateNumberOfMessages: '2', ApproximateNumberOfMessagesNotVisible: '1', ApproximateNumberOfMessagesDelayed: '1' });
  await server.stop();

  server = await startEmulator({ ...quiet, dataDir, clock });
  sqs = jsonClient(server.url);
  expect(await counts(sqs, std)).toEqual({ ApproximateNumberOfMessages: '2', ApproximateNumberOfMessagesNotVisible: '1', ApproximateNumberOfMessagesDelayed: '1' });
  // The in-flight receipt handle still works after the restart.
  await sqs.send(new DeleteMessageCommand({ QueueUrl: std, ReceiptHandle: inflight[1]!.ReceiptHandle }));
  // Dedup held, sequence numbers keep increasing.
  await sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: 'dup', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }));
  const seq3 = (await sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: 'f3', MessageGroupId: 'g', MessageDeduplicationId: 'd3' }))).SequenceNumber!;
  expect(BigInt(seq3) > BigInt(seq1)).toBe(true);
  const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: fifo, MaxNumberOfMessages: 10 }))).Messages!;
  expect(got.map((m) => m.Body)).toEqual(['f1', 'f2', 'f3']);
  await server.stop();

  // Down for three minutes: the delayed message became visible meanwhile.
  clock.advance(180_000);
  server = await startEmulator({ ...quiet, dataDir, clock });
  sqs = jsonClient(server.url);
  expect(await counts(sqs, std)).toEqual({ ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '0', ApproximateNumberOfMessagesDelayed: '0' });
  const bodies = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: std, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }))).Messages!;
  expect(bodies.map((m) => m.Body).sort()).toEqual(['late', 's2', 's3']);
  expect(bodies.find((m) => m.Body === 's2')!.MessageAttributes).toEqual({ n: { DataType: 'Number', StringValue: '2' } });
  await server.stop();
});

test('a torn last journal record is dropped; a corrupt record or snapshot stops start-up naming the file', async () => {
  const dataDir = tempDir();
  const server = await startEmulator({ ...quiet, dataDir });
  const sqs = jsonClient(server.url);
  await sqs.send(new CreateQueueCommand({ QueueName: 'keep' }));
  await server.stop();
  const journal = join(dataDir, 'journal-9.jsonl');
  writeFileSync(journal, '[{"t":"qd","k":"us-east-1/000000000000/nothing"}]\n[{"t":"q","r":{"region":"us-');
  const again = await startEmulator({ ...quiet, dataDir });
  expect((await jsonClient(again.url).send(new GetQueueAttributesCommand({ QueueUrl: `${again.url}/000000000000/keep`, AttributeNames: ['QueueArn'] }))).Attributes).toEqual({
    QueueArn: 'arn:aws:sqs:us-east-1:000000000000:keep',
  });
  await again.stop();

  writeFileSync(join(dataDir, 'journal-20.jsonl'), 'not json\n[]\n');
  await expect(startEmulator({ ...quiet, dataDir })).rejects.toThrow(/journal .*journal-20\.jsonl is corrupt at line 1/);

  const other = tempDir();
  writeFileSync(join(other, 'snapshot.jsonl'), '{"version":2,"journal":1,"savedAt":0}\n{"queue":{"na');
  await expect(startEmulator({ ...quiet, dataDir: other })).rejects.toThrow(/snapshot .*snapshot\.jsonl is corrupt at line 2: /);
  writeFileSync(join(other, 'snapshot.jsonl'), '{"version":2,"journal":1,"savedAt":0}\n{"moveTasks":[]}\n');
  await expect(startEmulator({ ...quiet, dataDir: other })).rejects.toThrow(/snapshot .*snapshot\.jsonl is corrupt: it is truncated \(no end line\)/);
  writeFileSync(join(other, 'snapshot.jsonl'), '{"version":2,"journal":1,"savedAt":0}\n{"colour":1}\n{"end":true}\n');
  await expect(startEmulator({ ...quiet, dataDir: other })).rejects.toThrow(/snapshot .*snapshot\.jsonl is corrupt: line 2 is not a queue, message, move-task or deleted-names line/);
  // Nothing was discarded: the refused snapshot is still there.
  expect(readFileSync(join(other, 'snapshot.jsonl'), 'utf8')).toContain('colour');
  const legacy = tempDir();
  writeFileSync(join(legacy, 'snapshot.json'), '{"version":1,"journal":');
  await expect(startEmulator({ ...quiet, dataDir: legacy })).rejects.toThrow(/snapshot .*snapshot\.json is corrupt/);
});

test('a snapshot of the earlier single-document format is read, then replaced by a JSON-lines snapshot', async () => {
  const dataDir = tempDir();
  const engine = new Engine({});
  const queue = engine.createQueue({ region: 'us-east-1', accountId: '000000000000', name: 'old' }, { fifo: false, attributes: {}, tags: new Map() });
  engine.sendMessage(queue, { MessageBody: 'from before' }, { batch: false, senderId: 'me' });
  const [part] = engine.snapshotParts();
  const messages = [...{ [Symbol.iterator]: () => part!.messages }].map((json) => JSON.parse(json) as unknown);
  const legacy = { version: 1, journal: 1, savedAt: 0, state: { queues: [{ queue: part!.queue, deduplication: [], messages }] } };
  writeFileSync(join(dataDir, 'snapshot.json'), JSON.stringify(legacy));
  const server = await startEmulator({ ...quiet, dataDir });
  const sqs = jsonClient(server.url);
  const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${server.url}/000000000000/old` }))).Messages!;
  expect(got.map((m) => m.Body)).toEqual(['from before']);
  await server.stop();
  expect(readdirSync(dataDir)).toContain('snapshot.jsonl');
  expect(readdirSync(dataDir)).not.toContain('snapshot.json');
});

test('a second emulator cannot use a locked data directory', async () => {
  const dataDir = tempDir();
  const first = await startEmulator({ ...quiet, dataDir });
  await expect(startEmulator({ ...quiet, dataDir })).rejects.toThrow(/is in use by process \d+/);
  await first.stop();
  const second = await startEmulator({ ...quiet, dataDir });
  await second.stop();
  expect(readdirSync(dataDir)).not.toContain('LOCK');
});

test('snapshot mode keeps the state across a clean restart', async () => {
  const dataDir = tempDir();
  let server = await startEmulator({ ...quiet, dataDir, persistence: 'snapshot' });
  let sqs = jsonClient(server.url);
  const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'snap' }))).QueueUrl!;
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'kept' }));
  expect(readFileSync(join(dataDir, readdirSync(dataDir).find((f) => f.startsWith('journal'))!), 'utf8')).toBe('');
  await server.stop();
  server = await startEmulator({ ...quiet, dataDir, persistence: 'snapshot' });
  sqs = jsonClient(server.url);
  expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${server.url}/000000000000/snap` }))).Messages![0]!.Body).toBe('kept');
  await server.stop();
});

test('a snapshot of many messages is written in slices and restored whole', async () => {
  const dataDir = tempDir();
  let server = await startEmulator({ ...quiet, dataDir });
  const queue = server.engine.createQueue({ region: 'us-east-1', accountId: '000000000000', name: 'big' }, { fifo: false, attributes: {}, tags: new Map() });
  for (let i = 0; i < 23_456; i++) server.engine.sendMessage(queue, { MessageBody: `b${i}` }, { batch: false, senderId: 'me' });
  await server.stop();
  const lines = readFileSync(join(dataDir, 'snapshot.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
  expect(lines.filter((l) => Array.isArray(l))).toHaveLength(23_456);
  expect(lines[0]).toMatchObject({ version: 3 });
  expect(lines.at(-1)).toEqual({ end: true });
  server = await startEmulator({ ...quiet, dataDir });
  const restored = { region: 'us-east-1', accountId: '000000000000', name: 'big' };
  expect(server.engine.stats(restored).visible).toBe(23_456);
  expect((await server.engine.receiveMessages(restored, { maxNumberOfMessages: 1 })).messages[0]!.data.body).toBe('b0');
  await server.stop();
});

test('a message move task survives a restart, from the final snapshot and from the journal alone, and goes on moving', async () => {
  const dataDir = tempDir();
  const clock = new ManualClock(Date.UTC(2026, 6, 1));
  const server = await startEmulator({ ...quiet, dataDir, clock });
  const sqs = jsonClient(server.url);
  const create = async (QueueName: string, Attributes: Record<string, string> = {}) => (await sqs.send(new CreateQueueCommand({ QueueName, Attributes }))).QueueUrl!;
  const arnOf = async (QueueUrl: string) => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const dlq = await create('dlq');
  const dlqArn = await arnOf(dlq);
  const source = await create('src', { VisibilityTimeout: '0', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) });
  for (let i = 0; i < 5; i++) await sqs.send(new SendMessageCommand({ QueueUrl: source, MessageBody: `m${i}` }));
  for (let i = 0; i < 3; i++) await sqs.send(new ReceiveMessageCommand({ QueueUrl: source, MaxNumberOfMessages: 10 }));
  expect((await counts(sqs, dlq))!.ApproximateNumberOfMessages).toBe('5');
  const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 1 }));
  clock.advance(1_000);
  expect((await counts(sqs, dlq))!.ApproximateNumberOfMessages).toBe('3');
  // A copy of the directory as a kill -9 would leave it: every answered change is in the journal.
  const crashed = copyAsCrashed(dataDir);
  await server.stop();

  for (const dir of [dataDir, crashed]) {
    const again = await startEmulator({ ...quiet, dataDir: dir, clock });
    const client = jsonClient(again.url);
    const [task] = (await client.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results!;
    expect(task).toMatchObject({ Status: 'RUNNING', TaskHandle, SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 1, ApproximateNumberOfMessagesToMove: 5 });
    expect(task!.ApproximateNumberOfMessagesMoved).toBeGreaterThanOrEqual(2);
    clock.advance(5_000);
    const [done] = (await client.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results!;
    expect(done).toMatchObject({ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 5 });
    expect((await counts(client, `${again.url}/000000000000/dlq`))!.ApproximateNumberOfMessages).toBe('0');
    expect((await counts(client, `${again.url}/000000000000/src`))!.ApproximateNumberOfMessages).toBe('5');
    await again.stop();
  }
});

test('strict mode: a name deleted less than 60 s ago stays unusable across a restart, from the snapshot and from the journal alone', async () => {
  const dataDir = tempDir();
  const clock = new ManualClock(Date.UTC(2026, 7, 1));
  const server = await startEmulator({ ...quiet, dataDir, clock, strict: true });
  const sqs = jsonClient(server.url);
  const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'gone' }))).QueueUrl!;
  await sqs.send(new DeleteQueueCommand({ QueueUrl }));
  clock.advance(10_000);
  const crashed = copyAsCrashed(dataDir);
  await server.stop();
  for (const dir of [dataDir, crashed]) {
    const again = await startEmulator({ ...quiet, dataDir: dir, clock, strict: true });
    const client = jsonClient(again.url);
    await expect(client.send(new CreateQueueCommand({ QueueName: 'gone' }))).rejects.toMatchObject({ name: 'QueueDeletedRecently' });
    await again.stop();
  }
  clock.advance(50_000);
  const later = await startEmulator({ ...quiet, dataDir, clock, strict: true });
  expect((await jsonClient(later.url).send(new CreateQueueCommand({ QueueName: 'gone' }))).QueueUrl).toMatch(/\/gone$/);
  await later.stop();
});

test('a FIFO ReceiveRequestAttemptId retried after a restart returns the same messages and receipt handles', async () => {
  const dataDir = tempDir();
  const clock = new ManualClock(Date.UTC(2026, 8, 1));
  const server = await startEmulator({ ...quiet, dataDir, clock });
  const sqs = jsonClient(server.url);
  const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'attempts.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }))).QueueUrl!;
  for (const body of ['a', 'b', 'c']) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: 'g' }));
  const first = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 2, ReceiveRequestAttemptId: 'try-1' }))).Messages!;
  expect(first.map((m) => m.Body)).toEqual(['a', 'b']);
  clock.advance(10_000); // within the 30-second visibility timeout and the 5-minute attempt window
  const crashed = copyAsCrashed(dataDir);
  await server.stop();
  for (const dir of [dataDir, crashed]) {
    const again = await startEmulator({ ...quiet, dataDir: dir, clock });
    const client = jsonClient(again.url);
    const url = `${again.url}/000000000000/attempts.fifo`;
    const retried = (await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 2, ReceiveRequestAttemptId: 'try-1' }))).Messages!;
    expect(retried.map((m) => [m.MessageId, m.ReceiptHandle])).toEqual(first.map((m) => [m.MessageId, m.ReceiptHandle]));
    // Another attempt id is an ordinary receive: the group is locked by the messages in flight.
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl: url, ReceiveRequestAttemptId: 'try-2' }))).Messages).toBeUndefined();
    await again.stop();
  }
});

test('fair queues: after a restart the noisy tenant is still noisy and quiet tenants still come first', async () => {
  const dataDir = tempDir();
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  let server = await startEmulator({ ...quiet, dataDir, clock });
  let sqs = jsonClient(server.url);
  const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'fair', Attributes: { VisibilityTimeout: '600' } }))).QueueUrl!;
  for (let i = 0; i < 40; i++) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `big-${i}`, MessageGroupId: 'big' }));
  for (let i = 0; i < 3; i++) await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'small-0', MessageGroupId: 'small' }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'big-late', MessageGroupId: 'big', DelaySeconds: 30 }));
  const before = server.engine.fairQueueMetrics({ region: 'us-east-1', accountId: '000000000000', name: 'fair' });
  await server.stop();

  server = await startEmulator({ ...quiet, dataDir, clock });
  sqs = jsonClient(server.url);
  const after = server.engine.fairQueueMetrics({ region: 'us-east-1', accountId: '000000000000', name: 'fair' });
  expect(after).toEqual(before);
  expect(after).toMatchObject({ ApproximateNumberOfNoisyGroups: 1, ApproximateNumberOfMessagesVisibleInQuietGroups: 1 });
  expect(after!.noisyGroups).toEqual([expect.objectContaining({ groupId: 'big', reason: 'concurrency', inflight: 30, visible: 10, delayed: 1 })]);
  const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 3 }))).Messages!.map((m) => m.Body);
  expect(got).toEqual(['small-0', 'big-30', 'big-31']);
  await server.stop();
});
