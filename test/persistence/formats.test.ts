import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, startEmulator } from '../../src/index.js';
import type { QueueAddress } from '../../src/engine/address.js';
import { Engine } from '../../src/engine/engine.js';
import { messageRecord, type MessageRecord } from '../../src/engine/records.js';

const quiet = { port: 0, logLevel: 'silent' as const };
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'sqs-emulator-formats-'));
const T0 = Date.UTC(2026, 5, 1);
const std: QueueAddress = { region: 'us-east-1', accountId: '000000000000', name: 'std' };
const fifo: QueueAddress = { region: 'us-east-1', accountId: '000000000000', name: 'f.fifo' };

/**
 * An engine with messages in every state, attributes (string and binary), FIFO groups and
 * dedup entries, and each message's latest record as the change stream carried it (the record
 * version 2 wrote to a snapshot line), per queue in store order.
 */
async function populated(clock: ManualClock): Promise<{ engine: Engine; records: Map<string, Map<string, MessageRecord>> }> {
  const engine = new Engine({ clock });
  const records = new Map<string, Map<string, MessageRecord>>();
  engine.changes.subscribe('state', (r) => {
    if (r.type !== 'messageStored' && r.type !== 'messageUpdated') return;
    if (!records.has(r.address.name)) records.set(r.address.name, new Map());
    records.get(r.address.name)!.set(r.message.id, messageRecord(r.message));
  });
  engine.createQueue(std, { fifo: false, attributes: {}, tags: new Map([['team', 'a']]) });
  engine.createQueue(fifo, { fifo: true, attributes: {}, tags: new Map() });
  const attributes = { s: { DataType: 'String', StringValue: 'v' }, b: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 255]) } };
  for (let i = 0; i < 6; i++) {
    engine.sendMessage(std, { MessageBody: `s${i}`, ...(i % 2 ? { MessageAttributes: attributes } : {}) }, { batch: false, senderId: 'me' });
    clock.advance(10);
  }
  engine.sendMessage(std, { MessageBody: 'late', DelaySeconds: 60 }, { batch: false, senderId: 'me' });
  await engine.receiveMessages(std, { maxNumberOfMessages: 2, visibilityTimeout: 120 });
  for (let i = 0; i < 6; i++) {
    engine.sendMessage(fifo, { MessageBody: `f${i}`, MessageGroupId: `g${i % 2}`, MessageDeduplicationId: `d${i}` }, { batch: false, senderId: 'me' });
    clock.advance(10);
  }
  await engine.receiveMessages(fifo, { maxNumberOfMessages: 1, visibilityTimeout: 120 });
  return { engine, records };
}

/** The snapshot of an engine as version 2 wrote it: a `{"m":record}` line per message. */
function version2Snapshot(engine: Engine, records: Map<string, Map<string, MessageRecord>>): string {
  const lines: unknown[] = [{ version: 2, journal: 1, savedAt: 0 }];
  for (const part of engine.snapshotParts()) {
    lines.push({ queue: part.queue, deduplication: part.deduplication, attempts: part.attempts });
    for (const r of records.get(part.queue.name)!.values()) lines.push({ m: r });
  }
  lines.push({ moveTasks: [] }, { deleted: [] }, { end: true });
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

const view = (engine: Engine, address: QueueAddress) => ({ stats: { ...engine.stats(address), waitingReceives: 0 }, messages: engine.peek(address) });

test('a snapshot of the earlier format (version 2) restores every message, state, attribute, group and dedup entry', async () => {
  const clock = new ManualClock(T0);
  const { engine, records } = await populated(clock);
  const before = { std: view(engine, std), fifo: view(engine, fifo) };
  expect(before.std.stats).toMatchObject({ visible: 4, inflight: 2, delayed: 1 });
  const dataDir = tempDir();
  writeFileSync(join(dataDir, 'snapshot.jsonl'), version2Snapshot(engine, records));
  const server = await startEmulator({ ...quiet, dataDir, clock });
  expect({ std: view(server.engine, std), fifo: view(server.engine, fifo) }).toEqual(before);
  // Dedup entries came back: the same deduplication id answers with the original message.
  const again = server.engine.sendMessage(fifo, { MessageBody: 'f0', MessageGroupId: 'g0', MessageDeduplicationId: 'd0' }, { batch: false, senderId: 'me' });
  expect(again.MessageId).toBe(before.fifo.messages[0]!.data.id);
  await server.stop();
  // Rewritten in the current format, it restores the same.
  const lines = readFileSync(join(dataDir, 'snapshot.jsonl'), 'utf8');
  expect(lines).not.toContain('{"m":');
  const again2 = await startEmulator({ ...quiet, dataDir, clock });
  expect({ std: view(again2.engine, std), fifo: view(again2.engine, fifo) }).toEqual(before);
  await again2.stop();
});

test('a hand-written version 2 snapshot and a journal that replaces, deletes and adds messages', async () => {
  const dataDir = tempDir();
  const data = (id: string, body: string) => ({ id, body, sentTimestamp: T0, senderId: 'me' });
  const record = (id: string, body: string, state: string, extra: object = {}) => ({
    data: data(id, body), state, deadline: 0, receiveCount: 0, firstReceiveTimestamp: 0, receivedAt: 0, receiptNonce: '', enqueuedAt: T0, ...extra,
  });
  const queue = {
    region: 'us-east-1', accountId: '000000000000', name: 'old', fifo: false, settings: { visibilityTimeout: 30 }, deduplicationScope: 'queue',
    tags: [], createdTimestamp: T0, lastModifiedTimestamp: T0, lastPurgeAt: null,
  };
  const attributes = { a: { DataType: 'Binary', BinaryValue: Buffer.from('hi').toString('base64') } };
  const snapshot = [
    { version: 2, journal: 1, savedAt: T0 },
    { queue, deduplication: [], attempts: [] },
    { m: { ...record('m1', 'one', 'ready'), data: { ...data('m1', 'one'), attributes, md5OfMessageAttributes: 'x' } } },
    { m: record('m2', 'two', 'inflight', { deadline: T0 + 60_000, receiveCount: 2, firstReceiveTimestamp: T0, receivedAt: T0, receiptNonce: 'n' }) },
    { m: record('m3', 'three', 'ready') },
    { m: record('m5', 'five', 'ready') },
    { moveTasks: [] },
    { deleted: [] },
    { end: true },
  ];
  writeFileSync(join(dataDir, 'snapshot.jsonl'), snapshot.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const k = 'us-east-1/000000000000/old';
  const journal = [
    [{ t: 'm', k, r: record('m3', 'three', 'inflight', { deadline: T0 + 60_000, receiveCount: 1, firstReceiveTimestamp: T0, receivedAt: T0, receiptNonce: 'p' }) }],
    [{ t: 'd', k, id: 'm5' }, { t: 'm', k, r: { ...record('m4', 'four', 'ready'), enqueuedAt: T0 + 1 } }],
  ];
  writeFileSync(join(dataDir, 'journal-1.jsonl'), journal.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const server = await startEmulator({ ...quiet, dataDir, clock: new ManualClock(T0 + 1000) });
  const old = { region: 'us-east-1', accountId: '000000000000', name: 'old' };
  const expected = [['m1', 'ready', 0], ['m2', 'inflight', 2], ['m3', 'inflight', 1], ['m4', 'ready', 0]];
  const got = (engine: Engine) => engine.peek(old).map((m) => [m.data.id, m.state, m.receiveCount]);
  expect(got(server.engine)).toEqual(expected);
  const m1 = server.engine.peek(old)[0]!.data;
  expect(m1.attributes!.a!.BinaryValue).toEqual(Buffer.from('hi'));
  expect(m1.md5OfMessageAttributes).toBe('x');
  expect(server.engine.stats(old)).toMatchObject({ visible: 2, inflight: 2, delayed: 0 });
  await server.stop();
  // Written again in the current format, it reads the same.
  const restarted = await startEmulator({ ...quiet, dataDir, clock: new ManualClock(T0 + 1000) });
  expect(got(restarted.engine)).toEqual(expected);
  expect(restarted.engine.peek(old)[0]!.data.attributes!.a!.BinaryValue).toEqual(Buffer.from('hi'));
  await restarted.stop();
});

test('a corrupt message line is refused naming its line, and the snapshot is kept', async () => {
  const dataDir = tempDir();
  const queue = { region: 'us-east-1', accountId: '000000000000', name: 'q', fifo: false, settings: {}, deduplicationScope: 'queue', tags: [], createdTimestamp: T0, lastModifiedTimestamp: T0, lastPurgeAt: null };
  const good = JSON.stringify(['a', 'body', T0, 'me', 0, 0, 0, 0, 0, '', T0]);
  const write = (line: string) =>
    writeFileSync(join(dataDir, 'snapshot.jsonl'), [JSON.stringify({ version: 3, journal: 1, savedAt: T0 }), JSON.stringify({ queue, deduplication: [], attempts: [] }), good, line, '{"moveTasks":[]}', '{"deleted":[]}', '{"end":true}'].join('\n') + '\n');
  write('["b","bo');
  await expect(startEmulator({ ...quiet, dataDir })).rejects.toThrow(/snapshot .*snapshot\.jsonl is corrupt at line 4: /);
  write('["b"]');
  await expect(startEmulator({ ...quiet, dataDir })).rejects.toThrow(/snapshot .*snapshot\.jsonl is corrupt: line 4 is not a queue, message, move-task or deleted-names line/);
  expect(readFileSync(join(dataDir, 'snapshot.jsonl'), 'utf8')).toContain('["b"]');
  write(good.replace('"a"', '"b"'));
  const server = await startEmulator({ ...quiet, dataDir, clock: new ManualClock(T0) });
  expect(server.engine.peek({ region: 'us-east-1', accountId: '000000000000', name: 'q' }).map((m) => m.data.id)).toEqual(['a', 'b']);
  await server.stop();
});
