import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { parseCommandLine } from '../../src/config.js';
import type { RunningEmulator } from '../../src/index.js';
import { emulator, protocols, queueArn, uniqueName } from '../support/clients.js';
import { overBothProtocols } from '../support/overProtocols.js';

/**
 * Virtual time through the public option `clock: 'manual'`: the handle's clock and the
 * `/_emulator/clock` endpoints drive visibility, delays, retention, long polls, FIFO
 * windows, strict-mode rules, move-task pacing and timestamps. Nothing here sleeps.
 */

const S = 1_000;
const H = 3_600 * S;
const START = Date.UTC(2030, 5, 1, 12, 0, 0);

/** Resolves once `count` long polls wait on the queue (so that time is not moved before they arrive). */
async function waiting(server: RunningEmulator, url: string, count = 1): Promise<void> {
  const name = url.slice(url.lastIndexOf('/') + 1);
  for (let i = 0; i < 5_000; i++) {
    const q = server.engine.describeQueue({ region: 'us-east-1', accountId: '000000000000', name });
    if (q && server.engine.stats(q).waitingReceives >= count) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`no waiting receive on ${name}`);
}

overBothProtocols('manual clock over %s', { clock: 'manual', clockStart: START, strict: true }, ({ sqs, emu }) => {
  const queue = async (Attributes?: Record<string, string>, fifo = false): Promise<string> =>
    (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('clk') + (fifo ? '.fifo' : ''), Attributes }))).QueueUrl!;
  const receive = async (QueueUrl: string, extra: Record<string, unknown> = {}) =>
    (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, AttributeNames: ['All'], ...extra }))).Messages ?? [];

  test('the handle exposes a manual clock that does not move by itself', async () => {
    expect(emu.server.clock.mode).toBe('manual');
    const before = emu.server.clock.now();
    await new Promise((r) => setTimeout(r, 20));
    expect(emu.server.clock.now()).toBe(before);
    emu.server.clock.advance(5);
    expect(emu.server.clock.now()).toBe(before + 5);
    expect(() => emu.server.clock.set(before)).toThrow(/backwards/);
  });

  test('timestamps the API returns come from the clock', async () => {
    const url = await queue();
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['CreatedTimestamp'] }));
    expect(Number(Attributes!.CreatedTimestamp)).toBe(Math.floor(emu.server.clock.now() / 1000));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    emu.server.clock.advance(7 * S);
    const [m] = await receive(url);
    expect(Number(m!.Attributes!.SentTimestamp)).toBe(emu.server.clock.now() - 7 * S);
    expect(Number(m!.Attributes!.ApproximateFirstReceiveTimestamp)).toBe(emu.server.clock.now());
  });

  test('a 12-hour visibility timeout passes in one advance', async () => {
    const url = await queue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'slow job' }));
    expect(await receive(url, { VisibilityTimeout: 43_200 })).toHaveLength(1);
    emu.server.clock.advance(12 * H - 1);
    expect(await receive(url)).toEqual([]);
    emu.server.clock.advance(1);
    const [again] = await receive(url);
    expect(again!.Body).toBe('slow job');
    expect(again!.Attributes!.ApproximateReceiveCount).toBe('2');
  });

  test('per-message and queue delays follow the clock', async () => {
    const url = await queue({ DelaySeconds: '60' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'queue delay' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'own delay', DelaySeconds: 900 }));
    const hold = { VisibilityTimeout: 43_200 };
    emu.server.clock.advance(60 * S - 1);
    expect(await receive(url, hold)).toEqual([]);
    emu.server.clock.advance(1);
    expect((await receive(url, hold)).map((m) => m.Body)).toEqual(['queue delay']);
    emu.server.clock.advance(840 * S - 1);
    expect(await receive(url, hold)).toEqual([]);
    emu.server.clock.advance(1);
    expect((await receive(url, hold)).map((m) => m.Body)).toEqual(['own delay']);
  });

  test('retention expiry follows the clock, in flight messages included', async () => {
    const url = await queue({ MessageRetentionPeriod: '345600' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'old' }));
    await receive(url, { VisibilityTimeout: 43_200 });
    emu.server.clock.advance(4 * 24 * H - 1);
    const count = async () => {
      const { Attributes: a } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      return Number(a!.ApproximateNumberOfMessages) + Number(a!.ApproximateNumberOfMessagesNotVisible);
    };
    await receive(url, { VisibilityTimeout: 43_200 }); // visible again after 12 h: in flight once more
    expect(await count()).toBe(1);
    emu.server.clock.advance(1);
    expect(await count()).toBe(0);
  });

  test('a waiting long poll returns when an advance makes a message visible', async () => {
    const url = await queue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 10 }));
    const started = Date.now();
    const poll = receive(url, { WaitTimeSeconds: 20 });
    await waiting(emu.server, url);
    emu.server.clock.advance(10 * S);
    expect((await poll).map((m) => m.Body)).toEqual(['later']);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('a waiting long poll answers empty when the advanced clock passes its deadline', async () => {
    const url = await queue();
    const poll = receive(url, { WaitTimeSeconds: 20 });
    await emu.server.waitForLongPoll({ queue: url });
    emu.server.clock.advance(19 * S);
    let settled = false;
    void poll.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(settled).toBe(false);
    emu.server.clock.advance(1 * S);
    expect(await poll).toEqual([]);
  });

  test('the FIFO 5-minute deduplication window follows the clock', async () => {
    const url = await queue({ FifoQueue: 'true' }, true);
    const send = () => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b', MessageGroupId: 'g', MessageDeduplicationId: 'd' }));
    const first = await send();
    emu.server.clock.advance(5 * 60 * S - 1);
    expect((await send()).MessageId).toBe(first.MessageId);
    emu.server.clock.advance(1);
    expect((await send()).MessageId).not.toBe(first.MessageId);
  });

  test('the receive-request-attempt-id window follows the clock', async () => {
    const url = await queue({ FifoQueue: 'true', ContentBasedDeduplication: 'true' }, true);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'once', MessageGroupId: 'g' }));
    const attempt = { ReceiveRequestAttemptId: 'attempt-1', VisibilityTimeout: 3_600 };
    const [first] = await receive(url, attempt);
    emu.server.clock.advance(5 * 60 * S - 1);
    const [retry] = await receive(url, attempt);
    expect(retry!.ReceiptHandle).toBe(first!.ReceiptHandle);
    emu.server.clock.advance(1);
    // Past the window the retry is an ordinary receive: the group is locked, nothing comes.
    expect(await receive(url, attempt)).toEqual([]);
  });

  test("strict mode's one-purge-per-60-seconds rule follows the clock", async () => {
    const url = await queue();
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    emu.server.clock.advance(60 * S - 1);
    await expect(sqs.send(new PurgeQueueCommand({ QueueUrl: url }))).rejects.toMatchObject({ name: 'PurgeQueueInProgress' });
    emu.server.clock.advance(1);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
  });

  test('move-task pacing follows the clock', async () => {
    const dlq = await queue();
    const dlqArn = await queueArn(sqs, dlq);
    const source = await queue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) });
    for (const body of ['a', 'b', 'c']) await sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: body }));
    const sourceArn = await queueArn(sqs, source);
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: sourceArn, MaxNumberOfMessagesPerSecond: 1 }));
    const moved = async () => {
      const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
      return [Results![0]!.ApproximateNumberOfMessagesMoved, Results![0]!.Status];
    };
    expect(await moved()).toEqual([1, 'RUNNING']);
    emu.server.clock.advance(1 * S);
    expect(await moved()).toEqual([2, 'RUNNING']);
    emu.server.clock.advance(1 * S);
    expect(await moved()).toEqual([3, 'COMPLETED']);
    expect((await receive(source)).map((m) => m.Body).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('/_emulator/clock endpoints', () => {
  let server: RunningEmulator;
  beforeAll(async () => {
    server = await emulator({ clock: 'manual', clockStart: START });
  });
  afterAll(() => server.stop());

  const post = (path: string, body: unknown) =>
    fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  test('GET shows the time, advance and set move it', async () => {
    const now = server.clock.now();
    expect(await (await fetch(`${server.url}/_emulator/clock`)).json()).toEqual({ mode: 'manual', now, iso: new Date(now).toISOString() });
    const advanced = await post('/_emulator/clock/advance', { ms: 1500 });
    expect(advanced.status).toBe(200);
    expect(((await advanced.json()) as any).now).toBe(now + 1500);
    expect(((await (await fetch(`${server.url}/_emulator/clock/advance?ms=500`, { method: 'POST' })).json()) as any).now).toBe(now + 2000);
    const set = await post('/_emulator/clock/set', { epochMs: now + 60_000 });
    expect(((await set.json()) as any).now).toBe(now + 60_000);
    const iso = new Date(now + 120_000).toISOString();
    expect(((await (await post('/_emulator/clock/set', { iso })).json()) as any).iso).toBe(iso);
    expect(server.clock.now()).toBe(now + 120_000);
  });

  test('an advance over HTTP wakes a waiting long poll', async () => {
    const sqs = protocols[1][1](server.url);
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('ep') }))).QueueUrl!;
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', DelaySeconds: 15 }));
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await waiting(server, url);
    await post('/_emulator/clock/advance', { ms: 15_000 });
    expect((await poll).Messages?.map((m) => m.Body)).toEqual(['x']);
  });

  test('bad input is a 400 with a reason, never a 500', async () => {
    for (const [path, body] of [
      ['/_emulator/clock/advance', { ms: -1 }],
      ['/_emulator/clock/advance', { ms: 'soon' }],
      ['/_emulator/clock/advance', '{not json'],
      ['/_emulator/clock/advance', {}],
      ['/_emulator/clock/set', { epochMs: 0 }],
      ['/_emulator/clock/set', { iso: 'yesterday' }],
      ['/_emulator/clock/set', { __proto__: { epochMs: 1 } }],
      ['/_emulator/clock/advance', { ms: 1e308 }],
      ['/_emulator/clock/set', { epochMs: 9e15 }],
    ] as const) {
      const res = await post(path, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).error).toEqual(expect.any(String));
    }
  });

  test('on the system clock, moving time is refused with 409', async () => {
    const real = await emulator();
    try {
      expect(((await (await fetch(`${real.url}/_emulator/clock`)).json()) as any).mode).toBe('system');
      const res = await fetch(`${real.url}/_emulator/clock/advance`, { method: 'POST', body: '{"ms":1}', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(409);
      expect(() => real.clock.advance(1)).toThrow(/system clock/);
    } finally {
      await real.stop();
    }
  });
});

describe('--clock option', () => {
  test('flag, environment variable and config file choose the clock; bad values are refused', () => {
    const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
      const c = parseCommandLine(argv, env);
      return c.kind === 'run' ? c.options.clock : undefined;
    };
    expect(run([])).toBeUndefined();
    expect(run(['--clock', 'manual'])).toBe('manual');
    expect(run([], { SQS_EMULATOR_CLOCK: 'manual' })).toBe('manual');
    expect(run(['--clock=system'], { SQS_EMULATOR_CLOCK: 'manual' })).toBe('system');
    expect(() => run(['--clock', 'fast'])).toThrow('--clock: clock must be system or manual, got "fast"');
  });
});

test('waitForLongPoll times out with how many polls were waiting', async () => {
  const server = await emulator({ clock: 'manual' });
  try {
    await expect(server.waitForLongPoll({ queue: 'nothing-here', count: 2, timeoutMs: 20 })).rejects.toThrow(
      'waitForLongPoll: 0 of 2 long poll(s) waiting on "nothing-here" after 20 ms',
    );
  } finally {
    await server.stop();
  }
});
