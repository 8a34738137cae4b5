/**
 * Benchmark runner (issues 5 and 8). Throughput scenarios run the emulator in memory, with
 * `--persistence snapshot` and `durable`; then start-up time, persistence at scale (restart with
 * 1,000,000 messages after SIGTERM and kill -9, answer delays while snapshots are written) and
 * heap bytes per stored message (bench/heap.ts). Each server runs in its own process: the emulator (node dist/cli.js), fauxqs 1.9.2 (devDependency)
 * a bare node:http floor (one MD5 per request, a fixed answer) and an answering floor (per message one MD5
 * and one MessageId in a correct answer, nothing stored: `floor-answer`). A lean client (keep-alive agent, pre-encoded JSON-protocol bodies,
 * bounded concurrency) drives them over 127.0.0.1. Emulator and fauxqs passes alternate (A B A B).
 * Fair queues (issue 16): dwell of quiet tenants' messages behind a noisy tenant's backlog, and a
 * receive on a deep backlog spread over 10,000 tenants against the same backlog without groups.
 *   npm run bench [-- --quick] [-- --rounds 3] [-- --only SendMessage,Persistence,Startup,Heap,Fair,idle] [-- --baseline DIR] [-- --servers emulator,baseline]
 * `--baseline DIR`: a built checkout of another version (its dist/cli.js) runs as server `baseline`
 * beside `emulator` in every scenario the in-memory emulator runs, alternating, so a change is
 * measured against what it replaces in the same run (ratio `cpuRatioVsBaseline`); its durable variant
 * `baseline-durable` runs beside `emulator-durable`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { agent, jsonCall } from './client.js';
import { median, medianRatio, parseProcStatTicks, percentile, ratioSpread } from './stats.js';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const ROUNDS = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : QUICK ? 2 : 3;
/** `--only Send` runs the scenarios whose name contains one of the comma-separated words. */
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1]!.split(',') : undefined;
/** `--servers emulator,baseline` runs only those servers in the alternating scenarios (a focused A/B). */
const SERVERS = args.includes('--servers') ? args[args.indexOf('--servers') + 1]!.split(',') : undefined;
const BASELINE = args.includes('--baseline') ? resolvePath(args[args.indexOf('--baseline') + 1]!) : undefined;
const TICK_US = 1e6 / 100; // CLK_TCK is 100 on Linux
const root = fileURLToPath(new URL('..', import.meta.url));
const BODY = 'x'.repeat(100);

interface Server { name: string; url: URL; proc: ChildProcess; pid: number; startMs: number }

/** Data directories of the persistence variants, removed at exit. */
const dataDirs: string[] = [];
process.on('exit', () => { for (const d of dataDirs) rmSync(d, { recursive: true, force: true }); });
const newDataDir = () => { const d = mkdtempSync(join(tmpdir(), 'sqs-bench-')); dataDirs.push(d); return d; };

/**
 * `emulator` (memory only), `emulator-snapshot` and `emulator-durable` (a fresh data
 * directory unless `dataDir` is given), `fauxqs` or `floor`.
 */
async function startServer(name: string, dataDir?: string, extra: string[] = []): Promise<Server> {
  const mode = /^(?:emulator|baseline)-(snapshot|durable)$/.exec(name)?.[1];
  const script = name.startsWith('emulator') || name.startsWith('baseline')
    ? ['dist/cli.js', '--port', '0', '--log-level', 'error', ...(mode ? ['--data-dir', dataDir ?? newDataDir(), '--persistence', mode] : []), ...extra]
    : name === 'floor-store-durable' ? ['bench/servers/floor-store.mjs', '--data-dir', dataDir ?? newDataDir()]
      : [`bench/servers/${name}.mjs`];
  const t0 = performance.now();
  const cwd = name.startsWith('baseline') ? BASELINE! : root;
  const proc = spawn(process.execPath, script, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<URL>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /(http:\/\/[^\s)]+)/.exec(out);
      if (m) resolve(new URL(m[1]!.replace('localhost', '127.0.0.1').replace('0.0.0.0', '127.0.0.1')));
    });
    proc.on('exit', (code) => reject(new Error(`${name} exited ${code}: ${out}`)));
  });
  return { name, url, proc, pid: proc.pid!, startMs: performance.now() - t0 };
}
const stop = (s: Server, signal: NodeJS.Signals = 'SIGKILL') => new Promise<void>((r) => { s.proc.once('exit', () => r()); s.proc.kill(signal); });

const cpuTicks = (pid: number) => parseProcStatTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
const rssBytes = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

const call = (s: Server, target: string, body: string | Buffer): Promise<any> => jsonCall(s.url.port, target, body, s.name);

/** Runs `op` with `concurrency` workers until `count` ops or `ms` elapse; returns per-op latencies (ms). */
async function drive(concurrency: number, count: number, ms: number, op: (i: number) => Promise<unknown>, done = () => false) {
  const lat: number[] = [];
  let next = 0;
  const deadline = performance.now() + ms;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count && performance.now() < deadline && !done()) {
      const i = next++;
      const t = performance.now();
      await op(i);
      lat.push(performance.now() - t);
    }
  }));
  return lat;
}

interface Result { msgsPerSec: number; p50: number; p99: number; cpuUsPerMsg: number; rssMB: number; bytesPerMsg?: number; messages: number; note?: string }

async function measure(s: Server, setup: () => Promise<void>, run: () => Promise<{ lat: number[]; messages: number }>): Promise<Result> {
  await setup();
  const c0 = cpuTicks(s.pid);
  const t0 = performance.now();
  const { lat, messages } = await run();
  const secs = (performance.now() - t0) / 1000;
  const c1 = cpuTicks(s.pid);
  return {
    msgsPerSec: Math.round(messages / secs), p50: +percentile(lat, 50).toFixed(3), p99: +percentile(lat, 99).toFixed(3),
    cpuUsPerMsg: +(((c1 - c0) * TICK_US) / Math.max(1, messages)).toFixed(1), rssMB: +(rssBytes(s.pid) / 2 ** 20).toFixed(1), messages,
  };
}

let qn = 0;
async function createQueue(s: Server, fifo = false): Promise<string> {
  const name = `bench-${process.pid}-${qn++}${fifo ? '.fifo' : ''}`;
  const r = await call(s, 'CreateQueue', JSON.stringify({ QueueName: name, Attributes: fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {} }));
  return r.QueueUrl;
}
const enc = (o: unknown) => Buffer.from(JSON.stringify(o));
const batchOf = (q: string, n: number, extra: (j: number) => object = () => ({})) =>
  enc({ QueueUrl: q, Entries: Array.from({ length: n }, (_, j) => ({ Id: `m${j}`, MessageBody: BODY, ...extra(j) })) });

async function fill(s: Server, q: string, n: number) {
  const body = batchOf(q, 10);
  await drive(16, Math.ceil(n / 10), 10 * 60_000, () => call(s, 'SendMessageBatch', body));
}

/**
 * `warm`: batches (SendMessage: ten times as many requests) sent to each server before its
 * send scenarios measure, so that they measure the steady state of a running server, not its
 * first requests (code not yet optimised, a journal just opened).
 */
const N = QUICK ? { warm: 200, persisted: 100_000, send: 3000, batch: 1500, drain: 10_000, poll: 50, fifo: 3000, queues: 300, backlog: 100_000, fauxBacklog: 100_000, backRecv: 500 }
  : { warm: 500, persisted: 1_000_000, send: 10_000, batch: 4000, drain: 30_000, poll: 1000, fifo: 10_000, queues: 10_000, backlog: 1_000_000, fauxBacklog: 200_000, backRecv: 2000 };
const TIME = QUICK ? 8000 : 20_000;
const CONC = 12;

type Scenario = { name: string; servers: string[]; run: (s: Server) => Promise<Result> };
const scenarios: Scenario[] = [
  { name: 'SendMessage', servers: ['emulator', 'fauxqs', 'floor', 'floor-answer', 'emulator-snapshot', 'emulator-durable'], run: async (s) => {
    let q = ''; let body = Buffer.alloc(0);
    return measure(s, async () => {
      q = s.name.startsWith('floor') ? 'q' : await createQueue(s); body = enc({ QueueUrl: q, MessageBody: BODY });
      await drive(CONC, N.warm * 10, TIME, () => call(s, 'SendMessage', body));
    },
      async () => { const lat = await drive(CONC, N.send, TIME, () => call(s, 'SendMessage', body)); return { lat, messages: lat.length }; });
  } },
  { name: 'SendMessageBatch x10', servers: ['emulator', 'fauxqs', 'floor', 'floor-answer', 'floor-store', 'emulator-snapshot', 'emulator-durable', 'floor-store-durable'], run: async (s) => {
    let body = Buffer.alloc(0);
    return measure(s, async () => {
      body = batchOf(s.name.startsWith('floor') ? 'q' : await createQueue(s), 10);
      await drive(CONC, N.warm, TIME, () => call(s, 'SendMessageBatch', body));
    },
      async () => { const lat = await drive(CONC, N.batch, TIME, () => call(s, 'SendMessageBatch', body)); return { lat, messages: lat.length * 10 }; });
  } },
  { name: 'Receive+DeleteBatch drain', servers: ['emulator', 'fauxqs', 'emulator-durable'], run: async (s) => {
    let q = ''; let recv = Buffer.alloc(0); let got = 0;
    return measure(s, async () => { q = await createQueue(s); await fill(s, q, N.drain); recv = enc({ QueueUrl: q, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }); },
      async () => {
        const lat = await drive(CONC, Infinity, TIME, async () => {
          const r = await call(s, 'ReceiveMessage', recv);
          const m = r.Messages ?? [];
          if (m.length === 0) return;
          got += m.length;
          await call(s, 'DeleteMessageBatch', enc({ QueueUrl: q, Entries: m.map((x: any, j: number) => ({ Id: `d${j}`, ReceiptHandle: x.ReceiptHandle })) }));
        }, () => got >= N.drain);
        return { lat, messages: got };
      }).then((r) => ({ ...r, note: `${r.messages} of ${N.drain} drained` }));
  } },
  { name: 'Long-poll send->receive', servers: ['emulator', 'fauxqs'], run: async (s) => {
    let q = '';
    return measure(s, async () => { q = await createQueue(s); }, async () => {
      const lat: number[] = [];
      const recv = enc({ QueueUrl: q, MaxNumberOfMessages: 1, WaitTimeSeconds: 5 });
      const send = enc({ QueueUrl: q, MessageBody: BODY });
      const end = performance.now() + TIME;
      for (let i = 0; i < N.poll && performance.now() < end; i++) {
        const p = call(s, 'ReceiveMessage', recv);
        await new Promise((z) => setTimeout(z, 5)); // let the receive park
        const t = performance.now();
        await call(s, 'SendMessage', send);
        const r = await p;
        lat.push(performance.now() - t);
        const m = r.Messages?.[0];
        if (m) await call(s, 'DeleteMessage', enc({ QueueUrl: q, ReceiptHandle: m.ReceiptHandle }));
      }
      return { lat, messages: lat.length };
    });
  } },
  { name: 'FIFO 1000 groups send+recv', servers: ['emulator', 'fauxqs'], run: async (s) => {
    let q = '';
    return measure(s, async () => { q = await createQueue(s, true); }, async () => {
      const lat = await drive(CONC, N.fifo / 10, TIME, (i) => call(s, 'SendMessageBatch',
        batchOf(q, 10, (j) => ({ MessageGroupId: `g${(i * 10 + j) % 1000}`, MessageDeduplicationId: `d${i}-${j}` }))));
      const recv = enc({ QueueUrl: q, MaxNumberOfMessages: 10, VisibilityTimeout: 60 });
      let got = 0;
      const lat2 = await drive(CONC, N.fifo / 10, TIME, async () => { const r = await call(s, 'ReceiveMessage', recv); got += r.Messages?.length ?? 0; });
      return { lat: lat.concat(lat2), messages: lat.length * 10 + got };
    });
  } },
  { name: 'Create/List/Delete queues', servers: ['emulator', 'fauxqs'], run: async (s) => {
    return measure(s, async () => {}, async () => {
      const urls: string[] = [];
      const pre = `cq${process.pid}x${qn++}`;
      const lat = await drive(CONC, N.queues, TIME, async (i) => { urls.push((await call(s, 'CreateQueue', enc({ QueueName: `${pre}-${i}` }))).QueueUrl); });
      const t = performance.now();
      await call(s, 'ListQueues', enc({ QueueNamePrefix: pre, MaxResults: 1000 }));
      lat.push(performance.now() - t);
      lat.push(...await drive(CONC, urls.length, TIME, (i) => call(s, 'DeleteQueue', enc({ QueueUrl: urls[i] }))));
      return { lat, messages: urls.length * 2 + 1 };
    });
  } },
];

const backlogScenario: Scenario = { name: 'Receive on deep backlog', servers: ['emulator', 'fauxqs'], run: async (s) => {
  let q = ''; let rss0 = 0; let rss1 = 0; const n = s.name === 'fauxqs' ? N.fauxBacklog : N.backlog;
  const r = await measure(s, async () => {
    q = await createQueue(s); rss0 = rssBytes(s.pid); await fill(s, q, n); rss1 = rssBytes(s.pid);
  }, async () => {
    const recv = enc({ QueueUrl: q, MaxNumberOfMessages: 1, VisibilityTimeout: 600 });
    const lat = await drive(1, N.backRecv, TIME, () => call(s, 'ReceiveMessage', recv));
    return { lat, messages: lat.length };
  });
  return { ...r, bytesPerMsg: Math.round((rss1 - rss0) / n), note: `${n} x ${BODY.length}-byte messages, bytes/msg is RSS growth incl. body` };
} };

/**
 * Fair queues. Dwell: a noisy tenant with a deep backlog and 30 in flight; then, many times,
 * a quiet tenant sends one message, the next receive must return it (dwell = 1 receive), and it
 * is deleted. Latency is send + receive. Deep backlog: the backlog scenario's receive, once on messages
 * spread round-robin over 10,000 MessageGroupIds and once on the same number without any.
 */
const FAIR = { noisyBacklog: QUICK ? 20_000 : 100_000, quiet: QUICK ? 300 : 1000, tenants: 10_000 };
const fairDwellScenario: Scenario = { name: 'Fair: quiet dwell behind noisy', servers: ['emulator'], run: async (s) => {
  let q = ''; let late = 0;
  const r = await measure(s, async () => {
    q = await createQueue(s);
    await drive(16, FAIR.noisyBacklog / 10, 10 * 60_000, () => call(s, 'SendMessageBatch', batchOf(q, 10, () => ({ MessageGroupId: 'noisy' }))));
    const take = enc({ QueueUrl: q, MaxNumberOfMessages: 10, VisibilityTimeout: 3600 });
    for (let i = 0; i < 3; i++) await call(s, 'ReceiveMessage', take);
  }, async () => {
    const recv = enc({ QueueUrl: q, MaxNumberOfMessages: 1, VisibilityTimeout: 3600, MessageSystemAttributeNames: ['MessageGroupId'] });
    const lat: number[] = [];
    const end = performance.now() + TIME;
    for (let i = 0; i < FAIR.quiet && performance.now() < end; i++) {
      const t = performance.now();
      await call(s, 'SendMessage', enc({ QueueUrl: q, MessageBody: BODY, MessageGroupId: `quiet-${i}` }));
      const got = (await call(s, 'ReceiveMessage', recv)).Messages?.[0];
      lat.push(performance.now() - t);
      if (got?.Attributes?.MessageGroupId !== `quiet-${i}`) late++;
      // The quiet consumer deletes (kept in flight, quiet messages would dilute the noisy share).
      if (got) await call(s, 'DeleteMessage', enc({ QueueUrl: q, ReceiptHandle: got.ReceiptHandle }));
    }
    return { lat, messages: lat.length };
  });
  return { ...r, note: `${r.messages} quiet messages behind ${FAIR.noisyBacklog} noisy; ${late} not returned by the next receive (dwell > 1)` };
} };
const fairBacklog = (grouped: boolean): Scenario => ({ name: `Fair backlog: ${grouped ? `${FAIR.tenants} tenants` : 'ungrouped'}`, servers: ['emulator'], run: async (s) => {
  let q = '';
  const r = await measure(s, async () => {
    q = await createQueue(s);
    await drive(16, N.backlog / 10, 10 * 60_000, (i) => call(s, 'SendMessageBatch',
      batchOf(q, 10, (j) => (grouped ? { MessageGroupId: `t${(i * 10 + j) % FAIR.tenants}` } : {}))));
  }, async () => {
    const recv = enc({ QueueUrl: q, MaxNumberOfMessages: 1, VisibilityTimeout: 600 });
    const lat = await drive(1, N.backRecv, TIME, () => call(s, 'ReceiveMessage', recv));
    return { lat, messages: lat.length };
  });
  return { ...r, note: `receive (1 message) on ${N.backlog} messages${grouped ? ` over ${FAIR.tenants} MessageGroupIds` : ' without MessageGroupId'}` };
} });
const fairScenarios = [fairDwellScenario, fairBacklog(false), fairBacklog(true)];

/** Spawn to first answered SQS request (ListQueues), in ms. */
async function firstAnswer(name: string, dataDir?: string, extra: string[] = []): Promise<{ s: Server; ms: number }> {
  const t = performance.now();
  const s = await startServer(name, dataDir, extra);
  await call(s, 'ListQueues', '{}');
  return { s, ms: +(performance.now() - t).toFixed(0) };
}

async function count(s: Server, q: string): Promise<number> {
  const r = await call(s, 'GetQueueAttributes', JSON.stringify({ QueueUrl: q, AttributeNames: ['All'] }));
  return ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed']
    .reduce((sum, k) => sum + Number(r.Attributes[k]), 0);
}

/**
 * Persistence at scale (issue 5): a durable fill of N messages, restart after a clean stop
 * (snapshot) and after kill -9 (snapshot + journal), and the longest answer delay a probe
 * sees while the snapshot mode writes snapshots of all of them.
 */
async function persistenceAtScale(): Promise<Record<string, unknown>> {
  const n = N.persisted;
  const dir = newDataDir();
  let s = await startServer('emulator-durable', dir);
  const q = await createQueue(s);
  const t = performance.now();
  await fill(s, q, n);
  const fillSeconds = (performance.now() - t) / 1000;
  await stop(s, 'SIGTERM');
  let r = await firstAnswer('emulator-durable', dir);
  const restartAfterStopMs = r.ms;
  const afterStop = await count(r.s, q);
  const extra = batchOf(q, 10);
  await drive(CONC, 2000, 60_000, () => call(r.s, 'SendMessageBatch', extra)); // 20,000 more, in the journal only
  await stop(r.s, 'SIGKILL');
  r = await firstAnswer('emulator-durable', dir);
  const restartAfterKillMs = r.ms;
  const afterKill = await count(r.s, q);
  await stop(r.s, 'SIGTERM');
  // Snapshots of all of it every second while a probe asks one question at a time.
  s = await startServer('emulator-snapshot', dir, ['--snapshot-interval', '1000']);
  const probe = enc({ QueueUrl: q, AttributeNames: ['ApproximateNumberOfMessages'] });
  const lat = await drive(1, Infinity, QUICK ? 5000 : 10_000, () => call(s, 'GetQueueAttributes', probe));
  await stop(s, 'SIGTERM');
  const out = {
    messages: n, durableFillMsgsPerSec: Math.round(n / fillSeconds), restartAfterStopMs, restartAfterKillMs,
    present: { afterStop, afterKill, expected: { afterStop: n, afterKill: n + 20_000 } },
    snapshotProbe: { requests: lat.length, p50Ms: +percentile(lat, 50).toFixed(2), p99Ms: +percentile(lat, 99).toFixed(2), maxMs: +Math.max(...lat).toFixed(1) },
  };
  console.log(`Persistence at scale: ${JSON.stringify(out)}`);
  return out;
}

/**
 * Idle long polls (issue 19): QUEUES queues, POLLS ReceiveMessage long polls (WaitTimeSeconds 20)
 * spread over them, each on a keep-alive socket of its own (a dedicated agent), opened in waves
 * of 500. After a fixed settle of 1 s (the same for every server) the server's CPU over 5 s of
 * waiting (µs per second: ~0 when waiting costs nothing) and its RSS growth per waiting poll;
 * then one message to each of the first HIT queues must answer one poll of each. All sockets
 * are destroyed at the end; every step has a deadline.
 */
const IDLE = QUICK ? { queues: 100, polls: 1000, hit: 20 } : { queues: 1000, polls: 10_000, hit: 100 };
const IDLE_NAME = `${IDLE.polls.toLocaleString('en')} idle long polls across ${IDLE.queues.toLocaleString('en')} queues`;
async function idleLongPolls(s: Server): Promise<Record<string, number>> {
  const urls: string[] = [];
  const pre = `idle${process.pid}x${qn++}`;
  await drive(CONC, IDLE.queues, 60_000, async (i) => { urls[i] = (await call(s, 'CreateQueue', enc({ QueueName: `${pre}-${i}` }))).QueueUrl; });
  if (urls.filter(Boolean).length !== IDLE.queues) throw new Error('queues not created in time');
  const rss0 = rssBytes(s.pid);
  const pollAgent = new http.Agent({ keepAlive: true, maxSockets: IDLE.polls + 10 });
  const answered = new Map<number, number>(); // queue index -> time a poll of it answered with a message
  let empty = 0; let failed = 0;
  const t0 = performance.now();
  const poll = (q: number) => new Promise<void>((written) => {
    const body = enc({ QueueUrl: urls[q], MaxNumberOfMessages: 1, WaitTimeSeconds: 20 });
    const req = http.request({
      host: '127.0.0.1', port: s.url.port, path: '/', method: 'POST', agent: pollAgent,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage', 'content-length': body.length },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const r = res.statusCode === 200 ? JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') : undefined;
        if (!r) failed++; else if (r.Messages?.length) answered.set(q, performance.now()); else empty++;
      });
      res.on('error', () => {});
    });
    req.on('error', () => { failed++; written(); });
    req.on('finish', () => written());
    req.end(body);
  });
  for (let i = 0; i < IDLE.polls; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, IDLE.polls - i) }, (_, j) => poll((i + j) % IDLE.queues)));
    if (performance.now() - t0 > 12_000) throw new Error(`opening ${IDLE.polls} polls took over 12 s (they wait 20 s)`);
  }
  const openMs = performance.now() - t0;
  await new Promise((z) => setTimeout(z, 1000)); // settle: the server parks what it has read
  const rss1 = rssBytes(s.pid);
  const c0 = cpuTicks(s.pid); const w0 = performance.now();
  await new Promise((z) => setTimeout(z, 5000));
  const c1 = cpuTicks(s.pid); const waitSecs = (performance.now() - w0) / 1000;
  const emptyBeforeSend = empty + failed;
  const ts = performance.now();
  const send = (q: number) => call(s, 'SendMessage', enc({ QueueUrl: urls[q], MessageBody: BODY }));
  await drive(CONC, IDLE.hit, 10_000, (q) => send(q));
  const deadline = performance.now() + 5000;
  while (answered.size < IDLE.hit && performance.now() < deadline) await new Promise((z) => setTimeout(z, 10));
  const answerTimes = [...answered.values()].map((t) => t - ts);
  pollAgent.destroy();
  const out = {
    polls: IDLE.polls, queues: IDLE.queues, openMs: Math.round(openMs),
    cpuUsPerWaitingSecond: Math.round(((c1 - c0) * TICK_US) / waitSecs),
    rssBytesPerPoll: Math.round((rss1 - rss0) / IDLE.polls), rssMB: +(rss1 / 2 ** 20).toFixed(1),
    answered: answered.size, of: IDLE.hit, allAnsweredMs: answered.size ? +Math.max(...answerTimes).toFixed(1) : -1,
    endedBeforeSend: emptyBeforeSend,
  };
  return out;
}

/** Heap bytes per stored 100-byte message, in a process of its own with a forced GC (bench/heap.ts). */
function heapPerMessage(): Record<string, number> {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/heap.ts', String(QUICK ? 100_000 : 500_000)], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench/heap.ts failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as Record<string, number>;
  console.log(`Heap per stored message: ${JSON.stringify(out)}`);
  return out;
}

const fmt = (r: Result) => `${String(r.msgsPerSec).padStart(8)} msg/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(7)} ms  cpu ${r.cpuUsPerMsg.toFixed(1).padStart(7)} µs/msg  rss ${r.rssMB} MB${r.bytesPerMsg ? `  ${r.bytesPerMsg} B/msg` : ''}`;

const results: Record<string, Record<string, Result[]>> = {};
const t0 = performance.now();
for (const sc of [...scenarios, backlogScenario, ...fairScenarios].filter((x) => !ONLY || ONLY.some((w) => x.name.includes(w)))) {
  results[sc.name] = {};
  const rounds = sc === backlogScenario || sc.name.startsWith('Fair backlog') ? 1 : ROUNDS;
  // With a baseline, its durable variant runs too where ours does (durable vs memory ratios of both).
  const servers = (BASELINE && sc.servers.includes('emulator')
    ? [...sc.servers, 'baseline', ...(sc.servers.includes('emulator-durable') ? ['baseline-durable'] : [])] : sc.servers)
    .filter((name) => !SERVERS || SERVERS.includes(name));
  // One unmeasured pass first: the first pass of a run is slower for whichever server has it
  // (the client's own code is still cold, so requests come one at a time), 20–25% in an A/A run.
  if (rounds > 1) {
    const s = await startServer(servers[0]!);
    try { await sc.run(s); } catch { /* a failure shows in the measured passes */ } finally { await stop(s); }
  }
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...servers].reverse() : servers; // A B A B, order swapped per round
    for (const name of order) {
      const s = await startServer(name); // a fresh process per pass
      try {
        const r = await sc.run(s);
        (results[sc.name]![name] ??= []).push(r);
        console.log(`${sc.name.padEnd(28)} ${name.padEnd(8)} r${round}  ${fmt(r)}`);
      } catch (e) {
        console.log(`${sc.name} ${name} failed: ${(e as Error).message}`);
      } finally { await stop(s); }
    }
  }
}

const cpu = (sc: string, name: string) => (results[sc]?.[name] ?? []).map((r) => r.cpuUsPerMsg);
const summary: Record<string, any> = {};
const spread = (r: [number, number] | undefined): string => (r ? ` (${r[0]}–${r[1]})` : '');
console.log('\nMedian over rounds (CPU µs/msg, p50 ms) and median paired ratios');
for (const sc of Object.keys(results)) {
  const row: Record<string, any> = {};
  for (const name of Object.keys(results[sc]!)) {
    const rs = results[sc]![name]!;
    row[name] = { cpuUsPerMsg: median(rs.map((r) => r.cpuUsPerMsg)), msgsPerSec: median(rs.map((r) => r.msgsPerSec)),
      p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), rssMB: median(rs.map((r) => r.rssMB)),
      ...(rs[0]!.bytesPerMsg ? { bytesPerMsg: rs[0]!.bytesPerMsg } : {}), ...(rs[0]!.note ? { note: rs[0]!.note } : {}) };
  }
  // Each ratio with its spread: the min and max of the paired (same-round) ratios.
  row.cpuRatioVsFauxqs = +medianRatio(cpu(sc, 'emulator'), cpu(sc, 'fauxqs')).toFixed(2);
  row.cpuRatioVsFauxqsSpread = ratioSpread(cpu(sc, 'emulator'), cpu(sc, 'fauxqs'));
  if (results[sc]!.floor) {
    row.cpuRatioVsFloor = +medianRatio(cpu(sc, 'emulator'), cpu(sc, 'floor')).toFixed(2);
    row.cpuRatioVsFloorSpread = ratioSpread(cpu(sc, 'emulator'), cpu(sc, 'floor'));
  }
  if (results[sc]!['floor-answer']) {
    row.cpuRatioVsFloorAnswer = +medianRatio(cpu(sc, 'emulator'), cpu(sc, 'floor-answer')).toFixed(2);
    row.cpuRatioVsFloorAnswerSpread = ratioSpread(cpu(sc, 'emulator'), cpu(sc, 'floor-answer'));
  }
  if (results[sc]!['floor-store']) {
    row.cpuRatioVsFloorStore = +medianRatio(cpu(sc, 'emulator'), cpu(sc, 'floor-store')).toFixed(2);
    row.cpuRatioVsFloorStoreSpread = ratioSpread(cpu(sc, 'emulator'), cpu(sc, 'floor-store'));
    row.floorStoreCpuRatioVsFloor = +medianRatio(cpu(sc, 'floor-store'), cpu(sc, 'floor')).toFixed(2);
    row.floorStoreCpuRatioVsFloorSpread = ratioSpread(cpu(sc, 'floor-store'), cpu(sc, 'floor'));
  }
  if (results[sc]!.baseline) {
    row.cpuRatioVsBaseline = +medianRatio(cpu(sc, 'emulator'), cpu(sc, 'baseline')).toFixed(2);
    row.cpuRatioVsBaselineSpread = ratioSpread(cpu(sc, 'emulator'), cpu(sc, 'baseline'));
  }
  summary[sc] = row;
  const e = row.emulator ?? {}; const f = row.fauxqs ?? {};
  console.log(`${sc.padEnd(28)} emulator ${e.cpuUsPerMsg} µs p50 ${e.p50} ms | fauxqs ${f.cpuUsPerMsg} µs p50 ${f.p50} ms | ratio ${row.cpuRatioVsFauxqs}×${spread(row.cpuRatioVsFauxqsSpread)}${row.cpuRatioVsFloor ? ` | vs floor ${row.cpuRatioVsFloor}×${spread(row.cpuRatioVsFloorSpread)}` : ''}${row.cpuRatioVsFloorAnswer ? ` | vs answering floor ${row.cpuRatioVsFloorAnswer}×${spread(row.cpuRatioVsFloorAnswerSpread)}` : ''}${row.cpuRatioVsFloorStore ? ` | vs storing floor ${row.cpuRatioVsFloorStore}×${spread(row.cpuRatioVsFloorStoreSpread)} (storing floor vs floor ${row.floorStoreCpuRatioVsFloor}×${spread(row.floorStoreCpuRatioVsFloorSpread)})` : ''}${row.cpuRatioVsBaseline ? ` | vs baseline ${row.cpuRatioVsBaseline}×${spread(row.cpuRatioVsBaselineSpread)} (baseline ${row.baseline.cpuUsPerMsg} µs p50 ${row.baseline.p50} ms)` : ''}`);
}

const fairGrouped = summary[`Fair backlog: ${FAIR.tenants} tenants`]?.emulator;
const fairUngrouped = summary['Fair backlog: ungrouped']?.emulator;
if (fairGrouped && fairUngrouped) {
  summary['Fair backlog: grouped vs ungrouped'] = { p50Ratio: +(fairGrouped.p50 / fairUngrouped.p50).toFixed(2), cpuRatio: +(fairGrouped.cpuUsPerMsg / fairUngrouped.cpuUsPerMsg).toFixed(2) };
  console.log(`Fair backlog, ${FAIR.tenants} tenants vs ungrouped: p50 ${summary['Fair backlog: grouped vs ungrouped'].p50Ratio}×, CPU ${summary['Fair backlog: grouped vs ungrouped'].cpuRatio}×`);
}

const want = (w: string) => !ONLY || ONLY.some((x) => w.includes(x));
const startup = want('Startup') ? await (async () => {
  const ms: number[] = [];
  for (let i = 0; i < 5; i++) { const r = await firstAnswer('emulator'); ms.push(r.ms); await stop(r.s); }
  console.log(`Startup to first answer (empty state, 5 runs): median ${median(ms)} ms, max ${Math.max(...ms)} ms`);
  return { medianMs: median(ms), maxMs: Math.max(...ms), runs: ms };
})() : undefined;
const idle = want(IDLE_NAME) ? await (async () => {
  const runs: Record<string, Record<string, number>[]> = {};
  const servers = ['emulator', 'fauxqs', ...(BASELINE ? ['baseline'] : [])];
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 ? [...servers].reverse() : servers) {
      const s = await startServer(name);
      try {
        const r = await idleLongPolls(s);
        (runs[name] ??= []).push(r);
        console.log(`${IDLE_NAME} ${name.padEnd(8)} r${round}  ${JSON.stringify(r)}`);
      } catch (e) {
        console.log(`${IDLE_NAME} ${name} failed: ${(e as Error).message}`);
      } finally { await stop(s); }
    }
  }
  const row: Record<string, unknown> = {};
  for (const [name, rs] of Object.entries(runs)) {
    row[name] = { cpuUsPerWaitingSecond: median(rs.map((r) => r.cpuUsPerWaitingSecond!)), rssBytesPerPoll: median(rs.map((r) => r.rssBytesPerPoll!)),
      allAnsweredMs: median(rs.map((r) => r.allAnsweredMs!)), answered: Math.min(...rs.map((r) => r.answered!)), of: IDLE.hit,
      endedBeforeSend: Math.max(...rs.map((r) => r.endedBeforeSend!)), openMs: median(rs.map((r) => r.openMs!)) };
  }
  summary[IDLE_NAME] = row;
  const line = (n: string) => { const r = row[n] as any; return r ? `${n} ${r.cpuUsPerWaitingSecond} µs CPU per s waiting, ${r.rssBytesPerPoll} B RSS per poll, ${r.answered}/${r.of} answered in ${r.allAnsweredMs} ms` : `${n} –`; };
  console.log(`${IDLE_NAME}: ${servers.map(line).join(' | ')}`);
  return row;
})() : undefined;
const persistence = want('Persistence') ? await persistenceAtScale() : undefined;
const heap = want('Heap') ? heapPerMessage() : undefined;
for (const sc of ['SendMessage', 'SendMessageBatch x10']) {
  const row = summary[sc];
  if (row?.emulator && row['emulator-durable']) {
    const rate = (name: string) => (results[sc]?.[name] ?? []).map((r) => r.msgsPerSec);
    row.durableThroughputVsMemory = +(row['emulator-durable'].msgsPerSec / row.emulator.msgsPerSec).toFixed(2);
    row.durableThroughputVsMemorySpread = ratioSpread(rate('emulator-durable'), rate('emulator'));
    row.snapshotThroughputVsMemory = +(row['emulator-snapshot'].msgsPerSec / row.emulator.msgsPerSec).toFixed(2);
    row.snapshotThroughputVsMemorySpread = ratioSpread(rate('emulator-snapshot'), rate('emulator'));
    console.log(`${sc}: throughput with durable persistence ${row.durableThroughputVsMemory}×${spread(row.durableThroughputVsMemorySpread)} memory-only, snapshot ${row.snapshotThroughputVsMemory}×${spread(row.snapshotThroughputVsMemorySpread)}`);
    if (row['floor-store'] && row['floor-store-durable']) {
      // What group commit on this disk allows the least server that stores: its durable vs memory-only
      // throughput, and our durable throughput against its durable throughput.
      row.floorStoreDurableThroughputVsMemory = +(row['floor-store-durable'].msgsPerSec / row['floor-store'].msgsPerSec).toFixed(2);
      row.floorStoreDurableThroughputVsMemorySpread = ratioSpread(rate('floor-store-durable'), rate('floor-store'));
      row.durableThroughputVsFloorStoreDurable = +(row['emulator-durable'].msgsPerSec / row['floor-store-durable'].msgsPerSec).toFixed(2);
      row.durableThroughputVsFloorStoreDurableSpread = ratioSpread(rate('emulator-durable'), rate('floor-store-durable'));
      console.log(`${sc}: storing floor's durable vs its memory-only ${row.floorStoreDurableThroughputVsMemory}×${spread(row.floorStoreDurableThroughputVsMemorySpread)}; emulator durable vs storing floor durable ${row.durableThroughputVsFloorStoreDurable}×${spread(row.durableThroughputVsFloorStoreDurableSpread)}`);
    }
    if (row.baseline && row['baseline-durable']) {
      row.baselineDurableThroughputVsMemory = +(row['baseline-durable'].msgsPerSec / row.baseline.msgsPerSec).toFixed(2);
      row.baselineDurableThroughputVsMemorySpread = ratioSpread(rate('baseline-durable'), rate('baseline'));
      console.log(`${sc}: baseline's durable vs its memory-only ${row.baselineDurableThroughputVsMemory}×${spread(row.baselineDurableThroughputVsMemorySpread)}`);
    }
  }
}

const date = new Date().toISOString().slice(0, 10);
mkdirSync(`${root}bench/results`, { recursive: true });
const out = { date, quick: QUICK, rounds: ROUNDS, ...(BASELINE ? { baseline: BASELINE } : {}), node: process.version, concurrency: CONC, bodyBytes: BODY.length, sizes: N,
  summary, startup, idleLongPolls: idle, persistence, heap, passes: results, seconds: Math.round((performance.now() - t0) / 1000) };
writeFileSync(`${root}bench/results/${date}.json`, JSON.stringify(out, null, 2) + '\n');
writeFileSync(`${root}bench/results/${date}.svg`, svg(summary, date));
console.log(`\nwrote bench/results/${date}.json and .svg (${out.seconds} s)`);
agent.destroy();

function svg(sum: Record<string, any>, day: string): string {
  const colors: Record<string, string> = { emulator: '#2b7bb9', fauxqs: '#e08a1e', floor: '#8a8a8a' };
  const rows = Object.entries(sum);
  const max = Math.max(...rows.flatMap(([, r]) => ['emulator', 'fauxqs', 'floor'].map((n) => r[n]?.cpuUsPerMsg ?? 0)));
  const W = 760; const left = 220; const barH = 14; const gap = 10; let y = 50; const parts: string[] = [];
  for (const [name, r] of rows) {
    parts.push(`<text x="10" y="${y + 14}" font-size="13">${name}</text>`);
    for (const n of ['emulator', 'fauxqs', 'floor']) {
      const v = r[n]?.cpuUsPerMsg; if (v === undefined) continue;
      const w = Math.max(1, ((W - left - 90) * v) / max);
      parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${colors[n]}"/><text x="${left + w + 4}" y="${y + 11}" font-size="11">${v} µs</text>`);
      y += barH + 2;
    }
    y += gap;
  }
  const legend = Object.entries(colors).map(([n, c], i) => `<rect x="${left + i * 110}" y="26" width="12" height="12" fill="${c}"/><text x="${left + 16 + i * 110}" y="36" font-size="12">${n}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y + 10}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>` +
    `<text x="10" y="18" font-size="14" font-weight="bold">Server CPU µs per message, median of alternating passes (lower is better), ${day}</text>${legend}${parts.join('')}</svg>\n`;
}
