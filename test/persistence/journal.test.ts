import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { messageLine, type MessageLine, type MessageRecord, type QueueRecord } from '../../src/engine/records.js';
import type { Logger } from '../../src/log.js';
import { IdFilter, Journal, journalPath, replayJournal, restoredState, restoring, type Op } from '../../src/persistence/journal.js';
import { Changes, journalLine, journalOps, Store } from '../../src/persistence/store.js';

/** The journal's write path (zero-filled space ahead of the data) and replay over it. */

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'sqs-emulator-journal-'));
const quiet: Logger = { error() {}, warn() {}, info() {}, debug() {} };
const warnings = (): { log: Logger; warned: string[] } => {
  const warned: string[] = [];
  return { log: { ...quiet, warn: (m) => warned.push(m) }, warned };
};

const queue = (name: string): QueueRecord => ({
  region: 'us-east-1',
  accountId: '000000000000',
  name,
  fifo: false,
  settings: {},
  deduplicationScope: 'queue',
  tags: [],
  createdTimestamp: 0,
  lastModifiedTimestamp: 0,
  lastPurgeAt: null,
});
const created = (name: string): Op => ({ t: 'q', r: queue(name) });
const names = (path: string, log: Logger = quiet): string[] => {
  const state = restoring(undefined);
  replayJournal(path, state, log);
  return [...state.entries.values()].map((e) => e.queue.name);
};

test('the journal is zero-filled ahead of its data; replay stops at the zeros', async () => {
  const dir = tempDir();
  const journal = new Journal(dir, () => 0, async () => {});
  journal.open(1);
  journal.append(JSON.stringify([created('a')]));
  journal.append(JSON.stringify([created('b'), created('c')]));
  await journal.sync();
  const path = journalPath(dir, 1);
  const bytes = readFileSync(path);
  const end = bytes.indexOf(0);
  expect(bytes.toString('utf8', 0, end).split('\n')).toHaveLength(3); // two lines, then ''
  expect(bytes.length).toBeGreaterThanOrEqual(1024 * 1024);
  expect(bytes.subarray(end).every((b) => b === 0)).toBe(true);

  // Written over the zeros, not after them; the file grows ahead of the data as it fills.
  for (let i = 0; i < 40; i++) journal.append(JSON.stringify(Array.from({ length: 50 }, (_, j) => created(`q${i}-${j}-${'xé😀'.repeat(75)}`))));
  await journal.sync();
  journal.close();
  const after = readFileSync(path);
  expect(after.indexOf(0)).toBeGreaterThan(600_000);
  expect(after.length - after.indexOf(0)).toBeGreaterThanOrEqual(512 * 1024);
  const { log, warned } = warnings();
  const all = names(path, log);
  expect(all).toHaveLength(3 + 40 * 50);
  expect(all.at(-1)).toBe(`q39-49-${'xé😀'.repeat(75)}`);
  expect(warned).toEqual([]);
});

test('a torn last line before the zero-filled tail is dropped; an earlier corrupt line is an error', () => {
  const dir = tempDir();
  const path = journalPath(dir, 3);
  const zeros = Buffer.alloc(8192);
  writeFileSync(path, Buffer.concat([Buffer.from(`${JSON.stringify([created('kept')])}\n[{"t":"q","r":{"regi`), zeros]));
  const { log, warned } = warnings();
  expect(names(path, log)).toEqual(['kept']);
  expect(warned).toEqual([expect.stringMatching(/dropped a torn last record \(20 bytes, never acknowledged\)/)]);

  // Bytes after the first zero (a later write that reached the disk before an earlier one) are never read.
  writeFileSync(path, Buffer.concat([Buffer.from(`${JSON.stringify([created('first')])}\n`), zeros, Buffer.from(`${JSON.stringify([created('later')])}\n`), zeros]));
  expect(names(path)).toEqual(['first']);

  writeFileSync(path, Buffer.concat([Buffer.from('not json\n[]\n'), zeros]));
  expect(() => names(path)).toThrow(/journal-3\.jsonl is corrupt at line 1/);

  // Valid JSON whose message changes do not hold message lines is refused the same way, naming the line.
  const k = 'us-east-1/000000000000/kept';
  for (const bad of [{ t: 's', k, m: 5 }, { t: 's', k, m: [['too', 'short']] }, { t: 'ml', k, m: { id: 'x' } }]) {
    writeFileSync(path, Buffer.concat([Buffer.from(`${JSON.stringify([created('kept')])}\n${JSON.stringify([bad])}\n`), zeros]));
    expect(() => names(path)).toThrow(/journal-3\.jsonl is corrupt at line 2: a (send )?change/);
  }
});

test('a journal is never opened over an existing file (its data would be written over)', () => {
  const dir = tempDir();
  writeFileSync(journalPath(dir, 2), `${JSON.stringify([created('old')])}\n`);
  const journal = new Journal(dir, () => 0, async () => {});
  expect(() => journal.open(2)).toThrow(/EEXIST/);
});

test('a journal that outgrows its limit is folded into a snapshot and removed; a restart restores everything', async () => {
  const dir = tempDir();
  const address = { region: 'us-east-1', accountId: '000000000000', name: 'big' };
  const open = async (): Promise<{ engine: Engine; store: Store }> => {
    const engine = new Engine({});
    const store = await Store.open(dir, engine, { mode: 'durable', snapshotIntervalMs: 60_000, log: quiet });
    return { engine, store };
  };
  const { engine, store } = await open();
  engine.createQueue(address, { fifo: false, attributes: {}, tags: new Map() });
  const entries = Array.from({ length: 10 }, (_, j) => ({ Id: `m${j}`, MessageBody: 'x'.repeat(1500) }));
  const journals = (): string[] => readdirSync(dir).filter((f) => f.startsWith('journal-'));
  const first = journals();
  // ≈ 1.6 KB per message: 12,000 messages pass the 16 MiB limit.
  for (let i = 0; i < 1200; i++) {
    engine.sendMessages(address, entries, { batch: true, senderId: '000000000000' });
    await store.commit();
  }
  await store.commit();
  for (let i = 0; i < 100 && journals().some((f) => first.includes(f)); i++) await new Promise((r) => setTimeout(r, 50));
  expect(journals().some((f) => first.includes(f))).toBe(false);
  expect(journals()).toHaveLength(1);
  expect(statSync(join(dir, journals()[0]!)).size).toBeLessThan(16 * 1024 * 1024);
  await store.close();

  const again = await open();
  expect(again.engine.getQueueAttributes(address, ['ApproximateNumberOfMessages'])).toEqual({ ApproximateNumberOfMessages: '12000' });
  await again.store.close();
}, 60_000);

test('a journal line is the JSON of its ops, byte for byte, for messages in every state and any mix of changes', async () => {
  const engine = new Engine({});
  let pending = new Changes();
  /** Each message change's line as built when it was heard. */
  let copies: (MessageLine | undefined)[] = [];
  engine.changes.subscribe('state', (r) => {
    pending.add(r);
    copies.push(r.type === 'messageStored' || r.type === 'messageUpdated' ? messageLine(r.message) : undefined);
  });
  const lines: [string, string][] = [];
  const commit = (): void => {
    lines.push([journalLine(pending), JSON.stringify(journalOps(pending.records, (i) => copies[i]!))]);
    pending = new Changes();
    copies = [];
  };
  const address = (name: string) => ({ region: 'us-east-1', accountId: '000000000000', name });
  const std = address('std');
  const fifo = address('f.fifo');
  engine.createQueue(std, { fifo: false, attributes: { VisibilityTimeout: '60' }, tags: new Map([['team', 'a']]) });
  engine.createQueue(fifo, { fifo: true, attributes: { FifoQueue: 'true' }, tags: new Map() });
  commit();
  const sender = { batch: false, senderId: 'AKIA"quoted\\' };
  engine.sendMessages(std, [
    { Id: 'a', MessageBody: 'plain "quoted" \\ \u2028 é 😀' },
    { Id: 'b', MessageBody: 'attrs', MessageAttributes: { s: { DataType: 'String', StringValue: 'v' }, b: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 255]) } } },
    { Id: 'c', MessageBody: 'late', DelaySeconds: 30 },
    { Id: 'd', MessageBody: 'tab\tand\r\nnewline' },
  ], { ...sender, batch: true, traceHeader: 'Root=1-abc' });
  commit(); // the fast path: stored messages of one queue
  engine.sendMessages(fifo, [{ Id: 'f', MessageBody: 'f1', MessageGroupId: 'g', MessageDeduplicationId: 'd' }], { ...sender, batch: true });
  commit(); // a deduplication entry and a message
  const received = (await engine.receiveMessages(std, { maxNumberOfMessages: 10 })).messages;
  engine.sendMessages(std, [{ Id: 'n', MessageBody: 'new' }], { ...sender, batch: true });
  commit(); // updated (in flight) and stored together
  engine.deleteMessage(std, received[0]!.receiptHandle);
  engine.purgeQueue(fifo);
  commit();
  expect(lines.length).toBe(5);
  for (const [line, expected] of lines) expect(line).toBe(expected);
  const commits = lines.map(([line]) => JSON.parse(line) as Op[]);
  // A send is one op of lines (a delayed one and one with a binary attribute among them); a
  // mixed commit has an op per message, in flight (state 2) and ready (0).
  expect(commits[1]).toEqual([expect.objectContaining({ t: 's', k: 'us-east-1/000000000000/std' })]);
  expect(commits.some((ops) => ops.some((op) => op.t === 's' && op.m.some((m) => m[4] === 1) && JSON.stringify(op).includes('"BinaryValue":"AAH/"')))).toBe(true);
  expect(commits.some((ops) => ops.some((op) => op.t === 'ml' && op.m[4] === 2) && ops.some((op) => op.t === 'ml' && op.m[4] === 0))).toBe(true);
});

test('a journal of the earlier format (a record per stored message) still replays', () => {
  const dir = tempDir();
  const record = (id: string, state: MessageRecord['state'], body: string): MessageRecord => ({
    data: { id, body, sentTimestamp: 5, senderId: '000000000000' } as MessageRecord['data'],
    state, deadline: state === 'ready' ? 0 : 99, receiveCount: state === 'inflight' ? 1 : 0, firstReceiveTimestamp: 0, receivedAt: 0, receiptNonce: '', enqueuedAt: 5,
  });
  const k = 'us-east-1/000000000000/old';
  const ops: Op[] = [created('old'), { t: 'm', k, r: record('a', 'ready', 'one') }, { t: 'm', k, r: record('b', 'inflight', 'two') }];
  const newer: Op[] = [{ t: 'ml', k, m: ['c', 'three', 6, '000000000000', 0, 0, 0, 0, 0, '', 6] }, { t: 'd', k, id: 'a' }];
  writeFileSync(journalPath(dir, 1), `${JSON.stringify(ops)}\n${JSON.stringify(newer)}\n`);
  const state = restoring(undefined);
  expect(replayJournal(journalPath(dir, 1), state, quiet)).toBe(2);
  const messages = [...restoredState(state).queues[0]!.messages].map((s) => (Array.isArray(s) ? s[1] : `${s.data.body} ${s.state}`));
  expect(messages).toEqual(['two inflight', 'three']);
});

test('journal changes merge into the snapshot\'s messages as into a Map by id: a replaced one keeps its place, a re-added or new one goes last, a deleted one is gone', () => {
  // A fixed-seed generator, so that the ids and the changes are the same on every run.
  let seed = 19;
  const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const uuid = (): string => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const line = (id: string, body: string): MessageLine => [id, body, 1, '000000000000', 0, 0, 0, 0, 0, '', 1];
  const record = (id: string, body: string): MessageRecord => ({
    data: { id, body, sentTimestamp: 2, senderId: '000000000000' } as MessageRecord['data'],
    state: 'ready', deadline: 0, receiveCount: 0, firstReceiveTimestamp: 0, receivedAt: 0, receiptNonce: '', enqueuedAt: 2,
  });
  const base = Array.from({ length: 5000 }, () => line(uuid(), 'snapshot'));
  const model = new Map<string, string>(base.map((l) => [l[0], 'snapshot']));
  const ops: Op[] = [];
  const k = 'us-east-1/000000000000/q';
  const ids = base.map((l) => l[0]);
  for (let i = 0; i < 3000; i++) {
    const r = random();
    const id = r < 0.3 ? uuid() : ids[Math.floor(random() * ids.length)]!;
    if (r < 0.3) ids.push(id);
    if (r > 0.8) {
      ops.push({ t: 'd', k, id });
      model.delete(id);
    } else {
      const body = `journal ${i}`;
      ops.push({ t: 'm', k, r: record(id, body) });
      model.set(id, body);
    }
  }
  const state = restoring({ journal: 1, state: { queues: [{ queue: queue('q'), messages: base, deduplication: [], attempts: [] }], moveTasks: [], deleted: [] } });
  const dir = tempDir();
  writeFileSync(journalPath(dir, 1), `${JSON.stringify(ops.slice(0, 1500))}\n${JSON.stringify(ops.slice(1500))}\n`);
  replayJournal(journalPath(dir, 1), state, quiet);
  const messages = [...restoredState(state).queues[0]!.messages].map((s) => (Array.isArray(s) ? [s[0], s[1]] : [s.data.id, s.data.body]));
  expect(messages).toEqual([...model]);
  expect(messages.filter(([, body]) => body === 'snapshot').length).toBeGreaterThan(1000);
});

test('the id filter answers "maybe" for every id in it and "no" for most others', () => {
  const inside = Array.from({ length: 2000 }, (_, i) => `${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}-0000-4000-a000-${String(i).padStart(12, '0')}`);
  const filter = new IdFilter(inside, inside.length);
  expect(inside.every((id) => filter.mayHave(id))).toBe(true);
  const outside = Array.from({ length: 20_000 }, (_, i) => `${((i + 7919) * 40503 >>> 0).toString(16).padStart(8, '0')}-1111-4111-b111-${String(i).padStart(12, '0')}`);
  const maybe = outside.filter((id) => filter.mayHave(id) && !inside.includes(id)).length;
  expect(maybe / outside.length).toBeLessThan(0.1);
  // Ids shorter than the eight characters it hashes are always "maybe" for themselves.
  expect(new IdFilter(['abc'], 1).mayHave('abc')).toBe(true);
});
