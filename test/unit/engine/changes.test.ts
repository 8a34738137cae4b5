import type { StateRecord, TallyRecord } from '../../../src/engine/changes.js';
import type { SqsEvent } from '../../../src/engine/events.js';
import { messageRecord } from '../../../src/engine/records.js';
import { engineOnManualClock, sender } from './support.js';

/** The change stream: plain, serialisable records per topic, and none built without listeners. */

test('state records follow a message from stored to removed, as JSON-able data', async () => {
  const { engine, queue } = engineOnManualClock();
  const state: { type: string; message?: unknown }[] = [];
  // A message change carries the live Message: read at once.
  engine.changes.subscribe('state', (r) => state.push(r.type === 'messageStored' || r.type === 'messageUpdated' ? { ...r, message: messageRecord(r.message) } : r));
  const q = queue('state');
  const { MessageId } = engine.sendMessage(q, { MessageBody: 'x' }, sender);
  const [m] = (await engine.receiveMessages(q, { maxNumberOfMessages: 1 })).messages;
  engine.deleteMessage(q, m!.receiptHandle);
  expect(state.map((r) => r.type)).toEqual(['queueCreated', 'messageStored', 'messageUpdated', 'messageRemoved']);
  expect(state[2]).toMatchObject({ address: { name: q.name }, message: { state: 'inflight', receiveCount: 1, data: { id: MessageId } } });
  expect(JSON.parse(JSON.stringify(state))).toEqual(state);
});

test('spy events and tallies arrive per topic; a FIFO send also records its deduplication entry', () => {
  const { engine, queue } = engineOnManualClock();
  const events: SqsEvent[] = [];
  const tallies: TallyRecord[] = [];
  const state: StateRecord[] = [];
  engine.changes.subscribe('events', (e) => events.push(e));
  engine.changes.subscribe('tally', (t) => tallies.push(t));
  engine.changes.subscribe('state', (r) => state.push(r));
  const q = queue('topics.fifo');
  engine.sendMessage(q, { MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd' }, sender);
  expect(events.map((e) => [e.type, e.message!.body, e.queue.name])).toEqual([['sent', 'x', q.name]]);
  expect(tallies).toEqual([{ type: 'tally', event: 'sent', queue: events[0]!.queue, count: 1 }]);
  expect(state.map((r) => r.type)).toEqual(['queueCreated', 'deduplicationEntry', 'messageStored']);
});

test('without listeners no record is built; unsubscribing turns a topic off again', () => {
  const { engine, queue } = engineOnManualClock();
  let built = 0;
  const message = engine.changes.message.bind(engine.changes);
  engine.changes.message = (...args) => {
    built++;
    message(...args);
  };
  const q = queue('silent');
  engine.sendMessage(q, { MessageBody: 'x' }, sender);
  expect([built, engine.changes.state, engine.changes.messages]).toEqual([0, false, false]);
  const off = engine.changes.subscribe('events', () => undefined);
  engine.sendMessage(q, { MessageBody: 'y' }, sender);
  off();
  engine.sendMessage(q, { MessageBody: 'z' }, sender);
  expect([built, engine.changes.messages]).toEqual([1, false]);
});
