/**
 * Faults: clients that disconnect mid long poll, never delete, or time out; thousands of
 * concurrent long polls against a cap; slow clients; graceful shutdown under load with
 * durable persistence (child process, SIGTERM mid-load, restart, every acknowledged send
 * present exactly once and every acknowledged delete gone).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '../../src/index.js';
import { emulator, rawJson, uniqueName } from '../support/clients.js';

const json = (text: string): any => JSON.parse(text);

async function createQueue(url: string, name = uniqueName('f'), attributes: Record<string, string> = {}): Promise<string> {
  const res = await rawJson(url, 'CreateQueue', { QueueName: name, Attributes: attributes });
  if (res.status !== 200) throw new Error(res.text);
  return json(res.text).QueueUrl;
}

/** A long poll over its own socket, which the test can cut. */
function longPoll(url: string, queueUrl: string, waitSeconds: number, agent?: Agent): { done: Promise<{ status: number; text: string } | 'cut'>; cut(): void } {
  const body = JSON.stringify({ QueueUrl: queueUrl, WaitTimeSeconds: waitSeconds, MaxNumberOfMessages: 1 });
  const u = new URL(url);
  let cut = (): void => {};
  const done = new Promise<{ status: number; text: string } | 'cut'>((resolve) => {
    const req = httpRequest(
      {
        host: u.hostname,
        port: u.port,
        method: 'POST',
        path: '/',
        agent: agent ?? false,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', () => resolve('cut'));
      },
    );
    req.on('error', () => resolve('cut'));
    req.end(body);
    cut = () => req.destroy();
  });
  return { done, cut: () => cut() };
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('misbehaving consumers (in process)', () => {
  let server: RunningEmulator;
  beforeAll(async () => {
    server = await emulator({ maxLongPolls: 3_000 });
  });
  afterAll(() => server.stop());

  test('a message arriving as its long poll is cut is never lost: back at once when the cut is seen first, else after its visibility', async () => {
    const queueUrl = await createQueue(server.url, uniqueName('cut'), { VisibilityTimeout: '1' });
    const queue = server.engine.listQueues('us-east-1', '000000000000').find((q) => queueUrl.endsWith(`/${q.name}`))!;
    const outcomes = { answered: 0, backAtOnce: 0, backAfterVisibility: 0 };
    for (let i = 0; i < 20; i++) {
      const poll = longPoll(server.url, queueUrl, 20);
      await until(() => server.engine.stats(queue).waitingReceives === 1);
      // Alternate which comes first: the cut or the message.
      const sent = rawJson(server.url, 'SendMessage', { QueueUrl: queueUrl, MessageBody: `m${i}` });
      if (i % 2 === 0) poll.cut();
      else setImmediate(() => poll.cut());
      expect((await sent).status).toBe(200);
      const outcome = await poll.done;
      let handle: string;
      if (outcome !== 'cut' && outcome.text.includes(`"m${i}"`)) {
        outcomes.answered++;
        handle = json(outcome.text).Messages[0].ReceiptHandle;
      } else {
        // The answer was written before the cut was seen (a race TCP cannot tell apart from a
        // read answer): the message is in flight until its visibility ends, as on AWS.
        await new Promise((r) => setTimeout(r, 20));
        if (server.engine.stats(queue).visible === 1) outcomes.backAtOnce++;
        else outcomes.backAfterVisibility++;
        const got = await rawJson(server.url, 'ReceiveMessage', { QueueUrl: queueUrl, WaitTimeSeconds: 2 });
        expect(json(got.text).Messages?.[0]?.Body).toBe(`m${i}`);
        handle = json(got.text).Messages[0].ReceiptHandle;
      }
      await rawJson(server.url, 'DeleteMessage', { QueueUrl: queueUrl, ReceiptHandle: handle });
      expect(server.engine.stats(queue).inflight + server.engine.stats(queue).visible).toBe(0);
    }
    expect(server.engine.stats(queue).waitingReceives).toBe(0);
    // Every cut that came first was seen before the answer was written.
    expect(outcomes.answered + outcomes.backAtOnce).toBeGreaterThanOrEqual(10);
  }, 60_000);

  test('a client that times out (SDK-style abort) mid long poll leaves no waiter behind', async () => {
    const queueUrl = await createQueue(server.url);
    const queue = server.engine.listQueues('us-east-1', '000000000000').find((q) => queueUrl.endsWith(`/${q.name}`))!;
    const aborted = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage' },
          body: JSON.stringify({ QueueUrl: queueUrl, WaitTimeSeconds: 20 }),
          signal: AbortSignal.timeout(200),
        }),
      ),
    );
    expect(aborted.every((r) => r.status === 'rejected')).toBe(true);
    await until(() => server.engine.stats(queue).waitingReceives === 0);
    await rawJson(server.url, 'SendMessage', { QueueUrl: queueUrl, MessageBody: 'after' });
    const got = await rawJson(server.url, 'ReceiveMessage', { QueueUrl: queueUrl, WaitTimeSeconds: 1 });
    expect(json(got.text).Messages[0].Body).toBe('after');
  });

  test('consumers that never delete: the message comes back after its visibility, then goes to the dead-letter queue', async () => {
    const dlqUrl = await createQueue(server.url);
    const dlqArn = json((await rawJson(server.url, 'GetQueueAttributes', { QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] })).text).Attributes.QueueArn;
    const queueUrl = await createQueue(server.url, uniqueName('nd'), { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) });
    await rawJson(server.url, 'SendMessage', { QueueUrl: queueUrl, MessageBody: 'never deleted' });
    const counts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const got = json((await rawJson(server.url, 'ReceiveMessage', { QueueUrl: queueUrl, VisibilityTimeout: 1, WaitTimeSeconds: 2, MessageSystemAttributeNames: ['ApproximateReceiveCount'] })).text);
      counts.push(got.Messages[0].Attributes.ApproximateReceiveCount);
      // Not visible again before its visibility ends.
      expect(json((await rawJson(server.url, 'ReceiveMessage', { QueueUrl: queueUrl })).text).Messages).toBeUndefined();
    }
    expect(counts).toEqual(['1', '2']);
    // The third receive finds it over maxReceiveCount: moved, not delivered.
    await new Promise((r) => setTimeout(r, 1_100));
    expect(json((await rawJson(server.url, 'ReceiveMessage', { QueueUrl: queueUrl })).text).Messages).toBeUndefined();
    const moved = json((await rawJson(server.url, 'ReceiveMessage', { QueueUrl: dlqUrl, WaitTimeSeconds: 3 })).text);
    expect(moved.Messages[0].Body).toBe('never deleted');
  }, 15_000);

  test('3,000 concurrent long polls are served; the next one is OverLimit 403; all are answered when messages arrive', async () => {
    const queueUrl = await createQueue(server.url);
    const queue = server.engine.listQueues('us-east-1', '000000000000').find((q) => queueUrl.endsWith(`/${q.name}`))!;
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    const polls = Array.from({ length: 3_000 }, () => longPoll(server.url, queueUrl, 20, agent));
    await until(() => server.engine.stats(queue).waitingReceives === 3_000, 15_000);
    const over = await rawJson(server.url, 'ReceiveMessage', { QueueUrl: queueUrl, WaitTimeSeconds: 5 });
    expect(over.status).toBe(403);
    expect(over.headers.get('x-amzn-query-error')).toBe('OverLimit;Sender');
    expect(json(over.text).message).toMatch(/Too many long polls are waiting: this emulator allows 3000 at once/);
    // A short poll is not a long poll: still served.
    expect((await rawJson(server.url, 'ReceiveMessage', { QueueUrl: queueUrl, WaitTimeSeconds: 0 })).status).toBe(200);
    // Every poll gets a message as they arrive.
    for (let i = 0; i < 300; i++) {
      const Entries = Array.from({ length: 10 }, (_, j) => ({ Id: `e${j}`, MessageBody: `${i}-${j}` }));
      expect((await rawJson(server.url, 'SendMessageBatch', { QueueUrl: queueUrl, Entries })).status).toBe(200);
    }
    const answers = await Promise.all(polls.map((p) => p.done));
    const bodies = answers.flatMap((a) => (a === 'cut' ? [] : (json(a.text).Messages ?? []).map((m: { Body: string }) => m.Body)));
    expect(bodies).toHaveLength(3_000);
    expect(new Set(bodies).size).toBe(3_000);
    expect(server.engine.stats(queue).waitingReceives).toBe(0);
    // The cap counts only waiting polls: free again.
    const again = longPoll(server.url, queueUrl, 1);
    expect(await again.done).toMatchObject({ status: 200 });
    agent.destroy();
  }, 60_000);
});

describe('slow clients', () => {
  let server: RunningEmulator;
  beforeAll(async () => {
    server = await emulator({ headersTimeoutMs: 500, requestTimeoutMs: 1_000 });
  });
  afterAll(() => server.stop());

  function slowClient(parts: string[], gapMs: number): Promise<{ closedAfterMs: number; text: string }> {
    const u = new URL(server.url);
    const started = Date.now();
    return new Promise((resolve) => {
      const socket = connect(Number(u.port), u.hostname);
      let text = '';
      let i = 0;
      const timer = setInterval(() => {
        if (i < parts.length && !socket.destroyed) socket.write(parts[i++]!);
      }, gapMs);
      socket.on('data', (d) => (text += d.toString()));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ closedAfterMs: Date.now() - started, text });
      });
    });
  }

  test('headers trickled in slower than the headers timeout: the connection is closed, others are served meanwhile', async () => {
    const slow = slowClient(Array.from({ length: 200 }, (_, i) => (i === 0 ? 'POST / HTTP/1.1\r\n' : `x-slow-${i}: y\r\n`)), 50);
    const fine = await rawJson(server.url, 'ListQueues', {});
    expect(fine.status).toBe(200);
    const { closedAfterMs, text } = await slow;
    expect(closedAfterMs).toBeLessThan(5_000);
    expect(text === '' || /^HTTP\/1\.1 408/.test(text)).toBe(true);
  });

  test('a body trickled slower than the request timeout: refused with 408, not held forever', async () => {
    const head = `POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-amz-json-1.0\r\nx-amz-target: AmazonSQS.ListQueues\r\ncontent-length: 1000\r\n\r\n`;
    const { closedAfterMs, text } = await slowClient([head, ...Array.from({ length: 200 }, () => ' ')], 50);
    expect(closedAfterMs).toBeLessThan(5_000);
    expect(text === '' || /^HTTP\/1\.1 408/.test(text)).toBe(true);
    expect((await rawJson(server.url, 'ListQueues', {})).status).toBe(200);
  });

  test('a long poll is not a slow client: it outlives the request timeout', async () => {
    const queueUrl = await createQueue(server.url);
    const started = Date.now();
    const res = await rawJson(server.url, 'ReceiveMessage', { QueueUrl: queueUrl, WaitTimeSeconds: 2 });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
  });
});

describe('graceful shutdown under load with durable persistence', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function start(dataDir: string): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', '0', '--data-dir', dataDir, '--persistence', 'durable', '--log-level', 'warn', '--no-console'], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d.toString()));
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no startup line; stderr: ${stderr}`)), 20_000);
      child.stdout!.on('data', (d) => {
        out += d.toString();
        const m = /listening on (http:\/\/[^\s]+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve({ child, url: m[1]!, exited });
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
  }

  test('SIGTERM mid-load: every acknowledged send survives exactly once, every acknowledged delete stays gone', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sqs-shutdown-'));
    dirs.push(dataDir);
    const first = await start(dataDir);
    const queues = [await createQueue(first.url, 'load-std'), await createQueue(first.url, 'load.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' })];
    const sentOk = new Map<string, string>(); // MessageId -> body
    const deletedOk = new Set<string>();
    let stop = false;
    const producer = async (w: number): Promise<void> => {
      for (let i = 0; i < 150 && !stop; i++) {
        const queueUrl = queues[i % 2]!;
        const body = `w${w}-${i}`;
        try {
          const res = await rawJson(first.url, 'SendMessage', { QueueUrl: queueUrl, MessageBody: body, ...(queueUrl.endsWith('.fifo') ? { MessageGroupId: `g${w}` } : {}) });
          if (res.status === 200) sentOk.set(json(res.text).MessageId, body);
        } catch {
          return; // the server went away: this send is not acknowledged
        }
      }
    };
    const consumer = async (): Promise<void> => {
      while (!stop) {
        try {
          for (const queueUrl of queues) {
            const got = await rawJson(first.url, 'ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 1 });
            if (got.status !== 200) continue;
            for (const m of json(got.text).Messages ?? []) {
              // Misbehaving: every third message is never deleted.
              if (m.Body.endsWith('3') || m.Body.endsWith('6') || m.Body.endsWith('9')) continue;
              const del = await rawJson(first.url, 'DeleteMessage', { QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle });
              if (del.status === 200) deletedOk.add(m.MessageId);
            }
          }
        } catch {
          return;
        }
      }
    };
    const load = [...Array.from({ length: 4 }, (_, w) => producer(w)), consumer(), consumer()];
    await new Promise((r) => setTimeout(r, 1_200));
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    stop = true;
    await Promise.all(load);
    expect(sentOk.size).toBeGreaterThan(20);

    const second = await start(dataDir);
    await new Promise((r) => setTimeout(r, 1_100)); // in-flight messages become visible again
    const present = new Map<string, number>();
    for (const name of ['load-std', 'load.fifo']) {
      const peek = await fetch(`${second.url}/_emulator/queues/us-east-1/000000000000/${name}/messages?limit=1000`);
      expect(peek.status).toBe(200);
      const listed = (await peek.json()) as { messages: { MessageId: string }[] };
      for (const m of listed.messages) present.set(m.MessageId, (present.get(m.MessageId) ?? 0) + 1);
    }
    const lost = [...sentOk.keys()].filter((id) => !deletedOk.has(id) && present.get(id) !== 1);
    const resurrected = [...deletedOk].filter((id) => present.has(id));
    const duplicated = [...present].filter(([, n]) => n > 1);
    expect({ lost, resurrected, duplicated }).toEqual({ lost: [], resurrected: [], duplicated: [] });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);
});
