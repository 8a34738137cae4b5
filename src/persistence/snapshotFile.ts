import { existsSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { Engine } from '../engine/engine.js';
import { isMessageLine, type AttemptRecord, type DeletedQueueRecord, type EngineState, type MessageRecord, type MoveTaskRecord, type QueueRecord, type StoredMessage } from '../engine/records.js';
import { JsonLinesFile, type JsonLines } from './files.js';
import type { TextLines } from './lines.js';

/**
 * `snapshot.jsonl` (lowdb with a JSON-lines adapter, written atomically) holds the state up to
 * a journal number: a header line, per queue a queue line followed by one line per message (an array,
 * MessageLine; version 2 wrote `{"m":record}`, still read),
 * the move tasks, the recently deleted names, and an end line (a snapshot without it is
 * truncated). `snapshot.json`, the single document of earlier versions, is still read.
 */

export interface Snapshot {
  /** The first journal whose changes are not in `state`. */
  journal: number;
  state: EngineState;
}

const SNAPSHOT = 'snapshot.jsonl';
/** The single-document snapshot of earlier versions: read once, replaced by the first new snapshot. */
const LEGACY_SNAPSHOT = 'snapshot.json';
/** How long one event-loop turn may serialise messages while a snapshot is written. */
const SLICE_MS = 5;
/** Buffer size of one slice of a snapshot. */
const SLICE_BYTES = 4 * 1024 * 1024;

const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A message line as written: a MessageLine (version 3) or `{"m":record}` (version 2). */
const isMessageText = (text: string): boolean => text.charCodeAt(0) === 0x5b /* [ */ || text.startsWith('{"m":');

/**
 * The message lines of one queue in a snapshot, parsed one by one as they are read (once):
 * each parsed line becomes a message and dies young.
 */
class SnapshotMessages implements Iterable<StoredMessage> {
  /** Numbers of the first line of each run of message lines, and of the line after it. */
  private readonly runs: number[] = [];

  constructor(private readonly lines: TextLines) {}

  add(line: number): void {
    const runs = this.runs;
    if (runs.length > 0 && runs[runs.length - 1] === line) runs[runs.length - 1] = line + 1;
    else runs.push(line, line + 1);
  }

  *[Symbol.iterator](): Iterator<StoredMessage> {
    const { lines, runs } = this;
    for (let r = 0; r < runs.length; r += 2) {
      const cursor = lines.at(runs[r]!);
      for (let n = runs[r + 1]! - runs[r]!; n > 0; n--) yield parseMessageLine(lines.path, cursor.line, cursor.next());
    }
  }
}

function parseMessageLine(path: string, line: number, text: string): StoredMessage {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`snapshot ${path} is corrupt at line ${line + 1}: ${(e as Error).message}`);
  }
  if (isMessageLine(v)) return v;
  if (isObject(v) && isObject(v.m)) return v.m as MessageRecord;
  throw new Error(`snapshot ${path} is corrupt: line ${line + 1} is not a queue, message, move-task or deleted-names line`);
}

/**
 * Checks and assembles the lines of a snapshot; any surprise is an error naming the file.
 * Message lines are only told apart here; they are parsed as the restore reads them.
 */
function parseSnapshot(path: string, lines: TextLines): Snapshot {
  const corrupt = (why: string): never => {
    throw new Error(`snapshot ${path} is corrupt: ${why}`);
  };
  const parse = (line: number, text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new Error(`snapshot ${path} is corrupt at line ${line + 1}: ${(e as Error).message}`);
    }
  };
  if (lines.count === 0) corrupt('line 1 is not a snapshot header');
  const cursor = lines.at(0);
  const header = parse(0, cursor.next());
  if (!isObject(header) || (header.version !== 2 && header.version !== 3) || typeof header.journal !== 'number') corrupt('line 1 is not a snapshot header');
  const last = lines.count - 1;
  const end = last < 1 ? undefined : parse(last, lines.text(last));
  if (!isObject(end) || end.end !== true) corrupt('it is truncated (no end line)');
  const state: EngineState = { queues: [], moveTasks: [], deleted: [] };
  let current: SnapshotMessages | undefined;
  for (let i = 1; i < last; i++) {
    const text = cursor.next();
    if (current && isMessageText(text)) {
      current.add(i);
      continue;
    }
    const line = parse(i, text);
    if (isObject(line) && isObject(line.m) && current) current.add(i);
    else if (isObject(line) && isObject(line.queue) && Array.isArray(line.deduplication)) {
      current = new SnapshotMessages(lines);
      const queue: EngineState['queues'][number] = { queue: line.queue as QueueRecord, deduplication: line.deduplication, messages: current };
      if (Array.isArray(line.attempts)) queue.attempts = line.attempts as AttemptRecord[];
      state.queues.push(queue);
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

/** The snapshot of a data directory: read once at start, then rewritten whole, one write at a time. */
export class SnapshotFile {
  private readonly path: string;
  private readonly db: Low<TextLines | JsonLines | null>;
  /** Snapshot writes run one after another. */
  private writing: Promise<void> = Promise.resolve();
  /** Size of the latest snapshot: compaction waits for a journal as large, so it stays linear. */
  bytes = 0;

  constructor(private readonly dir: string) {
    this.path = join(dir, SNAPSHOT);
    this.db = new Low<TextLines | JsonLines | null>(new JsonLinesFile(this.path), null);
  }

  /** The snapshot, or the legacy one, or none. */
  async read(): Promise<Snapshot | undefined> {
    await this.db.read();
    const lines = this.db.data as TextLines | null;
    this.db.data = null;
    return lines ? parseSnapshot(this.path, lines) : readLegacySnapshot(join(this.dir, LEGACY_SNAPSHOT));
  }

  /** Measures the snapshot on disk (after a restore). */
  measure(): void {
    this.bytes = existsSync(this.path) ? statSync(this.path).size : 0;
  }

  /** Once a new snapshot is written, the legacy one is obsolete. */
  removeLegacy(): void {
    if (existsSync(join(this.dir, LEGACY_SNAPSHOT))) unlinkSync(join(this.dir, LEGACY_SNAPSHOT));
  }

  /**
   * Writes a snapshot of the state as of now, sliced: message references are taken in one
   * step, then serialised a slice per event-loop turn. Changes made meanwhile are also in the
   * journal that follows the snapshot, and replaying them is idempotent.
   */
  write(engine: Engine, journal: number): Promise<void> {
    const write = async (): Promise<void> => {
      const parts = engine.snapshotParts();
      const moveTasks = engine.moveTaskRecords();
      const deleted = engine.deletedRecords();
      const header = { version: 3, journal, savedAt: engine.clock.now() };
      this.db.data = {
        async *pieces() {
          yield JSON.stringify(header) + '\n';
          for (const part of parts) {
            yield `{"queue":${JSON.stringify(part.queue)},"deduplication":${JSON.stringify(part.deduplication)},"attempts":${JSON.stringify(part.attempts)}}\n`;
            // Serialised in slices of about SLICE_MS each: requests run between slices. Lines go
            // straight into a buffer outside the JS heap, so that no slice leaves garbage that
            // the young generation has to copy (long scavenges were the snapshot's longest stalls).
            const messages = part.messages;
            // A write given up midway closes its reader (a queue keeps a cursor per open reader).
            try {
              for (let next = messages.next(); !next.done; ) {
                const until = performance.now() + SLICE_MS;
                let chunk = Buffer.allocUnsafe(SLICE_BYTES);
                let used = 0;
                do {
                  for (let n = 0; n < 256 && !next.done; n++, next = messages.next()) {
                    const line = `${next.value}\n`;
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
            } finally {
              messages.return?.();
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
      this.bytes = statSync(this.path).size;
    };
    this.writing = this.writing.then(write, write);
    return this.writing;
  }
}
