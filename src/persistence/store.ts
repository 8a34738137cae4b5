import { closeSync, existsSync, fsync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Low } from 'lowdb';
import type { DeletedQueueRecord, Engine, EngineState } from '../engine/engine.js';
import type { MessageData } from '../engine/message.js';
import type { MoveTask, MoveTaskRecord } from '../engine/moveTasks.js';
import { messageRecord, messageRecordJson, type AttemptRecord, type ChangeSink, type MessageRecord, type Queue, type QueueRecord } from '../engine/queue.js';
import type { Logger } from '../log.js';
import { acquireLock, JsonLinesFile, type JsonLines } from './files.js';

/**
 * Persistence of the whole engine state in a data directory:
 * - `snapshot.jsonl` (lowdb with a JSON-lines adapter, written atomically) holds the state up
 *   to a journal number: a header line, per queue a queue line followed by one line per
 *   message, the move tasks, and an end line (a snapshot without it is truncated);
 * - `journal-<n>.jsonl` holds one line per group commit, each a list of changes;
 * - `LOCK` keeps a second emulator out.
 * In `durable` mode every response that reports success waits until its changes are
 * fsynced (requests arriving together share one fsync). In `snapshot` mode the state is
 * only snapshotted every `snapshotIntervalMs` and on shutdown.
 */

export type PersistenceMode = 'durable' | 'snapshot';

type Op =
  | { t: 'q'; r: QueueRecord }
  | { t: 'qd'; k: string; at?: number }
  | { t: 'm'; k: string; r: MessageRecord }
  | { t: 'd'; k: string; id: string }
  | { t: 'p'; k: string }
  | { t: 'dd'; k: string; key: string; exp: number; data: MessageData }
  | { t: 'mt'; r: MoveTaskRecord }
  | { t: 'ra'; k: string; r: AttemptRecord };

interface Snapshot {
  /** The first journal whose changes are not in `state`. */
  journal: number;
  state: EngineState;
}

const SNAPSHOT = 'snapshot.jsonl';
/** The single-document snapshot of earlier versions: read once, replaced by the first new snapshot. */
const LEGACY_SNAPSHOT = 'snapshot.json';
const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks and assembles the lines of a snapshot; any surprise is an error naming the file. */
function parseSnapshot(path: string, lines: unknown[]): Snapshot {
  const corrupt = (why: string): never => {
    throw new Error(`snapshot ${path} is corrupt: ${why}`);
  };
  const header = lines[0];
  if (!isObject(header) || header.version !== 2 || typeof header.journal !== 'number') corrupt('line 1 is not a snapshot header');
  if (!isObject(lines[lines.length - 1]) || (lines[lines.length - 1] as { end?: unknown }).end !== true) corrupt('it is truncated (no end line)');
  const state: EngineState = { queues: [], moveTasks: [], deleted: [] };
  let current: EngineState['queues'][number] | undefined;
  for (let i = 1; i < lines.length - 1; i++) {
    const line = lines[i];
    if (isObject(line) && isObject(line.m) && current) current.messages.push(line.m as MessageRecord);
    else if (isObject(line) && isObject(line.queue) && Array.isArray(line.deduplication)) {
      current = { queue: line.queue as QueueRecord, deduplication: line.deduplication, messages: [] };
      if (Array.isArray(line.attempts)) current.attempts = line.attempts as AttemptRecord[];
      state.queues.push(current);
    } else if (isObject(line) && Array.isArray(line.moveTasks)) state.moveTasks = line.moveTasks as MoveTaskRecord[];
    else if (isObject(line) && Array.isArray(line.deleted)) state.deleted = line.deleted as DeletedQueueRecord[];
    else corrupt(`line ${i + 1} is not a queue, message, move-task or deleted-names line`);
  }
  return { journal: (header as { journal: number }).journal, state };
}

function readLegacySnapshot(path: string): Snapshot | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`snapshot ${path} is corrupt: ${(e as Error).message}`);
  }
  if (!isObject(parsed) || parsed.version !== 1 || !isObject(parsed.state) || !Array.isArray(parsed.state.queues)) {
    throw new Error(`snapshot ${path} is corrupt: unexpected structure`);
  }
  return { journal: parsed.journal as number, state: parsed.state as EngineState };
}

type Pending =
  | { t: 'q'; q: Queue }
  | { t: 'qd'; k: string; at?: number }
  | { t: 'm'; k: string; m: Parameters<typeof messageRecord>[0] }
  | { t: 'd'; k: string; id: string }
  | { t: 'p'; k: string }
  | { t: 'dd'; k: string; key: string; exp: number; data: MessageData }
  | { t: 'mt'; task: MoveTask }
  | { t: 'ra'; k: string; r: AttemptRecord };

const fsyncAsync = promisify(fsync);

const keyOf = (q: Queue): string => `${q.scope.region}/${q.scope.accountId}/${q.name}`;
const JOURNAL = /^journal-(\d+)\.jsonl$/;
/** The journal is folded into a new snapshot once it outgrows both this and the last snapshot. */
const COMPACT_BYTES = 16 * 1024 * 1024;
/** How long one event-loop turn may serialise messages while a snapshot is written. */
const SLICE_MS = 5;
/** Buffer size of one slice of a snapshot. */
const SLICE_BYTES = 4 * 1024 * 1024;

interface Entry {
  queue: QueueRecord;
  attempts: Map<string, AttemptRecord>;
  messages: Map<string, MessageRecord>;
  deduplication: Map<string, [string, number, MessageData]>;
}

/** Plain state being rebuilt from a snapshot and journals. */
interface Restoring {
  entries: Map<string, Entry>;
  /** Recently deleted names (strict mode), by `region/account/name`. */
  deleted: Map<string, number>;
  /** By task id, oldest first (Map keeps insertion order). */
  moveTasks: Map<string, MoveTaskRecord>;
}

/** Applies journal changes to plain state. */
function replay({ entries, moveTasks, deleted }: Restoring, op: Op): void {
  switch (op.t) {
    case 'mt':
      moveTasks.set(op.r.taskId, op.r);
      break;
    case 'ra':
      entries.get(op.k)?.attempts.set(op.r[0], op.r);
      break;
    case 'q': {
      const k = `${op.r.region}/${op.r.accountId}/${op.r.name}`;
      const existing = entries.get(k);
      if (existing) existing.queue = op.r;
      else entries.set(k, { queue: op.r, messages: new Map(), deduplication: new Map(), attempts: new Map() });
      deleted.delete(k);
      break;
    }
    case 'qd':
      entries.delete(op.k);
      if (op.at !== undefined) deleted.set(op.k, op.at);
      break;
    case 'm':
      entries.get(op.k)?.messages.set(op.r.data.id, op.r);
      break;
    case 'd':
      entries.get(op.k)?.messages.delete(op.id);
      break;
    case 'p': {
      const e = entries.get(op.k);
      e?.messages.clear();
      e?.deduplication.clear();
      e?.attempts.clear();
      break;
    }
    case 'dd':
      entries.get(op.k)?.deduplication.set(op.key, [op.key, op.exp, op.data]);
      break;
  }
}

export class Store implements ChangeSink {
  private pending: Pending[] = [];
  private buffer = '';
  private waiting: (() => void)[] = [];
  private flushing: Promise<void> | undefined;
  private journalFd = -1;
  private journalNumber = 1;
  private journalBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Snapshot writes run one after another. */
  private snapshotting: Promise<void> = Promise.resolve();
  /** Size of the latest snapshot: compaction waits for a journal as large, so it stays linear. */
  private snapshotBytes = 0;
  private compacting = false;

  private constructor(
    private readonly dir: string,
    private readonly engine: Engine,
    private readonly mode: PersistenceMode,
    private readonly snapshotIntervalMs: number,
    private readonly log: Logger,
    private readonly unlock: () => void,
    private readonly db: Low<unknown[] | JsonLines | null>,
  ) {}

  /** Locks the directory, restores the state (snapshot, then journals) into `engine`, starts listening to it. */
  static async open(
    dir: string,
    engine: Engine,
    options: { mode: PersistenceMode; snapshotIntervalMs: number; log: Logger },
  ): Promise<Store> {
    mkdirSync(dir, { recursive: true });
    const unlock = await acquireLock(dir);
    try {
      const path = join(dir, SNAPSHOT);
      const db = new Low<unknown[] | JsonLines | null>(new JsonLinesFile(path), null);
      await db.read();
      const lines = db.data as unknown[] | null;
      db.data = null;
      const snapshot = lines ? parseSnapshot(path, lines) : readLegacySnapshot(join(dir, LEGACY_SNAPSHOT));
      const entries = new Map<string, Entry>();
      const moveTasks = new Map((snapshot?.state.moveTasks ?? []).map((r) => [r.taskId, r]));
      const deleted = new Map((snapshot?.state.deleted ?? []).map(([region, account, name, at]) => [`${region}/${account}/${name}`, at]));
      for (const q of snapshot?.state.queues ?? []) {
        entries.set(`${q.queue.region}/${q.queue.accountId}/${q.queue.name}`, {
          queue: q.queue,
          messages: new Map(q.messages.map((m) => [m.data.id, m])),
          deduplication: new Map(q.deduplication.map((d) => [d[0], d])),
          attempts: new Map((q.attempts ?? []).map((a) => [a[0], a])),
        });
      }
      const first = snapshot?.journal ?? 1;
      const journals = readdirSync(dir)
        .map((f) => JOURNAL.exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => Number(m[1]))
        .sort((a, b) => a - b);
      let replayed = 0;
      for (const n of journals) {
        if (n < first) continue;
        replayed += Store.replayJournal(join(dir, `journal-${n}.jsonl`), { entries, moveTasks, deleted }, options.log);
      }
      engine.importState({
        queues: [...entries.values()].map((e) => ({
          queue: e.queue,
          messages: [...e.messages.values()],
          deduplication: [...e.deduplication.values()],
          attempts: [...e.attempts.values()],
        })),
        moveTasks: [...moveTasks.values()],
        deleted: [...deleted].map(([k, at]) => [...(k.split('/') as [string, string, string]), at]),
      });
      const store = new Store(dir, engine, options.mode, options.snapshotIntervalMs, options.log, unlock, db);
      store.snapshotBytes = existsSync(path) ? statSync(path).size : 0;
      // New changes go to a new journal at once; the restored state is folded into a new
      // snapshot in the background, so the port opens without waiting for it. Until that
      // snapshot is written, the old one and the old journals still hold everything.
      const next = Math.max(first, ...journals, 0) + 1;
      store.openJournal(next);
      engine.changes.sink = store;
      void store.writeSnapshot(next).then(
        () => {
          for (const n of journals) unlinkSync(join(dir, `journal-${n}.jsonl`));
          if (existsSync(join(dir, LEGACY_SNAPSHOT))) unlinkSync(join(dir, LEGACY_SNAPSHOT));
        },
        (e: unknown) => options.log.error('Could not write the snapshot after restoring', e),
      );
      store.timer = setInterval(() => {
        if (store.mode === 'durable') void store.commit();
        else void store.snapshotNow();
      }, store.mode === 'durable' ? 1000 : store.snapshotIntervalMs);
      store.timer.unref();
      options.log.info(
        `restored ${entries.size} queues from ${dir} (${replayed} journal records) in ${options.mode} mode`,
      );
      return store;
    } catch (e) {
      unlock();
      throw e;
    }
  }

  /** One JSON array of changes per line; only a torn last line (crash mid-write, never acknowledged) is dropped. */
  private static replayJournal(path: string, state: Restoring, log: Logger): number {
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    const torn = lines.pop() ?? '';
    let count = 0;
    lines.forEach((line, i) => {
      if (line === '') return;
      let ops: Op[];
      try {
        ops = JSON.parse(line) as Op[];
        if (!Array.isArray(ops)) throw new Error('not a list of changes');
      } catch (e) {
        throw new Error(`journal ${path} is corrupt at line ${i + 1}: ${(e as Error).message}`);
      }
      for (const op of ops) replay(state, op);
      count++;
    });
    if (torn !== '') log.warn(`journal ${path}: dropped a torn last record (${torn.length} bytes, never acknowledged)`);
    return count;
  }

  // ---- ChangeSink ------------------------------------------------------------------------

  queue(queue: Queue): void {
    this.pending.push({ t: 'q', q: queue });
  }
  queueDeleted(queue: Queue): void {
    const at = this.engine.deletedAtOf(queue);
    this.pending.push(at === undefined ? { t: 'qd', k: keyOf(queue) } : { t: 'qd', k: keyOf(queue), at });
  }
  message(queue: Queue, message: Parameters<typeof messageRecord>[0]): void {
    this.pending.push({ t: 'm', k: keyOf(queue), m: message });
  }
  removed(queue: Queue, messageId: string): void {
    this.pending.push({ t: 'd', k: keyOf(queue), id: messageId });
  }
  purged(queue: Queue): void {
    this.pending.push({ t: 'p', k: keyOf(queue) }, { t: 'q', q: queue });
  }
  deduplicated(queue: Queue, key: string, expiresAt: number, data: MessageData): void {
    this.pending.push({ t: 'dd', k: keyOf(queue), key, exp: expiresAt, data });
  }
  moveTask(task: MoveTask): void {
    this.pending.push({ t: 'mt', task });
  }
  attempt(queue: Queue, record: AttemptRecord): void {
    this.pending.push({ t: 'ra', k: keyOf(queue), r: record });
  }

  /**
   * Makes every change made so far durable. In durable mode the returned promise resolves
   * after the fsync that covers them; all requests waiting at that moment share it.
   */
  commit(): Promise<void> {
    if (this.mode === 'snapshot' || this.closed) {
      this.pending = [];
      return Promise.resolve();
    }
    if (this.pending.length > 0) {
      // Each record is written once, with its state at commit time: a queue where it first
      // appears (before its messages), a message where it last changed (after any purge).
      const last = new Map<unknown, number>();
      this.pending.forEach((p, i) => {
        if (p.t === 'm') last.set(p.m, i);
        else if (p.t === 'mt') last.set(p.task, i);
      });
      const seen = new Set<unknown>();
      const ops: Op[] = [];
      this.pending.forEach((p, i) => {
        if (p.t === 'm') {
          if (last.get(p.m) === i) ops.push({ t: 'm', k: p.k, r: messageRecord(p.m) });
        } else if (p.t === 'mt') {
          if (last.get(p.task) === i) ops.push({ t: 'mt', r: p.task.record() });
        } else if (p.t === 'q') {
          if (!seen.has(p.q)) ops.push({ t: 'q', r: p.q.record() });
          seen.add(p.q);
        } else {
          ops.push(p);
        }
      });
      this.pending = [];
      this.buffer += JSON.stringify(ops) + '\n';
    }
    if (this.buffer === '' && !this.flushing) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  private async flush(): Promise<void> {
    // Let the requests of this event-loop turn join the same fsync.
    await new Promise((r) => setImmediate(r));
    while (this.buffer !== '') {
      const text = this.buffer;
      const waiters = this.waiting;
      this.buffer = '';
      this.waiting = [];
      writeSync(this.journalFd, text);
      // The fsync runs off the event loop: requests keep being served meanwhile, and their
      // changes form the next group, made durable by the next fsync.
      await fsyncAsync(this.journalFd);
      this.journalBytes += Buffer.byteLength(text);
      for (const w of waiters) w();
    }
    for (const w of this.waiting.splice(0)) w();
    this.flushing = undefined;
    if (this.journalBytes > Math.max(COMPACT_BYTES, this.snapshotBytes) && !this.compacting) {
      this.compacting = true;
      await this.compact().finally(() => {
        this.compacting = false;
      });
    }
  }

  /** Folds the journal into a new snapshot: switch to a new journal, snapshot, drop the old one. */
  private async compact(): Promise<void> {
    const old = this.journalNumber;
    closeSync(this.journalFd);
    this.openJournal(old + 1);
    await this.writeSnapshot(old + 1);
    unlinkSync(join(this.dir, `journal-${old}.jsonl`));
  }

  private openJournal(n: number): void {
    this.journalNumber = n;
    const path = join(this.dir, `journal-${n}.jsonl`);
    this.journalFd = openSync(path, 'a');
    this.journalBytes = existsSync(path) ? statSync(path).size : 0;
  }

  /**
   * Writes a snapshot of the state as of now, sliced: message references are taken in one
   * step, then serialised a slice per event-loop turn. Changes made meanwhile are also in the
   * journal that follows the snapshot, and replaying them is idempotent.
   */
  private writeSnapshot(journal: number): Promise<void> {
    const write = async (): Promise<void> => {
      const parts = this.engine.exportParts();
      const moveTasks = this.engine.moveTasks.records();
      const deleted = this.engine.deletedRecords();
      const header = { version: 2, journal, savedAt: this.engine.clock.now() };
      this.db.data = {
        async *pieces() {
          yield JSON.stringify(header) + '\n';
          for (const part of parts) {
            yield `{"queue":${JSON.stringify(part.queue)},"deduplication":${JSON.stringify(part.deduplication)},"attempts":${JSON.stringify(part.attempts)}}\n`;
            // Serialised in slices of about SLICE_MS each: requests run between slices. Lines go
            // straight into a buffer outside the JS heap, so that no slice leaves garbage that
            // the young generation has to copy (long scavenges were the snapshot's longest stalls).
            const messages = part.messages;
            for (let next = messages.next(); !next.done; ) {
              const until = performance.now() + SLICE_MS;
              let chunk = Buffer.allocUnsafe(SLICE_BYTES);
              let used = 0;
              do {
                for (let n = 0; n < 256 && !next.done; n++, next = messages.next()) {
                  const line = `{"m":${messageRecordJson(next.value)}}\n`;
                  if (used + line.length * 3 > chunk.length) {
                    if (used > 0) yield chunk.subarray(0, used);
                    chunk = Buffer.allocUnsafe(Math.max(SLICE_BYTES, line.length * 3));
                    used = 0;
                  }
                  used += chunk.write(line, used);
                }
              } while (!next.done && performance.now() < until);
              if (used > 0) yield chunk.subarray(0, used);
              await new Promise((r) => setImmediate(r));
            }
          }
          yield `{"moveTasks":${JSON.stringify(moveTasks)}}\n{"deleted":${JSON.stringify(deleted)}}\n{"end":true}\n`;
        },
      };
      try {
        await this.db.write();
      } finally {
        this.db.data = null;
      }
      this.snapshotBytes = statSync(join(this.dir, SNAPSHOT)).size;
    };
    this.snapshotting = this.snapshotting.then(write, write);
    return this.snapshotting;
  }

  private async snapshotNow(): Promise<void> {
    this.pending = [];
    await this.writeSnapshot(this.journalNumber);
  }

  /** Final commit and snapshot, then the lock is released. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    await this.commit();
    await this.flushing;
    this.closed = true;
    this.engine.changes.sink = undefined;
    const old = this.journalNumber;
    closeSync(this.journalFd);
    await this.writeSnapshot(old + 1);
    unlinkSync(join(this.dir, `journal-${old}.jsonl`));
    this.unlock();
  }
}
