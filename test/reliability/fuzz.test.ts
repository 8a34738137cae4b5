/**
 * Property-based fuzzing (fast-check, fixed seed, bounded runs): sequences of generated and
 * mutated requests over both protocols. After every request: the answer is a valid SQS answer
 * or error (status < 500, parseable in its protocol, a request id, an error code), and the
 * engine's invariants hold (counts add up, a message is in exactly one state, FIFO groups are
 * delivered oldest first). After every sequence the server still answers /health and nothing
 * was logged as a server failure.
 *
 * FUZZ_RUNS (default 300 per property) and FUZZ_SEED change the run: the benchmark's longer
 * run is `npm run fuzz` (20,000 runs per property unless FUZZ_RUNS says otherwise).
 */
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { RunningEmulator } from '../../src/index.js';
import { emulator } from '../support/clients.js';
import { toQueryParams } from '../support/wire.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const TIMEOUT = Math.max(60_000, RUNS * 200);

const ACTIONS = [
  'AddPermission',
  'CancelMessageMoveTask',
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
  'CreateQueue',
  'DeleteMessage',
  'DeleteMessageBatch',
  'DeleteQueue',
  'GetQueueAttributes',
  'GetQueueUrl',
  'ListDeadLetterSourceQueues',
  'ListMessageMoveTasks',
  'ListQueueTags',
  'ListQueues',
  'PurgeQueue',
  'ReceiveMessage',
  'RemovePermission',
  'SendMessage',
  'SendMessageBatch',
  'SetQueueAttributes',
  'StartMessageMoveTask',
  'TagQueue',
  'UntagQueue',
] as const;

const SCOPE = { region: 'us-east-1', accountId: '000000000000' };
const QUEUES = ['fz-dlq', 'fz-std', 'fz-a.fifo', 'fz-b.fifo'];

let server: RunningEmulator;
const complaints: string[] = [];
/** Receipt handles seen in answers: later requests reuse them, so deletes and visibility changes hit real messages. */
const handles: string[] = [];
const xml = new XMLParser({ ignoreAttributes: false, parseTagValue: false });

beforeAll(async () => {
  server = await emulator({
    clock: 'manual',
    eventHistory: 0,
    logger: {
      error: (message, error) => complaints.push(`ERROR ${message} ${String((error as Error)?.stack ?? error ?? '')}`),
      warn: (message) => complaints.push(`WARN ${message}`),
      info: () => {},
      debug: () => {},
    },
  });
});
afterAll(() => server.stop());

const queueUrl = (name: string): string => `${server.url}/000000000000/${name}`;

async function resetQueues(): Promise<void> {
  server.engine.reset();
  handles.length = 0;
  for (const name of QUEUES) {
    const attributes: Record<string, string> = name.endsWith('.fifo') ? { FifoQueue: 'true' } : {};
    if (name === 'fz-std') attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:000000000000:fz-dlq`, maxReceiveCount: 2 });
    const res = await send({ protocol: 'json', action: 'CreateQueue', params: { QueueName: name, Attributes: attributes } });
    if (res.status !== 200) throw new Error(`setup: ${res.text}`);
    // Messages to work on: receives, deletes and visibility changes then hit real ones.
    const fifo = name.endsWith('.fifo');
    const Entries = Array.from({ length: 5 }, (_, i) => ({
      Id: `m${i}`,
      MessageBody: `seed ${i}`,
      ...(fifo ? { MessageGroupId: `g${(i % 3) + 1}`, MessageDeduplicationId: `d${i}` } : {}),
    }));
    const sent = await send({ protocol: 'json', action: 'SendMessageBatch', params: { QueueUrl: { url: true, name }, Entries } });
    if (sent.status !== 200 || !sent.text.includes('"Failed":[]')) throw new Error(`setup: ${sent.text}`);
  }
}

// ---- generators -------------------------------------------------------------------------

const special = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', '\u0000', '💥', 'a'.repeat(300));
const junk: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    special,
    fc.constantFrom('1e400', '-1', '99999999999999999999', 'NaN', '0x1f', '1.5'),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), special), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const queueRef = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...QUEUES).map((n) => ({ url: true, name: n })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map((n) => ({ url: true, name: n })) },
);
const group = fc.constantFrom('g1', 'g2', 'g3');
const body = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-zA-Z0-9 <&>"']{1,40}$/) },
  { weight: 1, arbitrary: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('\uFFFE', '\u0001')) },
);
const handleRef = fc.oneof({ weight: 4, arbitrary: fc.nat(50).map((i) => ({ handle: i })) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) });
const small = (max: number) => fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max }) }, { weight: 1, arbitrary: fc.integer() });
const attributeValue = fc.record({ DataType: fc.constantFrom('String', 'Number', 'Binary', 'String.x', 'Bogus'), StringValue: fc.string({ maxLength: 10 }) });
const batchId = fc.oneof(fc.constantFrom('a', 'b', 'c', '__proto__', 'constructor'), fc.string({ maxLength: 6 }));

const rarely = <T,>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });
const mostly = <T,>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.oneof({ weight: 4, arbitrary: a }, { weight: 1, arbitrary: fc.constant(undefined) });

function paramsFor(action: (typeof ACTIONS)[number]): fc.Arbitrary<Record<string, unknown>> {
  const q = { QueueUrl: queueRef };
  const sendEntry = {
    MessageBody: body,
    DelaySeconds: rarely(small(900)),
    MessageGroupId: mostly(group),
    MessageDeduplicationId: mostly(fc.string({ minLength: 1, maxLength: 6 })),
    MessageAttributes: rarely(fc.dictionary(fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), special), attributeValue, { maxKeys: 3 })),
  };
  switch (action) {
    case 'SendMessage':
      return fc.record({ ...q, ...sendEntry }, { requiredKeys: ['QueueUrl', 'MessageBody'] });
    case 'SendMessageBatch':
      return fc.record({ ...q, Entries: fc.array(fc.record({ Id: batchId, ...sendEntry }, { requiredKeys: ['Id', 'MessageBody'] }), { maxLength: 11 }) });
    case 'ReceiveMessage':
      return fc.record(
        {
          ...q,
          MaxNumberOfMessages: small(10),
          VisibilityTimeout: small(60),
          WaitTimeSeconds: fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: small(20) }),
          AttributeNames: fc.constant(['All']),
          MessageAttributeNames: fc.constant(['All']),
          ReceiveRequestAttemptId: fc.option(fc.string({ minLength: 1, maxLength: 4 }), { nil: undefined }),
        },
        { requiredKeys: ['QueueUrl'] },
      );
    case 'DeleteMessage':
      return fc.record({ ...q, ReceiptHandle: handleRef });
    case 'ChangeMessageVisibility':
      return fc.record({ ...q, ReceiptHandle: handleRef, VisibilityTimeout: small(60) });
    case 'DeleteMessageBatch':
      return fc.record({ ...q, Entries: fc.array(fc.record({ Id: batchId, ReceiptHandle: handleRef }), { maxLength: 11 }) });
    case 'ChangeMessageVisibilityBatch':
      return fc.record({ ...q, Entries: fc.array(fc.record({ Id: batchId, ReceiptHandle: handleRef, VisibilityTimeout: small(60) }), { maxLength: 11 }) });
    case 'CreateQueue':
      return fc.record({
        QueueName: fc.oneof(fc.constantFrom(...QUEUES, 'fz-new', 'fz-new.fifo', '__proto__', 'constructor'), fc.string({ maxLength: 12 })),
        Attributes: fc.option(fc.dictionary(fc.constantFrom('VisibilityTimeout', 'DelaySeconds', 'FifoQueue', 'ContentBasedDeduplication', 'ReceiveMessageWaitTimeSeconds', '__proto__'), fc.oneof(fc.constantFrom('0', '1', '30', 'true', 'false'), fc.string({ maxLength: 5 }))), { nil: undefined }),
      });
    case 'SetQueueAttributes':
      return fc.record({
        ...q,
        Attributes: fc.dictionary(
          fc.constantFrom('VisibilityTimeout', 'DelaySeconds', 'MaximumMessageSize', 'ContentBasedDeduplication', 'ReceiveMessageWaitTimeSeconds', 'Policy', 'RedrivePolicy', 'constructor'),
          fc.oneof(fc.constantFrom('0', '1', '5', '1024', 'true', ''), fc.string({ maxLength: 5 })),
        ),
      });
    case 'GetQueueAttributes':
      return fc.record({ ...q, AttributeNames: fc.array(fc.oneof(fc.constantFrom('All', 'ApproximateNumberOfMessages', 'QueueArn', 'Policy'), special), { maxLength: 3 }) });
    case 'GetQueueUrl':
      return fc.record({ QueueName: fc.oneof(fc.constantFrom(...QUEUES), fc.string({ maxLength: 8 })) });
    case 'TagQueue':
      return fc.record({ ...q, Tags: fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), special), fc.string({ maxLength: 6 }), { maxKeys: 3 }) });
    case 'UntagQueue':
      return fc.record({ ...q, TagKeys: fc.array(fc.oneof(fc.string({ maxLength: 6 }), special), { maxLength: 3 }) });
    case 'ListQueues':
      return fc.record({ QueueNamePrefix: fc.option(fc.string({ maxLength: 4 }), { nil: undefined }), MaxResults: fc.option(small(1000), { nil: undefined }) });
    case 'AddPermission':
      return fc.record({ ...q, Label: fc.string({ maxLength: 8 }), AWSAccountIds: fc.constant(['111111111111']), Actions: fc.constant(['SendMessage']) });
    case 'RemovePermission':
      return fc.record({ ...q, Label: fc.string({ maxLength: 8 }) });
    case 'StartMessageMoveTask':
      return fc.record({ SourceArn: fc.constantFrom('arn:aws:sqs:us-east-1:000000000000:fz-dlq', 'arn:x'), MaxNumberOfMessagesPerSecond: fc.option(small(500), { nil: undefined }) });
    case 'CancelMessageMoveTask':
      return fc.record({ TaskHandle: fc.string({ maxLength: 10 }) });
    case 'ListMessageMoveTasks':
      return fc.record({ SourceArn: fc.constantFrom('arn:aws:sqs:us-east-1:000000000000:fz-dlq', 'nope') });
    default:
      return fc.record(q);
  }
}

interface Req {
  protocol: 'json' | 'query';
  action: string;
  params: Record<string, unknown>;
  /** Byte-level damage to the encoded body. */
  damage?: { kind: 'truncate' | 'flip' | 'insert'; at: number; byte: number };
}

/** Structure-level mutation: drop a key, replace a value with junk, add a junk key. */
const mutation = fc.oneof(
  { weight: 9, arbitrary: fc.record({ kind: fc.constant('none' as const) }) },
  fc.record({ kind: fc.constant('drop' as const), index: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), index: fc.nat(), value: junk }),
  fc.record({ kind: fc.constant('add' as const), key: fc.oneof(fc.string({ maxLength: 12 }), special), value: junk }),
);

const request: fc.Arbitrary<Req> = fc
  .tuple(
    fc.constantFrom('json' as const, 'query' as const),
    fc.oneof(
      { weight: 20, arbitrary: fc.constantFrom(...ACTIONS) },
      { weight: 20, arbitrary: fc.constantFrom('ReceiveMessage', 'ReceiveMessage', 'DeleteMessage', 'ChangeMessageVisibility', 'SendMessage', 'DeleteMessageBatch') },
      { weight: 1, arbitrary: fc.constantFrom('Nope', '', 'listqueues') },
    ),
    fc.nat(),
  )
  .chain(([protocol, action, n]) =>
    fc.tuple(
      (ACTIONS as readonly string[]).includes(action) ? paramsFor(action as (typeof ACTIONS)[number]) : fc.constant({}),
      mutation,
      fc.oneof(
        { weight: 9, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('truncate' as const, 'flip' as const, 'insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }) },
      ),
    ).map(([params, m, damage]): Req => {
      const p: Record<string, unknown> = { ...params };
      const keys = Object.keys(p);
      if (m.kind === 'drop' && keys.length > 0) delete p[keys[m.index % keys.length]!];
      if (m.kind === 'replace' && keys.length > 0) p[keys[m.index % keys.length]!] = m.value;
      if (m.kind === 'add') Object.defineProperty(p, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      void n;
      return { protocol, action, params: p, ...(damage ? { damage } : {}) };
    }),
  );

/** Real values for the generators' symbolic references. */
function resolve(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolve);
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (v.url === true && typeof v.name === 'string' && Object.keys(v).length === 2) return queueUrl(v.name);
    if (typeof v.handle === 'number' && Object.keys(v).length === 1) return handles.length ? handles[v.handle % handles.length] : 'no-handle-yet';
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: resolve(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

function genericFlatten(out: Record<string, string>, prefix: string, value: unknown): void {
  if (Array.isArray(value)) value.forEach((v, i) => genericFlatten(out, `${prefix}.${i + 1}`, v));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) genericFlatten(out, `${prefix}.${k}`, v);
  else out[prefix] = String(value);
}

function encode(req: Req): { headers: Record<string, string>; body: Buffer } {
  const params = resolve(req.params) as Record<string, unknown>;
  let text: string;
  let headers: Record<string, string>;
  if (req.protocol === 'json') {
    text = JSON.stringify(params);
    headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${req.action}` };
  } else {
    let flat: Record<string, string>;
    try {
      flat = toQueryParams(req.action, params);
    } catch {
      flat = {};
      for (const [k, v] of Object.entries(params)) genericFlatten(flat, k, v);
    }
    const form = new URLSearchParams();
    form.append('Action', req.action);
    form.append('Version', '2012-11-05');
    for (const [k, v] of Object.entries(flat)) form.append(k, v);
    text = form.toString();
    headers = { 'content-type': 'application/x-www-form-urlencoded' };
  }
  let bytes = Buffer.from(text, 'utf8');
  const d = req.damage;
  if (d && bytes.length > 0) {
    const at = d.at % bytes.length;
    if (d.kind === 'truncate') bytes = bytes.subarray(0, at);
    else if (d.kind === 'flip') bytes[at] = d.byte;
    else bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([d.byte]), bytes.subarray(at)]);
  }
  return { headers, body: bytes };
}

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

async function send(req: Req): Promise<Answer> {
  const { headers, body } = encode(req);
  const pending = fetch(server.url + '/', { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) }).then(async (res) => ({
    status: res.status,
    headers: res.headers,
    text: await res.text(),
  }));
  // A long poll on the manual clock waits until time moves: move it past any wait.
  let settled = false;
  void pending.finally(() => (settled = true)).catch(() => {});
  for (let i = 0; i < 50 && !settled; i++) {
    await new Promise((r) => setTimeout(r, i < 5 ? 2 : 20));
    if (!settled && i >= 5 && server.engine.listQueues(SCOPE.region, SCOPE.accountId).some((q) => server.engine.stats(q).waitingReceives > 0)) server.clock.advance(21_000);
  }
  return pending;
}

// ---- checks -------------------------------------------------------------------------------

/** Answers by action and status: FUZZ_STATS=1 prints them (to see the fuzzing reaches successes, not only errors). */
const stats = new Map<string, number>();
afterAll(() => {
  if (process.env.FUZZ_STATS) console.log([...stats].sort().map(([k, n]) => `${k}: ${n}`).join('\n'));
});

function checkAnswer(req: Req, res: Answer): void {
  const key = `${req.action} ${res.status}`;
  stats.set(key, (stats.get(key) ?? 0) + 1);
  const where = `${req.protocol} ${req.action} → ${res.status} ${res.text.slice(0, 300)}`;
  if (res.status >= 500 || res.status < 200) throw new Error(`server error: ${where}`);
  if (!res.headers.get('x-amzn-requestid')) throw new Error(`no request id: ${where}`);
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  if (isJson) {
    const parsed = JSON.parse(res.text === '' ? '{}' : res.text) as Record<string, unknown>;
    if (res.status >= 400) {
      if (typeof parsed.__type !== 'string') throw new Error(`JSON error without __type: ${where}`);
      if (!/^[A-Za-z0-9.]+;(Sender|Receiver)$/.test(res.headers.get('x-amzn-query-error') ?? '')) throw new Error(`bad x-amzn-query-error: ${where}`);
    }
  } else {
    if (XMLValidator.validate(res.text) !== true) throw new Error(`invalid XML: ${where}`);
    const doc = xml.parse(res.text) as Record<string, any>;
    if (res.status >= 400 && !doc.ErrorResponse?.Error?.Code) throw new Error(`XML error without Code: ${where}`);
  }
  collectHandles(res.text, isJson);
}

function collectHandles(text: string, isJson: boolean): void {
  const re = isJson ? /"ReceiptHandle":"([^"]+)"/g : /<ReceiptHandle>([^<]+)<\/ReceiptHandle>/g;
  for (const m of text.matchAll(re)) {
    handles.push(m[1]!);
    if (handles.length > 50) handles.shift();
  }
}

function checkInvariants(received: Set<string>): void {
  for (const queue of server.engine.listQueues(SCOPE.region, SCOPE.accountId)) {
    const messages = server.engine.peek(queue);
    const stats = server.engine.stats(queue);
    const counts = { ready: 0, inflight: 0, delayed: 0 };
    const ids = new Set<string>();
    for (const m of messages) {
      counts[m.state]++;
      if (ids.has(m.data.id)) throw new Error(`${queue.name}: message ${m.data.id} stored twice`);
      ids.add(m.data.id);
    }
    const reported = {
      ready: stats.visible,
      inflight: stats.inflight,
      delayed: stats.delayed,
    };
    if (JSON.stringify(counts) !== JSON.stringify(reported)) {
      throw new Error(`${queue.name}: counts ${JSON.stringify(reported)} but messages ${JSON.stringify(counts)}`);
    }
    if (!queue.fifo) continue;
    // FIFO, locked by position (F128, F129): a receive returns a group's messages from its head,
    // so every stored message ahead of one just delivered was delivered by the same receive.
    const byGroup = new Map<string, typeof messages>();
    for (const m of messages) {
      const g = m.data.groupId ?? '';
      if (!byGroup.has(g)) byGroup.set(g, []);
      byGroup.get(g)!.push(m);
    }
    for (const [g, list] of byGroup) {
      list.sort((a, b) => (BigInt(a.data.sequenceNumber ?? '0') < BigInt(b.data.sequenceNumber ?? '0') ? -1 : 1));
      let seenJustReceived = false;
      for (let i = list.length - 1; i >= 0; i--) {
        const m = list[i]!;
        if (received.has(m.data.id)) seenJustReceived = true;
        else if (seenJustReceived) {
          throw new Error(`${queue.name}: group ${g} delivered a newer message past ${m.data.id} (older, ${m.state})`);
        }
      }
    }
  }
}

function receivedIds(res: Answer): Set<string> {
  return new Set([...res.text.matchAll(/"MessageId":"([^"]+)"|<MessageId>([^<]+)<\/MessageId>/g)].map((m) => (m[1] ?? m[2])!));
}

async function alive(): Promise<void> {
  const res = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(2_000) });
  if (res.status !== 200) throw new Error(`health answered ${res.status}`);
  if (complaints.length > 0) throw new Error(`server logged: ${complaints.join('\n')}`);
}

const step = fc.oneof({ weight: 12, arbitrary: request.map((r) => ({ request: r })) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 40_000 }).map((ms) => ({ advance: ms })) });

test(`generated and mutated request sequences over both protocols (${RUNS} runs, seed ${SEED})`, async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
      await resetQueues();
      for (const s of steps) {
        if ('advance' in s) {
          server.clock.advance(s.advance);
          checkInvariants(new Set());
          continue;
        }
        const res = await send(s.request);
        checkAnswer(s.request, res);
        checkInvariants(res.status === 200 && s.request.action === 'ReceiveMessage' ? receivedIds(res) : new Set());
      }
      await alive();
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
}, TIMEOUT);

test(`raw bytes as bodies, headers and query strings (${RUNS} runs)`, async () => {
  const targets = fc.constantFrom('AmazonSQS.ListQueues', 'AmazonSQS.SendMessage', 'AmazonSQS.', '', 'x'.repeat(200));
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 400 }),
      fc.constantFrom('application/x-amz-json-1.0', 'application/x-www-form-urlencoded', 'application/json', 'text/plain', ''),
      targets,
      fc.string({ maxLength: 60 }),
      async (bytes, contentType, target, query) => {
        const headers: Record<string, string> = {};
        if (contentType) headers['content-type'] = contentType;
        if (target) headers['x-amz-target'] = target;
        const res = await fetch(`${server.url}/?${encodeURI(query)}`, { method: 'POST', headers, body: bytes, signal: AbortSignal.timeout(10_000) });
        const answer = { status: res.status, headers: res.headers, text: await res.text() };
        checkAnswer({ protocol: 'json', action: 'raw', params: {} }, answer);
        checkInvariants(new Set());
      },
    ),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  await alive();
}, TIMEOUT);
