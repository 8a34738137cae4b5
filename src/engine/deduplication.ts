import { limits } from '../api/limits.js';
import type { MessageData } from './message.js';
import type { DeduplicationRecord } from './records.js';

/**
 * FIFO deduplication and sequence numbers: a MessageDeduplicationId seen in the last 5 minutes
 * is accepted but not stored, the original is answered (F133-F136), in the DeduplicationScope
 * the queue was created with (F135-F137); the original is remembered even after it is deleted
 * (F134) and forgotten on PurgeQueue (F138). SequenceNumber: 20 digits, strictly increasing.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagededuplicationid-property.html
 */
export class Deduplication {
  /** Fixed at creation: changing DeduplicationScope later does not change behaviour (F137). */
  scope = 'queue';
  private readonly entries = new Map<string, { readonly expiresAt: number; readonly data: MessageData }>();
  private lastSequenceNumber = 0n;

  /** Deduplication key in the scope the queue was created with. */
  key(data: MessageData): string {
    return this.scope === 'messageGroup' ? `${data.groupId}\u0000${data.deduplicationId}` : data.deduplicationId!;
  }

  /** The original of a duplicate sent within the window, if any. */
  find(data: MessageData, now: number): MessageData | undefined {
    // Entries are in insertion order and share one window, so expired ones are at the front.
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(key);
    }
    return this.entries.get(this.key(data))?.data;
  }

  /** Opens the window of a stored message; returns its key and when the window ends. */
  remember(data: MessageData, now: number): string {
    const key = this.key(data);
    this.entries.set(key, { expiresAt: now + limits.deduplicationWindowMs, data });
    return key;
  }

  /** Time-based so that it keeps increasing across restarts. */
  nextSequenceNumber(now: number): string {
    const candidate = 10_000_000_000_000_000_000n + BigInt(now) * 1_000_000n;
    this.lastSequenceNumber = candidate > this.lastSequenceNumber ? candidate : this.lastSequenceNumber + 1n;
    return this.lastSequenceNumber.toString();
  }

  /** A restored message or entry: later numbers stay above it. */
  bump(sequenceNumber: string | undefined): void {
    if (sequenceNumber && BigInt(sequenceNumber) > this.lastSequenceNumber) this.lastSequenceNumber = BigInt(sequenceNumber);
  }

  records(): DeduplicationRecord[] {
    const out: DeduplicationRecord[] = [];
    for (const [key, entry] of this.entries) out.push([key, entry.expiresAt, entry.data]);
    return out;
  }

  restore(key: string, expiresAt: number, data: MessageData): void {
    this.entries.set(key, { expiresAt, data });
    this.bump(data.sequenceNumber);
  }

  clear(): void {
    this.entries.clear();
  }
}
