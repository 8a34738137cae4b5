import { mkdirSync } from 'node:fs';
import type { Engine } from '../engine/engine.js';
import type { MessageData } from '../engine/message.js';
import type { MoveTask } from '../engine/moveTasks.js';
import { messageRecord, type AttemptRecord, type ChangeSink, type Queue } from '../engine/queue.js';
import type { Logger } from '../log.js';
import { acquireLock } from './files.js';
import { Journal, journalNumbers, journalPath, replayJournal, restoredState, restoring, type Op } from './journal.js';
import { SnapshotFile } from './snapshotFile.js';

/**
 * Persistence of the whole engine state in a data directory:
 * - `snapshot.jsonl` holds the state up to a journal number (snapshotFile.ts);
 * - `journal-<n>.jsonl` holds one line per group commit, each a list of changes (journal.ts);
 * - `LOCK` keeps a second emulator out.
 * The Store restores both at start, turns the engine's changes into journal records, and
 * runs the timers. In `durable` mode every response that reports success waits until its
 * changes are fsynced (requests arriving together share one fsync). In `snapshot` mode the
 * state is only snapshotted every `snapshotIntervalMs` and on shutdown.
 */

export type PersistenceMode = 'durable' | 'snapshot';

type Pending =
  | { t: 'q'; q: Queue }
  | { t: 'qd'; k: string; at?: number }
  | { t: 'm'; k: string; m: Parameters<typeof messageRecord>[0] }
  | { t: 'd'; k: string; id: string }
  | { t: 'p'; k: string }
  | { t: 'dd'; k: string; key: string; exp: number; data: MessageData }
  | { t: 'mt'; task: MoveTask }
  | { t: 'ra'; k: string; r: AttemptRecord };

const keyOf = (q: Queue): string => `${q.scope.region}/${q.scope.accountId}/${q.name}`;

export class Store implements ChangeSink {
  private pending: Pending[] = [];
  private readonly journal: Journal;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    dir: string,
    private readonly engine: Engine,
    private readonly mode: PersistenceMode,
    private readonly snapshotIntervalMs: number,
    private readonly unlock: () => void,
    private readonly snapshot: SnapshotFile,
  ) {
    this.journal = new Journal(dir, () => snapshot.bytes, () => this.compact());
  }

  /** Locks the directory, restores the state (snapshot, then journals) into `engine`, starts listening to it. */
  static async open(
    dir: string,
    engine: Engine,
    options: { mode: PersistenceMode; snapshotIntervalMs: number; log: Logger },
  ): Promise<Store> {
    mkdirSync(dir, { recursive: true });
    const unlock = acquireLock(dir);
    try {
      const snapshotFile = new SnapshotFile(dir);
      const snapshot = await snapshotFile.read();
      const state = restoring(snapshot);
      const first = snapshot?.journal ?? 1;
      const journals = journalNumbers(dir);
      let replayed = 0;
      for (const n of journals) {
        if (n < first) continue;
        replayed += replayJournal(journalPath(dir, n), state, options.log);
      }
      engine.importState(restoredState(state));
      const store = new Store(dir, engine, options.mode, options.snapshotIntervalMs, unlock, snapshotFile);
      snapshotFile.measure();
      // New changes go to a new journal at once; the restored state is folded into a new
      // snapshot in the background, so the port opens without waiting for it. Until that
      // snapshot is written, the old one and the old journals still hold everything.
      const next = Math.max(first, ...journals, 0) + 1;
      store.journal.open(next);
      engine.changes.sink = store;
      void snapshotFile.write(engine, next).then(
        () => {
          for (const n of journals) store.journal.remove(n);
          snapshotFile.removeLegacy();
        },
        (e: unknown) => options.log.error('Could not write the snapshot after restoring', e),
      );
      store.timer = setInterval(() => {
        if (store.mode === 'durable') void store.commit();
        else void store.snapshotNow();
      }, store.mode === 'durable' ? 1000 : store.snapshotIntervalMs);
      store.timer.unref();
      options.log.info(
        `restored ${state.entries.size} queues from ${dir} (${replayed} journal records) in ${options.mode} mode`,
      );
      return store;
    } catch (e) {
      unlock();
      throw e;
    }
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
      this.journal.append(ops);
    }
    return this.journal.sync();
  }

  /** Folds the journal into a new snapshot: switch to a new journal, snapshot, drop the old one. */
  private async compact(): Promise<void> {
    const old = this.journal.rotate();
    await this.snapshot.write(this.engine, old + 1);
    this.journal.remove(old);
  }

  private async snapshotNow(): Promise<void> {
    this.pending = [];
    await this.snapshot.write(this.engine, this.journal.number);
  }

  /** Final commit and snapshot, then the lock is released. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    await this.commit();
    await this.journal.flushing;
    this.closed = true;
    this.engine.changes.sink = undefined;
    const old = this.journal.close();
    await this.snapshot.write(this.engine, old + 1);
    this.journal.remove(old);
    this.unlock();
  }
}
