import { closeSync, fdatasync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { MessageData } from '../engine/message.js';
import { isMessageLine, storedId, type AttemptRecord, type EngineState, type MessageLine, type MessageRecord, type MoveTaskRecord, type QueueRecord, type StoredMessage } from '../engine/records.js';
import type { Logger } from '../log.js';
import type { Snapshot } from './snapshotFile.js';

/**
 * `journal-<n>.jsonl` holds one line per group commit, each a JSON list of changes (ops) made
 * after snapshot `n`'s state. Requests committing together share one write and one fsync;
 * a journal that outgrows the snapshot asks for compaction (a new snapshot).
 */

export type Op =
  | { t: 'q'; r: QueueRecord }
  | { t: 'qd'; k: string; at?: number }
  /** A stored message as a record, as journals of earlier versions wrote it (still read). */
  | { t: 'm'; k: string; r: MessageRecord }
  /** A stored message as its snapshot line. */
  | { t: 'ml'; k: string; m: MessageLine }
  /** Messages stored into one queue (a send), as their snapshot lines. */
  | { t: 's'; k: string; m: MessageLine[] }
  | { t: 'd'; k: string; id: string }
  | { t: 'p'; k: string }
  | { t: 'dd'; k: string; key: string; exp: number; data: MessageData }
  | { t: 'mt'; r: MoveTaskRecord }
  | { t: 'ra'; k: string; r: AttemptRecord };

const JOURNAL = /^journal-(\d+)\.jsonl$/;
/** The journal is folded into a new snapshot once it outgrows both this and the last snapshot. */
const COMPACT_BYTES = 16 * 1024 * 1024;

const fdatasyncAsync = promisify(fdatasync);
/** Group commits whose sync may be under way at once. */
const DEPTH = 2;
/** Zero-filled space is added this many bytes at a time, ahead of the data. */
const FILL = 1024 * 1024;
/** Size of the buffer a group is encoded into; one grown past BUFFER_KEPT is dropped after its group. */
const BUFFER_START = 64 * 1024;
const BUFFER_KEPT = 1024 * 1024;

export const journalPath = (dir: string, n: number): string => join(dir, `journal-${n}.jsonl`);

/** Numbers of the journals in `dir`, ascending. */
export function journalNumbers(dir: string): number[] {
  return readdirSync(dir)
    .map((f) => JOURNAL.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

// ---- Replay -------------------------------------------------------------------------------

/**
 * A queue's messages while a restore replays journals: the snapshot's messages as they will be
 * read (once, lazily), and the journal's changes beside them, by id. The same result as a Map
 * of every message by id (same order too: a replaced one keeps its place, a new or re-added
 * one goes last), without indexing a million snapshot messages by id when the journal touches
 * a few.
 */
class RestoringMessages {
  private readonly changes = new Map<string, StoredMessage | null>();
  /** Ids deleted and then stored again: they go last, as in a Map. */
  private readonly readded = new Set<string>();

  constructor(private base: Iterable<StoredMessage> = []) {}

  set(id: string, r: StoredMessage): void {
    if (this.changes.get(id) === null) {
      this.changes.delete(id);
      this.readded.add(id);
    }
    this.changes.set(id, r);
  }

  delete(id: string): void {
    this.changes.delete(id);
    this.changes.set(id, null);
  }

  clear(): void {
    this.base = [];
    this.changes.clear();
    this.readded.clear();
  }

  /** The messages, to be read once. */
  values(): Iterable<StoredMessage> {
    return this.changes.size === 0 ? this.base : this.merged();
  }

  private *merged(): Generator<StoredMessage> {
    const { changes, readded } = this;
    const placed = new Set<string>();
    const changed = new IdFilter(changes.keys(), changes.size);
    for (const s of this.base) {
      const id = storedId(s);
      // Most snapshot messages are untouched: the filter answers for them without hashing
      // the id string, which a Map lookup of a freshly parsed id does (≈ 0.3 µs each).
      const c = changed.mayHave(id) ? changes.get(id) : undefined;
      if (c === undefined) yield s;
      else if (c !== null && !readded.has(id)) {
        yield c;
        placed.add(id);
      }
    }
    for (const [id, c] of changes) if (c !== null && !placed.has(id)) yield c;
  }
}

/**
 * A set of ids that answers "certainly not in it" from the first eight characters of an id
 * (a message id is a random UUID) and a bitmap with 32 bits per member: about 1 in 32 ids
 * outside it, and every id inside it, answer "maybe", to be checked with the Map.
 */
export class IdFilter {
  private readonly bits: Uint32Array;
  private readonly mask: number;

  constructor(ids: Iterable<string>, size: number) {
    let n = 1024;
    while (n < size * 32) n *= 2;
    this.bits = new Uint32Array(n >>> 5);
    this.mask = n - 1;
    for (const id of ids) {
      const h = this.hash(id);
      this.bits[h >>> 5]! |= 1 << (h & 31);
    }
  }

  mayHave(id: string): boolean {
    const h = this.hash(id);
    return (this.bits[h >>> 5]! & (1 << (h & 31))) !== 0;
  }

  private hash(id: string): number {
    if (id.length < 8) return id.length;
    const x = (id.charCodeAt(0) << 21) ^ (id.charCodeAt(1) << 14) ^ (id.charCodeAt(2) << 7) ^ id.charCodeAt(3)
      ^ (id.charCodeAt(4) << 3) ^ (id.charCodeAt(5) << 10) ^ (id.charCodeAt(6) << 17) ^ (id.charCodeAt(7) << 24);
    return (Math.imul(x, 0x9e3779b1) >>> 7) & this.mask;
  }
}

interface Entry {
  queue: QueueRecord;
  attempts: Map<string, AttemptRecord>;
  messages: RestoringMessages;
  deduplication: Map<string, [string, number, MessageData]>;
}

/** Plain state being rebuilt from a snapshot and journals. */
export interface Restoring {
  entries: Map<string, Entry>;
  /** Recently deleted names (strict mode), by `region/account/name`. */
  deleted: Map<string, number>;
  /** By task id, oldest first (Map keeps insertion order). */
  moveTasks: Map<string, MoveTaskRecord>;
}

/** The state of a snapshot (none: empty), ready for journal changes. */
export function restoring(snapshot: Snapshot | undefined): Restoring {
  const entries = new Map<string, Entry>();
  const moveTasks = new Map((snapshot?.state.moveTasks ?? []).map((r) => [r.taskId, r]));
  const deleted = new Map((snapshot?.state.deleted ?? []).map(([region, account, name, at]) => [`${region}/${account}/${name}`, at]));
  for (const q of snapshot?.state.queues ?? []) {
    entries.set(`${q.queue.region}/${q.queue.accountId}/${q.queue.name}`, {
      queue: q.queue,
      messages: new RestoringMessages(q.messages),
      deduplication: new Map(q.deduplication.map((d) => [d[0], d])),
      attempts: new Map((q.attempts ?? []).map((a) => [a[0], a])),
    });
  }
  return { entries, moveTasks, deleted };
}

/** The rebuilt state, as the engine imports it. */
export function restoredState({ entries, moveTasks, deleted }: Restoring): EngineState {
  return {
    queues: [...entries.values()].map((e) => ({
      queue: e.queue,
      messages: e.messages.values(),
      deduplication: [...e.deduplication.values()],
      attempts: [...e.attempts.values()],
    })),
    moveTasks: [...moveTasks.values()],
    deleted: [...deleted].map(([k, at]) => [...(k.split('/') as [string, string, string]), at]),
  };
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
      else entries.set(k, { queue: op.r, messages: new RestoringMessages(), deduplication: new Map(), attempts: new Map() });
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
    case 'ml':
      entries.get(op.k)?.messages.set(checkedLine(op.m)[0], op.m);
      break;
    case 's': {
      if (!Array.isArray(op.m)) throw new Error('a send change without its message lines');
      const messages = entries.get(op.k)?.messages;
      if (messages) for (const m of op.m) messages.set(checkedLine(m)[0], m);
      break;
    }
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

/** A message line of a journal change, checked as a snapshot's is. */
function checkedLine(m: unknown): MessageLine {
  if (!isMessageLine(m)) throw new Error('a change whose message is not a message line');
  return m;
}

/**
 * A journal's text: its bytes up to the first zero byte, where the zero-filled space after the
 * data begins (JSON text never holds a raw zero byte; journals of earlier versions have none).
 */
export function journalText(path: string): string {
  const bytes = readFileSync(path);
  const end = bytes.indexOf(0);
  return bytes.toString('utf8', 0, end < 0 ? bytes.length : end);
}

/** One JSON array of changes per line; only a torn last line (crash mid-write, never acknowledged) is dropped. */
export function replayJournal(path: string, state: Restoring, log: Logger): number {
  const lines = journalText(path).split('\n');
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
    try {
      for (const op of ops) replay(state, op);
    } catch (e) {
      throw new Error(`journal ${path} is corrupt at line ${i + 1}: ${(e as Error).message}`);
    }
    count++;
  });
  if (torn !== '') log.warn(`journal ${path}: dropped a torn last record (${torn.length} bytes, never acknowledged)`);
  return count;
}

// ---- Writing --------------------------------------------------------------------------------

/**
 * The journal being written: group commit, sync, and the compaction trigger. As in a database's
 * write-ahead log, the file is zero-filled ahead of the data and each group overwrites zeros:
 * its `fdatasync` then writes the data blocks only (no size or block-map change to commit),
 * half the I/Os of an append + `fsync`. Replay stops at the first zero byte.
 */
export class Journal {
  private fd = -1;
  /** Number of the open journal file. */
  number = 1;
  /** Bytes of data in the open journal: the next group is written there. */
  private bytes = 0;
  /** End of the zero-filled space (the file's size). */
  private filled = 0;
  /** The next group's bytes: `pending` of them, encoded as appended (one buffer, reused). */
  private buffer = Buffer.allocUnsafe(BUFFER_START);
  private pending = 0;
  private waiting: (() => void)[] = [];
  /** The flush under way, if any. */
  flushing: Promise<void> | undefined;
  private compacting = false;

  /**
   * `compact` folds the journal into a new snapshot once it outgrows `snapshotBytes()` (and
   * COMPACT_BYTES), so that compaction stays linear.
   */
  constructor(
    private readonly dir: string,
    private readonly snapshotBytes: () => number,
    private readonly compact: () => Promise<void>,
  ) {}

  /** Opens journal `n`, a new file (never one with data: it would be written over its zero tail). */
  open(n: number): void {
    this.number = n;
    this.fd = openSync(journalPath(this.dir, n), 'wx');
    this.bytes = 0;
    this.filled = 0;
  }

  /** Closes the open journal and opens the next; returns the closed one's number. */
  rotate(): number {
    const old = this.number;
    closeSync(this.fd);
    this.open(old + 1);
    return old;
  }

  /** Closes the open journal; returns its number. */
  close(): number {
    closeSync(this.fd);
    return this.number;
  }

  remove(n: number): void {
    unlinkSync(journalPath(this.dir, n));
  }

  /** Adds the line of one group of changes (a JSON list of ops, without its newline), written by the next flush. */
  append(line: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    const need = this.pending + line.length * 3 + 1;
    if (need > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.pending);
      this.buffer = grown;
    }
    this.pending += this.buffer.write(line, this.pending, 'utf8');
    this.buffer[this.pending++] = 10;
  }

  /** Resolves once everything appended so far is synced. */
  sync(): Promise<void> {
    if (this.pending === 0 && !this.flushing) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (!this.flushing) this.flushing = new Promise((done) => (this.flushed = done));
      this.schedule();
    });
  }

  /** Group commits whose sync is under way (at most DEPTH). */
  private inFlight = 0;
  /** Resolves after the last started sync and every one before it (answers go out in order). */
  private tail: Promise<void> = Promise.resolve();
  private scheduled = false;
  private flushed: (() => void) | undefined;

  /**
   * The next group starts on the next turn of the event loop (so that the requests of this
   * turn join it), and may start while the previous group's sync is still under way: two
   * syncs in flight commit about twice as many groups per second on this disk as one after
   * the other. A group's waiters are answered only after its own sync, which covers every
   * byte written before it, and after the groups before it are answered.
   */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= DEPTH) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.commitGroup();
    });
  }

  private commitGroup(): void {
    if (this.pending === 0) {
      if (this.inFlight === 0) void this.finish();
      return;
    }
    // Written synchronously (into the page cache): the buffer is free again once written.
    const bytes = this.buffer.subarray(0, this.pending);
    const waiters = this.waiting;
    this.pending = 0;
    this.waiting = [];
    this.write(bytes);
    // A large group (big bodies) does not keep its buffer.
    if (this.buffer.length > BUFFER_KEPT) this.buffer = Buffer.allocUnsafe(BUFFER_START);
    this.inFlight++;
    // The sync runs off the event loop: requests keep being served meanwhile, and their
    // changes form the next group.
    const synced = fdatasyncAsync(this.fd);
    this.tail = Promise.all([synced, this.tail]).then(() => {
      this.inFlight--;
      for (const w of waiters) w();
      if (this.pending !== 0) this.schedule();
      else if (this.inFlight === 0 && !this.scheduled) void this.finish();
    });
  }

  /**
   * Writes a group over the zeros, filling the next FILL bytes first once the data comes
   * within FILL / 2 of the end: the group's own sync then carries the new size and blocks
   * (an `fdatasync` does when the size changed), and the groups after it overwrite only.
   */
  private write(bytes: Buffer): void {
    const end = this.bytes + bytes.length;
    if (end + FILL / 2 > this.filled) {
      const filled = (Math.floor((end + FILL / 2) / FILL) + 1) * FILL;
      writeAll(this.fd, Buffer.alloc(filled - this.filled), this.filled);
      this.filled = filled;
    }
    writeAll(this.fd, bytes, this.bytes);
    this.bytes = end;
  }

  /** Nothing left to write or sync: answers the rest, ends the flush, compacts if due. */
  private async finish(): Promise<void> {
    for (const w of this.waiting.splice(0)) w();
    const flushed = this.flushed;
    this.flushing = undefined;
    this.flushed = undefined;
    flushed?.();
    if (this.bytes > Math.max(COMPACT_BYTES, this.snapshotBytes()) && !this.compacting) {
      this.compacting = true;
      await this.compact().finally(() => {
        this.compacting = false;
      });
    }
  }
}

/** Writes all of `bytes` at `position` (a short write, as on a full disk, is an error). */
function writeAll(fd: number, bytes: Buffer, position: number): void {
  const written = writeSync(fd, bytes, 0, bytes.length, position);
  if (written !== bytes.length) throw new Error(`journal: wrote ${written} of ${bytes.length} bytes`);
}
