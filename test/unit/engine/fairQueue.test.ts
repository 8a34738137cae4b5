import { ManualClock } from '../../../src/engine/clock.js';
import { Engine } from '../../../src/engine/engine.js';
import type { QueueInfo } from '../../../src/engine/address.js';
import type { SqsEvent } from '../../../src/engine/events.js';
import type { EngineState } from '../../../src/engine/records.js';

/**
 * Fair queues on the engine (standard queues, MessageGroupId = tenant), on a manual clock.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-fair-queues.html
 */

const scope = { region: 'us-east-1', accountId: '000000000000' };
let ids = 0;

/** Each test queue's engine: the helpers go through the facade. */
const engines = new WeakMap<QueueInfo, Engine>();

function create(engine: Engine, name: string, attributes: Record<string, string> = {}, fifo = false): QueueInfo {
  const queue = engine.createQueue({ ...scope, name }, { fifo, attributes, tags: new Map() });
  engines.set(queue, engine);
  return queue;
}

function setup(): { engine: Engine; clock: ManualClock; queue: QueueInfo; events: SqsEvent[] } {
  const clock = new ManualClock();
  const engine = new Engine({ clock });
  const events: SqsEvent[] = [];
  engine.changes.subscribe('events', (e) => {
    if (e.type === 'groupNoisy' || e.type === 'groupQuiet') events.push(e);
  });
  const queue = create(engine, `fair-${ids++}`, { VisibilityTimeout: '43200' });
  return { engine, clock, queue, events };
}

function send(queue: QueueInfo, _clock: ManualClock, body: string, groupId?: string, delaySeconds?: number): void {
  engines.get(queue)!.sendMessage(queue, { MessageBody: body, MessageGroupId: groupId, DelaySeconds: delaySeconds }, { batch: false, senderId: scope.accountId });
}

const receive = async (queue: QueueInfo, n = 1) => (await engines.get(queue)!.receiveMessages(queue, { maxNumberOfMessages: n })).messages;
const bodies = async (queue: QueueInfo, n = 1): Promise<string[]> => (await receive(queue, n)).map((r) => r.data.body);
const metrics = (queue: QueueInfo) => engines.get(queue)!.fairQueueMetrics(queue);
const deleteMessage = (queue: QueueInfo, receiptHandle: string): void => engines.get(queue)!.deleteMessage(queue, receiptHandle);

/** A noisy tenant: `backlog` messages of which `inflight` received (concurrency share). */
async function noisyTenant(queue: QueueInfo, clock: ManualClock, groupId: string, backlog: number, inflight: number): Promise<void> {
  for (let i = 0; i < backlog; i++) send(queue, clock, `${groupId}-${i}`, groupId);
  for (let got = 0; got < inflight; ) got += (await receive(queue, Math.min(10, inflight - got))).length;
}

test('quiet tenants behind a noisy 5,000-message backlog are each received at the next receive', async () => {
  const { queue, clock, events } = setup();
  await noisyTenant(queue, clock, 'noisy', 5_000, 30);
  expect(events.map((e) => [e.type, e.group!.groupId, e.group!.reason])).toEqual([['groupNoisy', 'noisy', 'concurrency']]);
  expect(events[0]!.group).toMatchObject({ inflight: 30, queueInflight: 30, visible: 4_970 });

  // Dwell of one receive: each quiet message is the very next message received.
  for (let i = 0; i < 10; i++) {
    send(queue, clock, `quiet-${i}`, `tenant-${i}`);
    expect(await bodies(queue)).toEqual([`quiet-${i}`]);
  }
  // Sent together, ten more all come before the noisy backlog moves on, in send order.
  for (let i = 10; i < 20; i++) send(queue, clock, `quiet-${i}`, `tenant-${i}`);
  const visibleBefore = engines.get(queue)!.stats(queue).visible;
  expect(await bodies(queue, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `quiet-${i + 10}`));
  expect(engines.get(queue)!.stats(queue).visible).toBe(visibleBefore - 10);
  // Then the noisy backlog again, from where it was (not dropped, not throttled).
  expect(await bodies(queue, 3)).toEqual(['noisy-30', 'noisy-31', 'noisy-32']);
});

test('without noisy tenants the order is the order of becoming visible, grouped or not', async () => {
  const { queue, clock } = setup();
  const sent = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const groups = [undefined, 'x', undefined, 'y', 'x', undefined, 'z', 'y'];
  sent.forEach((b, i) => send(queue, clock, b, groups[i]));
  expect(await bodies(queue, 10)).toEqual(sent);
});

test('ungrouped messages keep their order, and a message given back goes first again', async () => {
  const { queue, clock } = setup();
  for (let i = 0; i < 5; i++) send(queue, clock, `u${i}`);
  const first = await engines.get(queue)!.receiveMessages(queue, { maxNumberOfMessages: 2 });
  expect(first.messages.map((r) => r.data.body)).toEqual(['u0', 'u1']);
  first.giveBack();
  expect(await bodies(queue, 10)).toEqual(['u0', 'u1', 'u2', 'u3', 'u4']);
});

test('ungrouped messages are never held back: they come before a noisy tenant, in their order', async () => {
  const { queue, clock } = setup();
  await noisyTenant(queue, clock, 'big', 100, 30);
  for (let i = 0; i < 3; i++) send(queue, clock, `u${i}`);
  expect(await bodies(queue, 5)).toEqual(['u0', 'u1', 'u2', 'big-30', 'big-31']);
});

test('several noisy tenants: the one with fewest in flight goes first', async () => {
  const { queue, clock } = setup();
  await noisyTenant(queue, clock, 'a', 100, 40);
  await noisyTenant(queue, clock, 'b', 100, 33);
  expect(metrics(queue)!.noisyGroups.map((g) => [g.groupId, g.reason, g.inflight])).toEqual([
    ['a', 'concurrency', 40],
    ['b', 'concurrency', 33],
  ]);
  // b has fewer in flight: it goes first until it has more than a.
  const got = await bodies(queue, 10);
  expect(got.slice(0, 7)).toEqual(['b-33', 'b-34', 'b-35', 'b-36', 'b-37', 'b-38', 'b-39']);
  // At 40 each the tie goes to the older head, then they alternate by in-flight count.
  expect(got.slice(7)).toEqual(['a-40', 'b-40', 'a-41']);
});

test('a tenant with more than 10% of the recent processing time is noisy; quiet once the window passes', async () => {
  const { queue, clock, events } = setup();
  for (let i = 0; i < 2; i++) send(queue, clock, `slow-${i}`, 'slow');
  const slow = await receive(queue, 2);
  clock.advance(10_000);
  for (let i = 0; i < 9; i++) {
    send(queue, clock, `fast-${i}`, `fast-${i}`);
    const [r] = await receive(queue);
    clock.advance(100);
    deleteMessage(queue, r!.receiptHandle);
  }
  for (let i = 2; i < 5; i++) send(queue, clock, `slow-${i}`, 'slow');
  expect(events).toEqual([]);
  for (const r of slow) deleteMessage(queue, r.receiptHandle);
  // Noisy from its first delete on: 10.9 s of 11.8 s of processing.
  const noisy = events.find((e) => e.type === 'groupNoisy')!;
  expect(noisy.group).toMatchObject({ groupId: 'slow', reason: 'processingTime', inflight: 1, visible: 3 });
  expect(noisy.group!.processingTimeShare).toBeCloseTo(10_900 / 11_800, 5);

  send(queue, clock, 'quiet', 'other');
  expect(await bodies(queue)).toEqual(['quiet']);
  expect(await bodies(queue)).toEqual(['slow-2']);
  expect(metrics(queue)!.noisyGroups[0]!.processingTimeShare).toBeCloseTo(21_800 / 22_700, 5);

  // 60 s later nothing is left in the window: quiet again ("shares fell"), in send order.
  clock.advance(60_000);
  send(queue, clock, 'later', 'other');
  expect(await bodies(queue, 2)).toEqual(['slow-3', 'slow-4']);
  expect(events.map((e) => [e.type, e.group!.reason])).toEqual([
    ['groupNoisy', 'processingTime'],
    ['groupQuiet', 'sharesFell'],
  ]);
});

test('the processing-time share is not computed over a zero total (instant deletes)', async () => {
  const { queue, clock, events } = setup();
  for (let i = 0; i < 3; i++) send(queue, clock, `g-${i}`, 'g');
  const [r] = await receive(queue);
  deleteMessage(queue, r!.receiptHandle);
  expect(events).toEqual([]);
  expect(metrics(queue)!.ApproximateNumberOfNoisyGroups).toBe(0);
});

test('a noisy tenant turns quiet when its backlog empties', async () => {
  const { queue, clock, events } = setup();
  await noisyTenant(queue, clock, 'n', 35, 30);
  expect(events.map((e) => e.type)).toEqual(['groupNoisy']);
  await receive(queue, 5);
  expect(events.map((e) => [e.type, e.group!.reason])).toEqual([
    ['groupNoisy', 'concurrency'],
    ['groupQuiet', 'backlogEmpty'],
  ]);
  expect(metrics(queue)!.ApproximateNumberOfNoisyGroups).toBe(0);
});

test('a noisy tenant turns quiet 5 minutes after its last send, announced when the time comes', async () => {
  const { queue, clock, events } = setup();
  await noisyTenant(queue, clock, 'n', 100, 30);
  clock.advance(4 * 60_000);
  send(queue, clock, 'one more', 'n');
  clock.advance(60_000 + 1);
  // 5 minutes since the first sends, but only 1 since the last one.
  expect(events.map((e) => e.type)).toEqual(['groupNoisy']);
  clock.advance(4 * 60_000);
  expect(events.map((e) => [e.type, e.group!.reason])).toEqual([
    ['groupNoisy', 'concurrency'],
    ['groupQuiet', 'noRecentSends'],
  ]);
  expect(events[1]!.at).toBe(events[0]!.at + 4 * 60_000 + 5 * 60_000);
  // Quiet again, it takes its turn by age: its backlog is older than a new quiet message.
  send(queue, clock, 'new', 'q');
  expect(await bodies(queue)).toEqual(['n-30']);
  // A send of its own makes it noisy again at once (its in-flight share never changed).
  send(queue, clock, 'again', 'n');
  expect(events.map((e) => e.type)).toEqual(['groupNoisy', 'groupQuiet', 'groupNoisy']);
  expect(await bodies(queue)).toEqual(['new']);
});

test('a tenant can turn noisy when others finish: it is re-checked before it is served', async () => {
  const { queue, clock } = setup();
  for (let i = 0; i < 300; i++) send(queue, clock, `u${i}`);
  const ungrouped = [...(await receive(queue, 10))];
  for (let i = 0; i < 29; i++) ungrouped.push(...(await receive(queue, 10)));
  await noisyTenant(queue, clock, 't', 100, 30);
  // 30 of 330 in flight: not more than 10%.
  expect(metrics(queue)!.ApproximateNumberOfNoisyGroups).toBe(0);
  for (const r of ungrouped) deleteMessage(queue, r.receiptHandle);
  send(queue, clock, 'q', 'quiet');
  // t's head is older than q, but t now has all of the in-flight messages.
  expect(await bodies(queue, 2)).toEqual(['q', 't-30']);
});

test('delayed messages count in the backlog; metrics leave noisy tenants out', async () => {
  const { queue, clock } = setup();
  await noisyTenant(queue, clock, 'n', 40, 30);
  send(queue, clock, 'nd', 'n', 60);
  send(queue, clock, 'q1', 'q');
  send(queue, clock, 'qd', 'q', 60);
  send(queue, clock, 'u');
  clock.advance(5_000);
  const [r] = await receive(queue);
  expect(r!.data.body).toBe('q1');
  const m = metrics(queue)!;
  expect(m).toMatchObject({
    ApproximateNumberOfNoisyGroups: 1,
    ApproximateNumberOfMessagesVisibleInQuietGroups: 1,
    ApproximateNumberOfMessagesNotVisibleInQuietGroups: 1,
    ApproximateNumberOfMessagesDelayedInQuietGroups: 1,
    ApproximateAgeOfOldestMessageInQuietGroups: 5,
  });
  expect(m.noisyGroups).toEqual([
    expect.objectContaining({ groupId: 'n', reason: 'concurrency', inflight: 30, queueInflight: 31, visible: 10, delayed: 1 }),
  ]);
  expect(engines.get(queue)!.getQueueAttributes(queue, ['ApproximateNumberOfNoisyGroups']).ApproximateNumberOfNoisyGroups).toBeUndefined();
});

test('PurgeQueue turns noisy tenants quiet; a FIFO queue has no fair-queue metrics', async () => {
  const { engine, queue, clock, events } = setup();
  await noisyTenant(queue, clock, 'n', 40, 30);
  engine.purgeQueue(queue);
  expect(events.map((e) => [e.type, e.group!.reason])).toEqual([
    ['groupNoisy', 'concurrency'],
    ['groupQuiet', 'backlogEmpty'],
  ]);
  expect(metrics(queue)!.ApproximateNumberOfNoisyGroups).toBe(0);
  const fifo = create(engine, 'f.fifo', { FifoQueue: 'true' }, true);
  expect(metrics(fifo)).toBeUndefined();
});

test('no group events are built when nobody listens', async () => {
  const clock = new ManualClock();
  const engine = new Engine({ clock });
  let built = 0;
  const group = engine.changes.group.bind(engine.changes);
  engine.changes.group = (...args) => {
    built++;
    group(...args);
  };
  const queue = create(engine, 'quiet-engine');
  await noisyTenant(queue, clock, 'n', 40, 30);
  expect(metrics(queue)!.ApproximateNumberOfNoisyGroups).toBe(1);
  expect(built).toBe(0);
});

test('a restart rebuilds the tenants: same noisy tenant, same order', async () => {
  const { engine, queue, clock } = setup();
  await noisyTenant(queue, clock, 'n', 50, 30);
  send(queue, clock, 'late', 'n', 30);
  for (let i = 0; i < 3; i++) send(queue, clock, `q${i}`, `q${i}`);
  const state: EngineState = {
    queues: engine.snapshotParts().map((p) => {
      const messages = [];
      for (let r = p.messages.next(); !r.done; r = p.messages.next()) messages.push(JSON.parse(r.value));
      return { queue: p.queue, deduplication: p.deduplication, attempts: p.attempts, messages };
    }),
  };

  const restarted = new Engine({ clock });
  restarted.importState(state);
  const copy = restarted.describeQueue({ ...scope, name: queue.name })!;
  engines.set(copy, restarted);
  expect(metrics(copy)).toMatchObject({ ApproximateNumberOfNoisyGroups: 1, ApproximateNumberOfMessagesVisibleInQuietGroups: 3 });
  expect(await bodies(copy, 5)).toEqual(['q0', 'q1', 'q2', 'n-30', 'n-31']);
  // The delayed one still counts in its tenant's backlog and arrives in turn.
  clock.advance(30_000);
  expect(metrics(copy)!.noisyGroups[0]).toMatchObject({ groupId: 'n', inflight: 32, visible: 19, delayed: 0 });
});
