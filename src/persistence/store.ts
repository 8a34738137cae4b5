import { mkdirSync } from 'node:fs';
import type { QueueAddress } from '../engine/address.js';
import type { StateRecord } from '../engine/changes.js';
import type { Engine } from '../engine/engine.js';
import type { QueueRecord } from '../engine/records.js';
import type { Logger } from '../log.js';
import { acquireLock } from './files.js';
import { Journal, journalNumbers, journalPath, replayJournal, restoredState, restoring, type Op } from './journal.js';
import { SnapshotFile } from './snapshotFile.js';

/**
 * Persistence of the whole engine state in a data directory:
 * - `snapshot.jsonl` holds the state up to a journal number (snapshotFile.ts);
 * - `journal-<n>.jsonl` holds one line per group commit, each a list of changes (journal.ts);
 * - `LOCK` keeps a second emulator out.
 * The Store restores both at start, turns the engine's change stream (its `state` records)
 * into journal records, and
 * runs the timers. In `durable` mode every response that reports success waits until its
 * changes are fsynced (requests arriving together share one fsync). In `snapshot` mode the
 * state is only snapshotted every `snapshotIntervalMs` and on shutdown.
 */

export type PersistenceMode = 'durable' | 'snapshot';

const keyOf = (q: QueueAddress): string => `${q.region}/${q.accountId}/${q.name}`;

/**
 * The journal line of a commit: each record written once, with its latest state in the commit:
 * a queue where it first appears (before its messages), a message or move task where it last
 * changed (after any purge). A queue deleted and created again starts a new generation.
 */
function journalOps(pending: readonly StateRecord[]): Op[] {
  const generation = new Map<string, number>();
  const keyed = (p: StateRecord & { address: QueueAddress }): string => `${keyOf(p.address)}#${generation.get(keyOf(p.address)) ?? 0}`;
  const queueKey = (r: QueueRecord): string => `${keyOf(r)}#${generation.get(keyOf(r)) ?? 0}`;
  const last = new Map<string, number>();
  const latestQueue = new Map<string, QueueRecord>();
  pending.forEach((p, i) => {
    if (p.type === 'messageStored' || p.type === 'messageUpdated') last.set(`${keyed(p)}\u0000${p.message.data.id}`, i);
    else if (p.type === 'moveTask') last.set(p.task.taskId, i);
    else if (p.type === 'queueCreated' || p.type === 'queueUpdated' || p.type === 'queuePurged') latestQueue.set(queueKey(p.queue), p.queue);
    else if (p.type === 'queueDeleted') generation.set(keyOf(p.address), (generation.get(keyOf(p.address)) ?? 0) + 1);
  });
  generation.clear();
  const seen = new Set<string>();
  const ops: Op[] = [];
  pending.forEach((p, i) => {
    switch (p.type) {
      case 'messageStored':
      case 'messageUpdated':
        if (last.get(`${keyed(p)}\u0000${p.message.data.id}`) === i) ops.push({ t: 'm', k: keyOf(p.address), r: p.message });
        break;
      case 'moveTask':
        if (last.get(p.task.taskId) === i) ops.push({ t: 'mt', r: p.task });
        break;
      case 'queuePurged':
      case 'queueCreated':
      case 'queueUpdated': {
        if (p.type === 'queuePurged') ops.push({ t: 'p', k: keyOf(p.queue) });
        const key = queueKey(p.queue);
        if (!seen.has(key)) ops.push({ t: 'q', r: latestQueue.get(key)! });
        seen.add(key);
        break;
      }
      case 'queueDeleted':
        ops.push(p.deletedAt === undefined ? { t: 'qd', k: keyOf(p.address) } : { t: 'qd', k: keyOf(p.address), at: p.deletedAt });
        generation.set(keyOf(p.address), (generation.get(keyOf(p.address)) ?? 0) + 1);
        break;
      case 'messageRemoved':
        ops.push({ t: 'd', k: keyOf(p.address), id: p.messageId });
        break;
      case 'deduplicationEntry':
        ops.push({ t: 'dd', k: keyOf(p.address), key: p.entry[0], exp: p.entry[1], data: p.entry[2] });
        break;
      case 'receiveAttempt':
        ops.push({ t: 'ra', k: keyOf(p.address), r: p.attempt });
        break;
    }
  });
  return ops;
}

export class Store {
  /** Changes heard from the engine since the last commit. */
  private pending: StateRecord[] = [];
  private unsubscribe: (() => void) | undefined;
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
    const unlock = await acquireLock(dir);
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
      store.unsubscribe = engine.changes.subscribe('state', (record) => store.pending.push(record));
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
      this.journal.append(journalOps(this.pending));
      this.pending = [];
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
    this.unsubscribe?.();
    const old = this.journal.close();
    await this.snapshot.write(this.engine, old + 1);
    this.journal.remove(old);
    this.unlock();
  }
}
