/**
 * Event-source mappings (issue 20): every rule of Lambda's SQS poller, over a real loopback
 * HTTP target and command targets (node and python), on a manual clock.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { EventSourceMappingInput, RunningEmulator, SpiedInvocation, SqsLambdaEvent } from '../../src/index.js';
import { emulator, jsonClient } from '../support/clients.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE_TARGET = { command: process.execPath, args: [`${ROOT}examples/lambda/run-node.mjs`, `${ROOT}test/eventSources/fixtures/handler.mjs`] };
const PYTHON_TARGET = { command: '/usr/bin/python3', args: [`${ROOT}examples/lambda/run-python.py`, `${ROOT}test/eventSources/fixtures/handler.py`] };

let sqs: RunningEmulator;
let client: SQSClient;
let server: Server;
let targetUrl: string;
/** What the loopback HTTP target does with each event: [status, body]. */
let respond: (event: SqsLambdaEvent) => [number, unknown] | Promise<[number, unknown]>;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      void Promise.resolve(respond(JSON.parse(body) as SqsLambdaEvent)).then(([status, out]) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(out === undefined ? '' : JSON.stringify(out));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  targetUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/handler`;
});
afterAll(() => new Promise((r) => server.close(r)));

beforeEach(async () => {
  respond = () => [200, undefined];
  sqs = await emulator({ clock: 'manual' });
  client = jsonClient(sqs.url);
});
afterEach(async () => {
  for (const m of sqs.eventSourceMappings()) m.remove();
  client.destroy();
  await sqs.stop();
});

async function queue(name: string, attributes: Record<string, string> = {}): Promise<string> {
  return (await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
}

async function withDlq(name: string, maxReceiveCount: number, visibility = 30): Promise<{ url: string; dlq: string }> {
  const dlq = await queue(`${name}-dlq`);
  const url = await queue(name, {
    VisibilityTimeout: String(visibility),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:000000000000:${name}-dlq`, maxReceiveCount }),
  });
  return { url, dlq };
}

async function counts(url: string): Promise<{ visible: number; inflight: number }> {
  const a = (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
  return { visible: Number(a.ApproximateNumberOfMessages), inflight: Number(a.ApproximateNumberOfMessagesNotVisible) };
}

const bodies = (i: SpiedInvocation): string[] => i.records.map((r) => r.body);
/** The next invocation event of this type (not one already seen). */
const next = (event: 'invoked' | 'succeeded' | 'failed', match?: (i: SpiedInvocation) => boolean): Promise<SpiedInvocation> =>
  sqs.waitFor({ event, history: false, match, timeoutMs: 10_000 });
const add = (input: EventSourceMappingInput) => sqs.addEventSourceMapping(input);

test('HTTP target: the event is exactly Lambda SQSEvent; success deletes the batch', async () => {
  const url = await queue('orders');
  await client.send(
    new SendMessageCommand({
      QueueUrl: url,
      MessageBody: '{"orderId":1}',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'new' }, raw: { DataType: 'Binary', BinaryValue: Buffer.from('hi') } },
    }),
  );
  let seen: SqsLambdaEvent | undefined;
  respond = (e) => {
    seen = e;
    return [200, undefined];
  };
  const done = next('succeeded');
  add({ queueName: 'orders', target: { url: targetUrl } });
  await done;
  const r = seen!.Records[0]!;
  expect(Object.keys(r)).toEqual(['messageId', 'receiptHandle', 'body', 'attributes', 'messageAttributes', 'md5OfBody', 'md5OfMessageAttributes', 'eventSource', 'eventSourceARN', 'awsRegion']);
  expect(Object.keys(r.attributes)).toEqual(['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp']);
  expect(r).toMatchObject({
    body: '{"orderId":1}',
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(sqs.clock.now()), ApproximateFirstReceiveTimestamp: String(sqs.clock.now()) },
    messageAttributes: {
      kind: { stringValue: 'new', stringListValues: [], binaryListValues: [], dataType: 'String' },
      raw: { binaryValue: Buffer.from('hi').toString('base64'), stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    },
    md5OfBody: createHash('md5').update('{"orderId":1}').digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:orders',
    awsRegion: 'us-east-1',
  });
  expect(await counts(url)).toEqual({ visible: 0, inflight: 0 });
});

test('a failed invocation leaves the batch to the visibility timeout: fails twice, then lands in the DLQ', async () => {
  const { url, dlq } = await withDlq('jobs', 2);
  respond = () => [500, { errorMessage: 'boom' }];
  await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'job' }));
  let failed = next('failed');
  add({ queueName: 'jobs', target: { url: targetUrl } });
  expect((await failed).error).toMatch(/^HTTP 500/);
  expect((await failed).records[0]!.attributes.ApproximateReceiveCount).toBe('1');
  expect(await counts(url)).toEqual({ visible: 0, inflight: 1 });
  failed = next('failed');
  sqs.clock.advance(30_000);
  expect((await failed).records[0]!.attributes.ApproximateReceiveCount).toBe('2');
  const moved = sqs.waitFor({ event: 'movedToDeadLetterQueue', history: false, timeoutMs: 10_000 });
  sqs.clock.advance(30_000);
  expect((await moved).body).toBe('job');
  expect(await counts(url)).toEqual({ visible: 0, inflight: 0 });
  expect(await counts(dlq)).toEqual({ visible: 1, inflight: 0 });
});

test('ReportBatchItemFailures: the listed ids stay, the rest is deleted; empty list = all succeeded', async () => {
  const url = await queue('partial');
  await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ['a', 'b', 'c'].map((b) => ({ Id: b, MessageBody: b })) }));
  respond = (e) => [200, { batchItemFailures: e.Records.filter((r) => r.body === 'b' && r.attributes.ApproximateReceiveCount === '1').map((r) => ({ itemIdentifier: r.messageId })) }];
  let done = next('succeeded');
  add({ queueName: 'partial', target: { url: targetUrl }, functionResponseTypes: ['ReportBatchItemFailures'] });
  const first = await done;
  expect(bodies(first).sort()).toEqual(['a', 'b', 'c']);
  expect(first.batchItemFailures).toHaveLength(1);
  expect(await counts(url)).toEqual({ visible: 0, inflight: 1 });
  done = next('succeeded');
  sqs.clock.advance(30_000);
  const second = await done;
  expect(bodies(second)).toEqual(['b']);
  expect(second.batchItemFailures).toEqual([]);
  expect(await counts(url)).toEqual({ visible: 0, inflight: 0 });
});

test.each([
  ['an unknown itemIdentifier', { batchItemFailures: [{ itemIdentifier: 'not-in-the-batch' }] }, /not a messageId of the batch/],
  ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }, /malformed response/],
  ['a response that is not an object', 'nope', /malformed response/],
])('ReportBatchItemFailures: %s fails the whole batch', async (_what, answer, error) => {
  const url = await queue('malformed');
  await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
  respond = () => [200, answer];
  const failed = next('failed');
  add({ queueName: 'malformed', target: { url: targetUrl }, functionResponseTypes: ['ReportBatchItemFailures'] });
  expect((await failed).error).toMatch(error);
  expect(await counts(url)).toEqual({ visible: 0, inflight: 1 });
});

test('without ReportBatchItemFailures the response is not read: a 2xx deletes the whole batch', async () => {
  const url = await queue('plain');
  await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
  respond = (e) => [200, { batchItemFailures: [{ itemIdentifier: e.Records[0]!.messageId }] }];
  const done = next('succeeded');
  add({ queueName: 'plain', target: { url: targetUrl } });
  await done;
  expect(await counts(url)).toEqual({ visible: 0, inflight: 0 });
});

test('the batching window: a batch waits for batchSize or the window, driven by the clock', async () => {
  const url = await queue('window');
  const invoked: SpiedInvocation[] = [];
  const unsubscribe = sqs.events.subscribe((e) => e.type === 'invoked' && invoked.push(e.invocation!));
  const mapping = add({ queueName: 'window', target: { url: targetUrl }, batchSize: 15, maximumBatchingWindowInSeconds: 5, scalingConfig: { maximumConcurrency: 2 }, enabled: false });
  await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ['1', '2', '3'].map((b) => ({ Id: b, MessageBody: b })) }));
  mapping.resume();
  await sqs.waitFor({ event: 'received', match: (m) => m.body === '3', timeoutMs: 10_000 });
  expect(invoked).toHaveLength(0);
  const done = next('succeeded');
  sqs.clock.advance(5_000);
  expect(bodies(await done).sort()).toEqual(['1', '2', '3']);
  // 30 visible messages fill a batch (15) at once, without waiting for the window.
  mapping.pause();
  for (let i = 0; i < 3; i++) {
    await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 10 }, (_, j) => ({ Id: `m${j}`, MessageBody: `m${i * 10 + j}` })) }));
  }
  const full = next('succeeded');
  mapping.resume();
  expect((await full).records).toHaveLength(15);
  for (let round = 0; round < 200 && (await counts(url)).inflight + (await counts(url)).visible > 0; round++) {
    sqs.clock.advance(5_000);
    await new Promise((r) => setTimeout(r, 5));
  }
  expect(await counts(url)).toEqual({ visible: 0, inflight: 0 });
  expect(invoked.slice(1).reduce((n, i) => n + i.records.length, 0)).toBe(30);
  unsubscribe();
});

test('the 6 MB payload limit: a batch stops filling before it, the rest goes in the next batch', async () => {
  const url = await queue('big', { MaximumMessageSize: '262144' });
  const sizes: number[] = [];
  const mapping = add({ queueName: 'big', target: { handler: async (e) => void sizes.push(e.Records.length) }, batchSize: 100, maximumBatchingWindowInSeconds: 1, enabled: false });
  const body = 'x'.repeat(250_000);
  for (let i = 0; i < 3; i++) {
    await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 1 }, (_, j) => ({ Id: `m${j}`, MessageBody: body })) }));
  }
  for (let i = 0; i < 27; i++) await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
  mapping.resume();
  while ((await counts(url)).visible > 0) await new Promise((r) => setTimeout(r, 5));
  for (let round = 0; round < 200 && sizes.reduce((a, b) => a + b, 0) < 30; round++) {
    sqs.clock.advance(1_000);
    await new Promise((r) => setTimeout(r, 5));
  }
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(30);
  expect(Math.max(...sizes)).toBeLessThanOrEqual(Math.floor((6 * 1024 * 1024) / 250_000));
});

test('filters: messages no pattern matches are deleted without an invocation', async () => {
  const url = await queue('filtered');
  const done = next('succeeded');
  const mapping = add({
    queueName: 'filtered',
    enabled: false,
    target: { url: targetUrl },
    filterCriteria: { filters: [{ pattern: '{"body":{"kind":["order"],"total":[{"numeric":[">",100]}]}}' }, { pattern: '{"body":["ping"]}' }] },
  });
  await client.send(
    new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: ['{"kind":"order","total":150}', '{"kind":"order","total":5}', 'ping', 'pong', '{"kind":"refund"}'].map((b, i) => ({ Id: `e${i}`, MessageBody: b })),
    }),
  );
  mapping.resume();
  expect(bodies(await done).sort()).toEqual(['ping', '{"kind":"order","total":150}'].sort());
  expect(await counts(url)).toEqual({ visible: 0, inflight: 0 });
});

test('a target that hangs is cut at functionTimeout (on the clock) and counted as a failure', async () => {
  const url = await queue('slow');
  await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
  const invoked = next('invoked');
  const failed = next('failed');
  add({ queueName: 'slow', target: { handler: () => new Promise(() => {}) }, functionTimeout: 10 });
  await invoked;
  sqs.clock.advance(10_000);
  expect((await failed).error).toBe('Task timed out after 10.00 seconds');
  expect(await counts(url)).toEqual({ visible: 0, inflight: 1 });
  const text = await (await fetch(`${sqs.url}/metrics`)).text();
  expect(text).toMatch(/sqs_emulator_event_source_mapping_errors_total\{[^}]*queue="slow"\} 1/);
});

test.each([
  ['node', NODE_TARGET],
  ['python', PYTHON_TARGET],
])('command target (%s): FIFO order kept, a group stops at its first failed item, a crash and a hang fail the batch', async (_lang, target) => {
  const url = await queue('flow.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true', VisibilityTimeout: '30' });
  const send = (group: string, ...bs: string[]) =>
    client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: bs.map((b, i) => ({ Id: `e${i}`, MessageBody: b, MessageGroupId: group })) }));
  await send('a', 'a1', 'fail-a2', 'a3');
  await send('b', 'b1', 'b2');
  const invocations: SpiedInvocation[] = [];
  const unsubscribe = sqs.events.subscribe((e) => e.type === 'succeeded' && invocations.push(e.invocation!));
  const done = next('succeeded');
  const mapping = add({ queueName: 'flow.fifo', target, functionResponseTypes: ['ReportBatchItemFailures'], functionTimeout: 30 });
  expect(bodies(await done)).toEqual(['a1', 'fail-a2', 'a3', 'b1', 'b2']);
  // a1, b1, b2 deleted; fail-a2 failed, a3 after it in its group: both kept.
  expect(await counts(url)).toEqual({ visible: 0, inflight: 2 });
  const retried = next('succeeded');
  sqs.clock.advance(30_000);
  expect(bodies(await retried)).toEqual(['fail-a2', 'a3']);
  expect(await counts(url)).toEqual({ visible: 0, inflight: 0 });
  unsubscribe();
  // A crash (exit 1) fails the batch.
  const crashed = next('failed');
  await send('c', 'crash');
  expect((await crashed).error).toMatch(/exited with code 1/);
  // A hang is cut at the function timeout.
  sqs.clock.advance(30_000);
  mapping.remove();
  await new Promise((r) => setImmediate(r));
  const url2 = await queue('stuck', { VisibilityTimeout: '30' });
  await client.send(new SendMessageCommand({ QueueUrl: url2, MessageBody: 'hang' }));
  const invoked = next('invoked', (i) => i.records[0]!.body === 'hang');
  const hung = next('failed', (i) => i.records[0]!.body === 'hang');
  add({ queueName: 'stuck', target, functionTimeout: 5 });
  await invoked;
  sqs.clock.advance(5_000);
  expect((await hung).error).toBe('Task timed out after 5.00 seconds');
  expect(invocations.length).toBeGreaterThanOrEqual(2);
});

test('FIFO: one batch per group at a time, order kept across retries', async () => {
  const url = await queue('seq.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
  const delivered: string[] = [];
  let firstFailure = true;
  add({
    queueName: 'seq.fifo',
    batchSize: 2,
    scalingConfig: { maximumConcurrency: 4 },
    functionResponseTypes: ['ReportBatchItemFailures'],
    target: {
      handler: async (event) => {
        const failures: { itemIdentifier: string }[] = [];
        for (const r of event.Records) {
          if (r.body === 'g-3' && firstFailure) {
            firstFailure = false;
            failures.push({ itemIdentifier: r.messageId });
            break;
          }
          delivered.push(r.body);
        }
        const seen = new Set(failures.map((f) => f.itemIdentifier));
        // Unprocessed records after the failure are reported too, as AWS advises for FIFO.
        let after = false;
        for (const r of event.Records) {
          if (seen.has(r.messageId)) after = true;
          else if (after) failures.push({ itemIdentifier: r.messageId });
        }
        return { batchItemFailures: failures };
      },
    },
  });
  for (let i = 1; i <= 6; i++) await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `g-${i}`, MessageGroupId: 'g' }));
  await sqs.waitFor({ event: 'succeeded', match: (i) => i.batchItemFailures!.length > 0, timeoutMs: 10_000 });
  sqs.clock.advance(30_000);
  await sqs.waitFor({ event: 'deleted', match: (m) => m.body === 'g-6', timeoutMs: 10_000 });
  expect(delivered).toEqual(['g-1', 'g-2', 'g-3', 'g-4', 'g-5', 'g-6']);
});

test('maximumConcurrency bounds the batches in flight; paused mappings poll nothing', async () => {
  const url = await queue('busy');
  let running = 0;
  let peak = 0;
  const release: (() => void)[] = [];
  const mapping = add({
    queueName: 'busy',
    batchSize: 1,
    scalingConfig: { maximumConcurrency: 3 },
    target: {
      handler: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => release.push(r));
        running--;
      },
    },
  });
  mapping.pause();
  expect(mapping.state().State).toBe('Disabled');
  await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 6 }, (_, i) => ({ Id: `m${i}`, MessageBody: `m${i}` })) }));
  await new Promise((r) => setTimeout(r, 50));
  expect(await counts(url)).toEqual({ visible: 6, inflight: 0 });
  mapping.resume();
  for (let done = 0; done < 6; done++) {
    while (release.length === 0) await new Promise((r) => setTimeout(r, 5));
    const succeeded = next('succeeded');
    release.shift()!();
    await succeeded;
  }
  expect(peak).toBe(3);
  const view = (await (await fetch(`${sqs.url}/_emulator/event-source-mappings?queue=busy`)).json()) as { eventSourceMappings: Record<string, unknown>[] };
  expect(view.eventSourceMappings[0]).toMatchObject({ UUID: mapping.uuid, State: 'Enabled', BatchSize: 1, ScalingConfig: { MaximumConcurrency: 3 }, Invocations: 6, Errors: 0, LastProcessingResult: 'OK' });
});

test('nothing is lost or delivered twice: every message succeeds exactly once through failures and retries', async () => {
  const url = await queue('soak', { VisibilityTimeout: '30' });
  const succeeded = new Map<string, number>();
  let calls = 0;
  add({
    queueName: 'soak',
    batchSize: 7,
    scalingConfig: { maximumConcurrency: 4 },
    functionResponseTypes: ['ReportBatchItemFailures'],
    target: {
      handler: async (event) => {
        calls++;
        if (calls % 5 === 0) throw new Error('whole batch fails');
        const failures = event.Records.filter((r) => Number(r.body) % 3 === 0 && r.attributes.ApproximateReceiveCount === '1').map((r) => ({ itemIdentifier: r.messageId }));
        const failed = new Set(failures.map((f) => f.itemIdentifier));
        for (const r of event.Records) if (!failed.has(r.messageId)) succeeded.set(r.body, (succeeded.get(r.body) ?? 0) + 1);
        return { batchItemFailures: failures };
      },
    },
  });
  for (let i = 0; i < 6; i++) {
    await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 10 }, (_, j) => ({ Id: `m${j}`, MessageBody: String(i * 10 + j) })) }));
  }
  for (let round = 0; round < 500; round++) {
    const c = await counts(url);
    if (c.visible + c.inflight === 0) break;
    await new Promise((r) => setTimeout(r, 10));
    if (c.visible === 0) sqs.clock.advance(30_000);
  }
  expect(await counts(url)).toEqual({ visible: 0, inflight: 0 });
  expect(succeeded.size).toBe(60);
  expect([...succeeded.values()].every((n) => n === 1)).toBe(true);
});
