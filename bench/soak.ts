/**
 * Soak (issue 9): mixed load with misbehaving consumers against the emulator in a child
 * process, for a bounded time, then a drain and a verdict.
 *
 *   npm run soak [-- --minutes 10] [-- --rate 300] [-- --durable] [-- --json results.json]
 *
 * Load, over 127.0.0.1 with keep-alive: producers (JSON SendMessage/SendMessageBatch, one over
 * the query protocol) at `--rate` messages per second in total into a standard queue with a
 * dead-letter queue, a plain standard queue and a FIFO queue; well-behaved consumers (long
 * poll, delete in batches); and misbehaving ones: consumers that never delete, consumers that
 * cut their long polls mid-wait, and a slow consumer that deletes after its visibility timeout
 * has run out (a stale handle).
 *
 * One queue (`soak-lambda`) is consumed only by an event-source mapping of the emulator whose
 * target is this process's loopback HTTP handler (a mapping in the child's config file; an
 * in-process function target cannot cross the process boundary): the handler records each
 * record as a delivery, reports every seventh message failed on its first receive
 * (ReportBatchItemFailures) and counts the others deleted when it answers.
 *
 * Report: messages sent (acknowledged), deliveries received, deleted (acknowledged deletes of
 * distinct messages), lost (acknowledged sends never deleted after the drain; must be 0),
 * duplicates outside the visibility rules (a message delivered again while an earlier
 * delivery's visibility surely still ran, or after its delete was acknowledged; must be 0),
 * FIFO order violations, errors by code, and the emulator's RSS at start, peak and end.
 * Exit code 1 when lost, duplicates or FIFO violations are not 0.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const MINUTES = Number(arg('--minutes', '10'));
const RATE = Number(arg('--rate', '300'));
const DURABLE = args.includes('--durable');
const JSON_OUT = args.includes('--json') ? arg('--json', '') : undefined;
if (!(MINUTES > 0 && MINUTES <= 120)) throw new Error('--minutes must be in (0, 120]');
if (!(RATE > 0 && RATE <= 5_000)) throw new Error('--rate must be in (0, 5000]');
const root = fileURLToPath(new URL('..', import.meta.url));

// ---- the emulator --------------------------------------------------------------------------

const dataDir = DURABLE ? mkdtempSync(join(tmpdir(), 'sqs-soak-')) : undefined;
process.on('exit', () => dataDir && rmSync(dataDir, { recursive: true, force: true }));
// The event-source mapping's target: records deliveries (see "bookkeeping"), answers at once.
const lambdaTarget = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (d: Buffer) => chunks.push(d));
  req.on('end', () => {
    const records = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Records: any[] }).Records;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ batchItemFailures: lambdaInvoked(records).map((itemIdentifier: string) => ({ itemIdentifier })) }));
  });
});
await new Promise<void>((r) => lambdaTarget.listen(0, '127.0.0.1', r));
lambdaTarget.unref();
const configDir = mkdtempSync(join(tmpdir(), 'sqs-soak-config-'));
process.on('exit', () => rmSync(configDir, { recursive: true, force: true }));
const configPath = join(configDir, 'soak.json');
writeFileSync(
  configPath,
  JSON.stringify({
    queues: [{ name: 'soak-lambda', attributes: { VisibilityTimeout: 3 } }],
    eventSourceMappings: [
      {
        queueName: 'soak-lambda',
        target: { url: `http://127.0.0.1:${(lambdaTarget.address() as { port: number }).port}/` },
        batchSize: 10,
        functionResponseTypes: ['ReportBatchItemFailures'],
        functionTimeout: 3,
      },
    ],
  }),
);
const child = spawn(
  process.execPath,
  ['--trace-gc', 'dist/cli.js', '--port', '0', '--log-level', 'warn', '--no-console', '--config', configPath, ...(dataDir ? ['--data-dir', dataDir, '--persistence', 'durable'] : [])],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);
process.on('exit', () => child.exitCode === null && child.kill('SIGKILL'));
const base: string = await new Promise((resolve, reject) => {
  let out = '';
  const onData = (d: Buffer): void => {
    out += d.toString();
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) {
      child.stdout!.off('data', onData);
      resolve(m[1]!);
    }
  };
  child.stdout!.on('data', onData);
  child.once('exit', (code) => reject(new Error(`emulator exited ${code}`)));
  setTimeout(() => reject(new Error('emulator did not start')), 20_000).unref();
});
const url = new URL(base);

/** Live heap after each full (mark-compact) collection, from --trace-gc: a leak shows as a rising floor. */
const heapAfterFullGc: { at: number; mib: number }[] = [];
let gcLine = '';
child.stdout!.on('data', (d: Buffer) => {
  gcLine += d.toString();
  const lines = gcLine.split('\n');
  gcLine = lines.pop()!;
  for (const line of lines) {
    const m = /Mark-Compact[^>]*-> ([\d.]+) \(/.exec(line);
    if (m) heapAfterFullGc.push({ at: Date.now(), mib: Number(m[1]) });
  }
});

function rssBytes(): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

// ---- a lean client -------------------------------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const errors = new Map<string, number>();
let requests = 0;

interface Answer {
  status: number;
  body: string;
}

function call(headers: Record<string, string>, body: string, timeoutMs?: number): Promise<Answer> {
  requests++;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: 'POST', path: '/', agent: timeoutMs ? false : agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const answer = { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() };
          if (answer.status !== 200) {
            const code = /"__type":"[^"]*#([^"]+)"|<Code>([^<]+)<\/Code>/.exec(answer.body);
            const key = `${answer.status} ${code?.[1] ?? code?.[2] ?? '?'}`;
            errors.set(key, (errors.get(key) ?? 0) + 1);
          }
          resolve(answer);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (timeoutMs) req.setTimeout(timeoutMs, () => req.destroy(new Error('cut')));
    req.end(body);
  });
}

const sqs = async (action: string, input: unknown, cutAfterMs?: number): Promise<any> => {
  const res = await call({ 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` }, JSON.stringify(input), cutAfterMs);
  return res.status === 200 ? JSON.parse(res.body) : undefined;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- bookkeeping ---------------------------------------------------------------------------

interface Delivery {
  /** Client clock when the receive was sent: the server took the message no earlier. */
  requestedAt: number;
  visibilityMs: number;
}

const acked = new Map<string, string>(); // MessageId -> queue
const deletedAt = new Map<string, number>(); // MessageId -> when its delete was acknowledged
const lastDelivery = new Map<string, Delivery>();
const fifoLast = new Map<string, bigint>(); // group -> highest sequence number deleted in order
let deliveries = 0;
const misbehaviour = { cutPolls: 0, deliveriesNeverDeleted: 0, lateDeletes: 0 };
let duplicates = 0;
let fifoViolations = 0;
const duplicateExamples: string[] = [];

/** Checks a receive's messages against the visibility rules; records the deliveries. */
function delivered(queue: string, messages: any[] | undefined, requestedAt: number, answeredAt: number, visibilityMs: number): any[] {
  const list = messages ?? [];
  const seqByGroup = new Map<string, bigint>();
  for (const m of list) {
    deliveries++;
    const id = m.MessageId as string;
    const prev = lastDelivery.get(id);
    // Surely inside the earlier delivery's visibility: answered before it could have ended.
    if (prev && answeredAt < prev.requestedAt + prev.visibilityMs - 50) {
      duplicates++;
      if (duplicateExamples.length < 5) duplicateExamples.push(`${id} again ${prev.requestedAt + prev.visibilityMs - answeredAt} ms early`);
    }
    const deleted = deletedAt.get(id);
    if (deleted !== undefined && requestedAt > deleted) {
      duplicates++;
      if (duplicateExamples.length < 5) duplicateExamples.push(`${id} delivered after its delete`);
    }
    lastDelivery.set(id, { requestedAt, visibilityMs });
    if (queue.endsWith('.fifo')) {
      const group = m.Attributes?.MessageGroupId as string;
      const seq = BigInt(m.Attributes?.SequenceNumber ?? '0');
      const before = seqByGroup.get(group);
      if (before !== undefined && seq <= before) fifoViolations++;
      seqByGroup.set(group, seq);
    }
  }
  return list;
}

/**
 * The mapping's invocations: each record is a delivery; the ids returned are reported failed
 * (every seventh message, on its first receive), the others count as deleted now. The
 * invocation reaches us some milliseconds after the receive, so a second of the visibility
 * timeout is left as slack before a redelivery counts as a duplicate.
 */
let lambdaInvocations = 0;
function lambdaInvoked(records: any[]): string[] {
  lambdaInvocations++;
  const now = Date.now();
  const failed: string[] = [];
  delivered('soak-lambda', records.map((r) => ({ MessageId: r.messageId })), now, now, VISIBILITY_MS - 1_000);
  for (const r of records) {
    if (r.attributes.ApproximateReceiveCount === '1' && parseInt(String(r.messageId).slice(0, 8), 16) % 7 === 0) failed.push(r.messageId);
    else deletedAt.set(r.messageId, now);
  }
  return failed;
}

// ---- queues --------------------------------------------------------------------------------

const dlq = (await sqs('CreateQueue', { QueueName: 'soak-dlq', Attributes: { VisibilityTimeout: '3' } })).QueueUrl as string;
const dlqArn = (await sqs('GetQueueAttributes', { QueueUrl: dlq, AttributeNames: ['QueueArn'] })).Attributes.QueueArn as string;
const withDlq = (await sqs('CreateQueue', {
  QueueName: 'soak-redrive',
  Attributes: { VisibilityTimeout: '3', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 4 }) },
})).QueueUrl as string;
const plain = (await sqs('CreateQueue', { QueueName: 'soak-plain', Attributes: { VisibilityTimeout: '3' } })).QueueUrl as string;
const fifo = (await sqs('CreateQueue', { QueueName: 'soak.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true', VisibilityTimeout: '3' } })).QueueUrl as string;
const sources = [withDlq, plain, fifo];
const lambdaQueue = (await sqs('GetQueueUrl', { QueueName: 'soak-lambda' })).QueueUrl as string;
/** Where producers send: the soak's consumers' queues and the mapping's. */
const sendTo = [...sources, lambdaQueue];

// ---- workers -------------------------------------------------------------------------------

let producing = true;
let misbehaving = true;
let consuming = true;
let sequence = 0;

async function producer(w: number, perSecond: number, query: boolean): Promise<void> {
  const started = Date.now();
  let sent = 0;
  while (producing) {
    const due = started + (sent / perSecond) * 1000;
    if (Date.now() < due) await sleep(due - Date.now());
    const queueUrl = sendTo[sent % sendTo.length]!;
    const batch = sent % 4 === 0;
    const n = batch ? 10 : 1;
    const group = (i: number) => ({ MessageGroupId: `g${(w * 10 + i) % 7}` });
    try {
      if (query) {
        const form = new URLSearchParams({ Action: 'SendMessage', QueueUrl: queueUrl, MessageBody: `q${w}-${sequence++}`, ...(queueUrl === fifo ? group(0) : {}) });
        const res = await call({ 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
        const id = /<MessageId>([^<]+)<\/MessageId>/.exec(res.body)?.[1];
        if (res.status === 200 && id) acked.set(id, queueUrl);
      } else if (batch) {
        const Entries = Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, MessageBody: `b${w}-${sequence++}`, ...(queueUrl === fifo ? group(i) : {}) }));
        const out = await sqs('SendMessageBatch', { QueueUrl: queueUrl, Entries });
        for (const s of out?.Successful ?? []) acked.set(s.MessageId, queueUrl);
      } else {
        const out = await sqs('SendMessage', { QueueUrl: queueUrl, MessageBody: `s${w}-${sequence++}`, ...(queueUrl === fifo ? group(0) : {}) });
        if (out) acked.set(out.MessageId, queueUrl);
      }
    } catch {
      errors.set('producer connection error', (errors.get('producer connection error') ?? 0) + 1);
    }
    sent += n;
  }
}

const VISIBILITY_MS = 3_000;

async function receive(queueUrl: string, wait: number, visibility?: number, cutAfterMs?: number): Promise<any[]> {
  const requestedAt = Date.now();
  const input = { QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: wait, MessageSystemAttributeNames: ['All'], ...(visibility !== undefined ? { VisibilityTimeout: visibility } : {}) };
  let out: any;
  try {
    out = await sqs('ReceiveMessage', input, cutAfterMs);
  } catch {
    return []; // a cut poll: whatever the server took for it is its business to give back
  }
  return delivered(queueUrl, out?.Messages, requestedAt, Date.now(), (visibility ?? VISIBILITY_MS / 1000) * 1000);
}

async function deleteAll(queueUrl: string, messages: any[]): Promise<void> {
  if (messages.length === 0) return;
  const out = await sqs('DeleteMessageBatch', { QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) });
  const now = Date.now();
  for (const s of out?.Successful ?? []) {
    const m = messages[Number(s.Id.slice(1))];
    deletedAt.set(m.MessageId, now);
  }
}

async function goodConsumer(queueUrl: string): Promise<void> {
  while (consuming) {
    try {
      await deleteAll(queueUrl, await receive(queueUrl, 1));
    } catch {
      await sleep(10);
    }
  }
}

/** Receives with a short visibility and never deletes: messages come back, some reach the DLQ. */
async function neverDeletes(queueUrl: string): Promise<void> {
  while (misbehaving) {
    misbehaviour.deliveriesNeverDeleted += (await receive(queueUrl, 1, 1).catch(() => [])).length;
    await sleep(200);
  }
}

/** Long polls cut after 50-500 ms (a client timing out or dying mid-wait). */
async function cutsPolls(queueUrl: string): Promise<void> {
  while (misbehaving) {
    misbehaviour.cutPolls++;
    await receive(queueUrl, 20, undefined, 50 + Math.floor(Math.random() * 450));
  }
}

/** Deletes after its visibility has run out: a stale handle (still deletes on a standard queue). */
async function slowConsumer(queueUrl: string): Promise<void> {
  while (misbehaving) {
    const got = await receive(queueUrl, 1, 1).catch(() => []);
    await sleep(1_200);
    misbehaviour.lateDeletes += got.length;
    try {
      await deleteAll(queueUrl, got);
    } catch {
      /* next round */
    }
  }
}

// ---- run -----------------------------------------------------------------------------------

const durationMs = MINUTES * 60_000;
const startedAt = Date.now();
const rss = { start: rssBytes(), peak: 0, end: 0, samples: [] as number[] };
const sampler = setInterval(() => {
  const r = rssBytes();
  rss.peak = Math.max(rss.peak, r);
  rss.samples.push(r);
}, 5_000);
const progress = setInterval(() => {
  const s = Math.round((Date.now() - startedAt) / 1000);
  process.stderr.write(`soak ${s}s: sent ${acked.size}, deliveries ${deliveries}, deleted ${deletedAt.size}, rss ${(rssBytes() / 2 ** 20).toFixed(0)} MiB\n`);
}, 30_000);

const producers = [producer(0, RATE * 0.45, false), producer(1, RATE * 0.45, false), producer(2, RATE * 0.1, true)];
const good = [...sources, dlq].flatMap((q) => [goodConsumer(q), goodConsumer(q)]);
const bad = [neverDeletes(withDlq), neverDeletes(withDlq), neverDeletes(plain), cutsPolls(withDlq), cutsPolls(plain), cutsPolls(fifo), cutsPolls(dlq), slowConsumer(plain), slowConsumer(fifo)];

await sleep(durationMs);
producing = false;
misbehaving = false;
await Promise.all([...producers, ...bad]);
const loadEndedAt = Date.now();
clearInterval(sampler);
rss.end = rssBytes();

// Drain: the good consumers run until every queue is empty (or two minutes pass).
const drainDeadline = Date.now() + 120_000;
async function remaining(): Promise<number> {
  let total = 0;
  for (const q of [...sources, dlq, lambdaQueue]) {
    const a = (await sqs('GetQueueAttributes', { QueueUrl: q, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }))?.Attributes ?? {};
    total += Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible) + Number(a.ApproximateNumberOfMessagesDelayed);
  }
  return total;
}
let left = await remaining();
while (left > 0 && Date.now() < drainDeadline) {
  await sleep(500);
  left = await remaining();
}
consuming = false;
await Promise.all(good);
clearInterval(sampler);
clearInterval(progress);
const rssAfterDrain = rssBytes();

const lost = [...acked.keys()].filter((id) => !deletedAt.has(id));
const report = {
  minutes: MINUTES,
  rate: RATE,
  persistence: DURABLE ? 'durable' : 'memory',
  sent: acked.size,
  received: deliveries,
  eventSourceMappingInvocations: lambdaInvocations,
  deleted: deletedAt.size,
  lost: lost.length,
  duplicatesOutsideVisibility: duplicates,
  fifoOrderViolations: fifoViolations,
  leftInQueues: left,
  drainSeconds: Math.round((Date.now() - loadEndedAt) / 1000),
  requests,
  misbehaviour,
  errors: Object.fromEntries([...errors].sort()),
  rssMiB: {
    start: +(rss.start / 2 ** 20).toFixed(1),
    peak: +(rss.peak / 2 ** 20).toFixed(1),
    endOfLoad: +(rss.end / 2 ** 20).toFixed(1),
    afterDrain: +(rssAfterDrain / 2 ** 20).toFixed(1),
    /** RSS at each fifth of the load: flat means stable. */
    profile: [0.2, 0.4, 0.6, 0.8, 1].map((f) => +((rss.samples[Math.max(0, Math.ceil(rss.samples.length * f) - 1)] ?? 0) / 2 ** 20).toFixed(1)),
  },
  /** Live heap (MiB) after the full collections of each fifth of the load: the floor a leak would raise. */
  heapAfterFullGcMiB: [0.2, 0.4, 0.6, 0.8, 1].map((f, i, all) => {
    const from = startedAt + durationMs * (i === 0 ? 0 : all[i - 1]!);
    const to = startedAt + durationMs * f;
    const inFifth = heapAfterFullGc.filter((g) => g.at >= from && g.at < to).map((g) => g.mib);
    return inFifth.length ? Math.min(...inFifth) : null;
  }),
  fullGcs: heapAfterFullGc.length,
  ...(duplicateExamples.length ? { duplicateExamples } : {}),
  ...(lost.length ? { lostExamples: lost.slice(0, 5) } : {}),
};
console.log(JSON.stringify(report, null, 2));
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(report, null, 2) + '\n');
child.kill('SIGTERM');
agent.destroy();
process.exitCode = report.lost === 0 && report.duplicatesOutsideVisibility === 0 && report.fifoOrderViolations === 0 ? 0 : 1;
