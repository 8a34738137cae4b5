import type { Queue } from './queue.js';
import type { Message } from './message.js';
import { messageFromStored, type AttemptRecord, type DeduplicationRecord, type QueueRecord, type StoredMessage } from './records.js';

/**
 * A queue's own record (settings, tags, timestamps) and the restore of a queue from its
 * records: messages in the states they had, FIFO groups in the order their heads became
 * visible, deduplication entries and receive attempts still in their window.
 */

export function queueRecord(q: Queue): QueueRecord {
  return {
    region: q.address.region,
    accountId: q.address.accountId,
    name: q.address.name,
    fifo: q.fifo,
    settings: { ...q.settings },
    deduplicationScope: q.deduplication.scope,
    tags: [...q.tags],
    createdTimestamp: q.createdTimestamp,
    lastModifiedTimestamp: q.lastModifiedTimestamp,
    lastPurgeAt: Number.isFinite(q.lastPurgeAt) ? q.lastPurgeAt : null,
  };
}

/** Announces a change of the queue's own state (created, settings, tags, purge). */
export function announceQueue(q: Queue, type: 'queueCreated' | 'queueUpdated' | 'queuePurged'): void {
  if (q.env.changes.state) q.env.changes.emitState({ type, queue: queueRecord(q) });
}

export function restoreRecord(q: Queue, record: QueueRecord): void {
  Object.assign(q.settings, record.settings);
  q.deduplication.scope = record.deduplicationScope;
  for (const [k, v] of record.tags) q.tags.set(k, v);
  (q as { createdTimestamp: number }).createdTimestamp = record.createdTimestamp;
  q.lastModifiedTimestamp = record.lastModifiedTimestamp;
  q.lastPurgeAt = record.lastPurgeAt ?? -Infinity;
}

/**
 * Puts back persisted messages, oldest first, then deduplication entries and receive
 * attempts; deadlines that passed while the emulator was down take effect on the next tick.
 */
export function restoreContents(q: Queue, stored: Iterable<StoredMessage>, deduplication: readonly DeduplicationRecord[], attempts: readonly AttemptRecord[]): void {
  for (const [key, expiresAt, data] of deduplication) q.deduplication.restore(key, expiresAt, data);
  // Snapshots list messages oldest first already: sorting a million costs more than checking.
  const messages: Message[] = [];
  let ordered = true;
  let previous = -Infinity;
  for (const s of stored) {
    const message = messageFromStored(q, s);
    const at = message.enqueuedAt;
    if (at < previous) ordered = false;
    previous = at;
    messages.push(message);
  }
  if (!ordered) messages.sort((a, b) => a.enqueuedAt - b.enqueuedAt);
  for (const message of messages) {
    if (message.receiveCount > 0) q.index.set(message.data.id, message);
    q.age.push(message);
    if (q.fifo) q.groups.groupOf(message.data.groupId ?? '').messages.push(message);
    else q.fair.sent(message, message.enqueuedAt);
    q.deduplication.bump(message.data.sequenceNumber);
    if (message.state === 'ready') {
      q.makeReady(message);
      continue;
    }
    if (message.state === 'delayed') q.delayedCount++;
    else q.inflightCount++;
    if (!q.fifo) q.fair.hold(message);
    q.env.scheduler.schedule(message.deadline, message);
    if (q.fifo) q.groups.update(q.groups.of(message));
  }
  if (q.fifo) q.groups.reorder();
  else q.fair.restored();
  q.retention.schedule();
  q.attempts.restore(attempts, q.env.clock.now(), (id) => q.index.get(id));
}
