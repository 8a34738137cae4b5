import { mkdirSync } from 'node:fs';
import type { QueueAddress } from '../engine/address.js';
import type { StateRecord } from '../engine/changes.js';
import type { Engine } from '../engine/engine.js';
import { messageLineJson, type MessageLine, type QueueRecord } from '../engine/records.js';
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
 * Changes heard from the engine since the last commit. A message change's line JSON
 * (MessageLine, as in a snapshot) is taken when it is heard (the Message changes later),
 * without building the line.
 */
export class Changes {
  readonly records: StateRecord[] = [];
  /** Per record, a message change's line JSON (`messageLineJson`), else ''. */
  readonly texts: string[] = [];

  add(r: StateRecord): void {
    this.records.push(r);
    this.texts.push(r.type === 'messageStored' || r.type === 'messageUpdated' ? messageLineJson(r.message) : '');
  }
}

/** An op of a commit, a message's as the index of its change in the commit. */
type Planned = Op | { t: 'mi'; k: string; i: number };

/**
 * The ops of a commit: each record written once, with its latest state in the commit:
 * a queue where it first appears (before its messages), a message or move task where it last
 * changed (after any purge). A queue deleted and created again starts a new generation.
 */
function plan(pending: readonly StateRecord[]): Planned[] {
  // Keys are built once per queue address object (records of one queue share it), not per record.
  const keys = new Map<QueueAddress, string>();
  const key = (a: QueueAddress): string => {
    let k = keys.get(a);
    if (k === undefined) keys.set(a, (k = keyOf(a)));
    return k;
  };
  const generation = new Map<string, number>();
  /** Per queue generation (`key#generation`), the index of each message's last change. */
  const lastOf = new Map<string, Map<string, number>>();
  const messagesOf = (k: string): Map<string, number> => {
    const g = `${k}#${generation.get(k) ?? 0}`;
    let m = lastOf.get(g);
    if (m === undefined) lastOf.set(g, (m = new Map()));
    return m;
  };
  const queueKey = (r: QueueRecord): string => `${keyOf(r)}#${generation.get(keyOf(r)) ?? 0}`;
  const last = new Map<string, number>(); // move tasks
  const latestQueue = new Map<string, QueueRecord>();
  /** Resolved once per run of records of one queue (the usual commit: one queue, many messages). */
  let runAddress: QueueAddress | undefined;
  let runMessages: Map<string, number> | undefined;
  const messages = (a: QueueAddress): Map<string, number> => {
    if (a !== runAddress || runMessages === undefined) {
      runAddress = a;
      runMessages = messagesOf(key(a));
    }
    return runMessages;
  };
  pending.forEach((p, i) => {
    if (p.type === 'messageStored' || p.type === 'messageUpdated') messages(p.address).set(p.message.id, i);
    else if (p.type === 'moveTask') last.set(p.task.taskId, i);
    else if (p.type === 'queueCreated' || p.type === 'queueUpdated' || p.type === 'queuePurged') latestQueue.set(queueKey(p.queue), p.queue);
    else if (p.type === 'queueDeleted') {
      generation.set(key(p.address), (generation.get(key(p.address)) ?? 0) + 1);
      runAddress = undefined;
    }
  });
  runAddress = undefined;
  generation.clear();
  const seen = new Set<string>();
  const ops: Planned[] = [];
  pending.forEach((p, i) => {
    switch (p.type) {
      case 'messageStored':
      case 'messageUpdated':
        if (messages(p.address).get(p.message.id) === i) ops.push({ t: 'mi', k: key(p.address), i });
        break;
      case 'moveTask':
        if (last.get(p.task.taskId) === i) ops.push({ t: 'mt', r: p.task });
        break;
      case 'queuePurged':
      case 'queueCreated':
      case 'queueUpdated': {
        if (p.type === 'queuePurged') ops.push({ t: 'p', k: keyOf(p.queue) });
        const qk = queueKey(p.queue);
        if (!seen.has(qk)) ops.push({ t: 'q', r: latestQueue.get(qk)! });
        seen.add(qk);
        break;
      }
      case 'queueDeleted':
        ops.push(p.deletedAt === undefined ? { t: 'qd', k: key(p.address) } : { t: 'qd', k: key(p.address), at: p.deletedAt });
        generation.set(key(p.address), (generation.get(key(p.address)) ?? 0) + 1);
        runAddress = undefined;
        break;
      case 'messageRemoved':
        ops.push({ t: 'd', k: key(p.address), id: p.messageId });
        break;
      case 'deduplicationEntry':
        ops.push({ t: 'dd', k: key(p.address), key: p.entry[0], exp: p.entry[1], data: p.entry[2] });
        break;
      case 'receiveAttempt':
        ops.push({ t: 'ra', k: key(p.address), r: p.attempt });
        break;
    }
  });
  return ops;
}

/** The queue of a commit whose records are all new messages of that one queue (a send), if it is one. */
function storedInto(records: readonly StateRecord[]): QueueAddress | undefined {
  const first = records[0];
  if (first?.type !== 'messageStored') return undefined;
  for (const p of records) if (p.type !== 'messageStored' || p.address !== first.address) return undefined;
  return first.address;
}

/** The ops of a commit, each message's line as `lineOf` gives it (by index of its change). */
export function journalOps(pending: readonly StateRecord[], lineOf: (i: number) => MessageLine): Op[] {
  const into = storedInto(pending);
  if (into) return [{ t: 's', k: keyOf(into), m: pending.map((_, i) => lineOf(i)) }];
  return plan(pending).map((op) => (op.t === 'mi' ? { t: 'ml', k: op.k, m: lineOf(op.i) } : op));
}

/**
 * The journal line of a commit, without its newline: the JSON of its ops, each message's
 * line the JSON taken when it changed. A commit of stored messages of one queue (a send)
 * needs no planning: every record is a new message, each written once, all in one op.
 */
export function journalLine({ records, texts }: Changes): string {
  const into = storedInto(records);
  if (into) return `[{"t":"s","k":${JSON.stringify(keyOf(into))},"m":[${texts.join(',')}]}]`;
  let line = '[';
  for (const op of plan(records)) {
    if (line !== '[') line += ',';
    line += op.t === 'mi' ? `{"t":"ml","k":${JSON.stringify(op.k)},"m":${texts[op.i]!}}` : JSON.stringify(op);
  }
  return line + ']';
}

export class Store {
  /** Changes heard from the engine since the last commit. */
  private pending = new Changes();
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
      // Only a durable store journals changes: in snapshot mode the engine builds no state records.
      if (store.mode === 'durable') store.unsubscribe = engine.changes.subscribe('state', (record) => store.pending.add(record));
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
      this.pending = new Changes();
      return Promise.resolve();
    }
    if (this.pending.records.length > 0) {
      this.journal.append(journalLine(this.pending));
      this.pending = new Changes();
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
    this.pending = new Changes();
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
