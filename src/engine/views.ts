import { plainData, type MessageData, type MessageState } from './message.js';
import { Queue } from './queue.js';
import { queueRecord, restoreContents, restoreRecord } from './queueState.js';
import type { QueueTable } from './queueTable.js';
import type { Redrive } from './queueSettings.js';
import { messageLineJson, type EngineState, type SnapshotPart } from './records.js';

/**
 * Read-only views of queues for the console, metrics, LocalStack's `/_aws/sqs/messages` and
 * the developer endpoints (peeks change neither visibility nor receive counts), and the
 * snapshot export and import of every queue.
 */

export interface PeekOptions {
  /** At most this many messages. Default: all. */
  readonly limit?: number;
  /** Only messages in this state. Default: any. */
  readonly state?: MessageState;
}

/** A stored message as it is now: its (immutable) data and its state. */
export interface PeekedMessage {
  readonly data: MessageData;
  readonly state: MessageState;
  /** Epoch ms when a delayed or in-flight message becomes visible (for a visible one: since when). */
  readonly deadline: number;
  readonly receiveCount: number;
  readonly firstReceiveTimestamp: number;
  readonly enqueuedAt: number;
}

export interface QueueStats {
  /** ApproximateNumberOfMessages, ...NotVisible, ...Delayed. */
  readonly visible: number;
  readonly inflight: number;
  readonly delayed: number;
  /** Epoch ms the oldest stored message entered the queue, if any. */
  readonly oldestEnqueuedAt: number | undefined;
  readonly redrive: Redrive | undefined;
  /** Long polls waiting on the queue now. */
  readonly waitingReceives: number;
}

export function peek(queue: Queue, options: PeekOptions): PeekedMessage[] {
  const limit = options.limit ?? Infinity;
  const out: PeekedMessage[] = [];
  for (let m = queue.age.head; m && out.length < limit; m = m.ageNext) {
    if (options.state !== undefined && m.state !== options.state) continue;
    out.push({ data: plainData(m), state: m.state, deadline: m.deadline, receiveCount: m.receiveCount, firstReceiveTimestamp: m.firstReceiveTimestamp, enqueuedAt: m.enqueuedAt });
  }
  return out;
}

export function stats(queue: Queue): QueueStats {
  return {
    visible: queue.readyCount,
    inflight: queue.inflightCount,
    delayed: queue.delayedCount,
    oldestEnqueuedAt: queue.age.head?.enqueuedAt,
    redrive: queue.settings.redrive,
    waitingReceives: queue.waiters.size,
  };
}

function* messageJson(queue: Queue): Iterator<string> {
  for (const m of queue.age.walk()) yield messageLineJson(m);
}

/**
 * The state for a snapshot: each queue's record and deduplication entries, taken now, and a
 * live iterator over its messages' JSON, read later, slice by slice, by persistence
 * (`MessageList.walk`: a message removed before it is reached is skipped, one added is
 * visited). Every change made meanwhile is also in the journal that follows the snapshot.
 */
export function exportParts(queues: Iterable<Queue>, now: number): SnapshotPart[] {
  return [...queues].map((q) => ({
    queue: queueRecord(q),
    deduplication: q.deduplication.records(),
    attempts: q.attempts.records(now),
    messages: messageJson(q),
  }));
}

/** Rebuilds queues from their records. */
export function importQueues(table: QueueTable, queues: EngineState['queues']): void {
  for (const entry of queues) {
    const r = entry.queue;
    const queue = table.add(new Queue({ region: r.region, accountId: r.accountId, name: r.name }, r.fifo, table.env));
    restoreRecord(queue, r);
    restoreContents(queue, entry.messages, entry.deduplication, entry.attempts ?? []);
  }
}
