import { limits } from '../api/limits.js';
import type { Message, MessageData } from './message.js';
import type { AttemptRecord } from './records.js';

/**
 * Receipt handles and ReceiveRequestAttemptId. A handle carries the message id and a
 * per-receive nonce, `base64("sqsem1:<id>:<nonce>")`: only the latest receive's handle is
 * current. A FIFO receive retried with the same ReceiveRequestAttemptId within 5 minutes
 * returns the same messages and handles, their visibility timeout reset, as long as none was
 * deleted or had its visibility changed since; otherwise the retry is an ordinary receive.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
 */

const HANDLE_PREFIX = 'sqsem1:';
const HANDLE_PATTERN = /^sqsem1:([A-Za-z0-9-]{1,100}):([A-Za-z0-9_-]{8,64})$/;

export function parseReceiptHandle(handle: string): { messageId: string; nonce: string } | undefined {
  if (handle.length === 0 || handle.length > 1024 || !/^[A-Za-z0-9+/]+={0,2}$/.test(handle)) return undefined;
  const match = HANDLE_PATTERN.exec(Buffer.from(handle, 'base64').toString('latin1'));
  return match ? { messageId: match[1]!, nonce: match[2]! } : undefined;
}

export function makeReceiptHandle(messageId: string, nonce: string): string {
  return Buffer.from(HANDLE_PREFIX + messageId + ':' + nonce, 'latin1').toString('base64');
}

/**
 * A message handed out by a receive, as data: the stored (immutable) message data, the handle
 * given and the counts as they were. The message itself stays inside the engine.
 */
export class ReceivedMessage {
  readonly #message: Message;
  readonly #nonce: string;
  readonly data: MessageData;
  readonly receiveCount: number;
  readonly firstReceiveTimestamp: number;

  constructor(
    message: Message,
    readonly receiptHandle: string,
  ) {
    this.#message = message;
    this.#nonce = message.receiptNonce;
    this.data = message.data;
    this.receiveCount = message.receiveCount;
    this.firstReceiveTimestamp = message.firstReceiveTimestamp;
  }

  /** The engine's own access to the message behind it. */
  static message(r: ReceivedMessage): Message {
    return r.#message;
  }

  /** Not received again since (its handle is still the latest). */
  static current(r: ReceivedMessage): boolean {
    return r.#message.receiptNonce === r.#nonce;
  }
}

const messageOf = ReceivedMessage.message;

interface ReceiveAttempt {
  readonly expiresAt: number;
  readonly received: ReceivedMessage[];
  versions: number[];
}

/** The ReceiveRequestAttemptIds of one FIFO queue in their window, oldest first. */
export class ReceiveAttempts {
  private readonly attempts = new Map<string, ReceiveAttempt>();

  /**
   * The messages of an earlier attempt with this id if it may be retried (`current`: the
   * message is still stored, in flight), else undefined. The caller renews their visibility.
   */
  retry(attemptId: string, now: number, current: (m: Message) => boolean): ReceivedMessage[] | undefined {
    for (const [key, entry] of this.attempts) {
      if (entry.expiresAt > now) break;
      this.attempts.delete(key);
    }
    const entry = this.attempts.get(attemptId);
    if (!entry) return undefined;
    const unchanged = entry.received.every((r, i) => messageOf(r).version === entry.versions[i] && current(messageOf(r)));
    if (!unchanged) {
      this.attempts.delete(attemptId);
      return undefined;
    }
    return entry.received;
  }

  /** After a retry renewed the messages: their new versions are the ones to match. */
  renewed(attemptId: string): void {
    const entry = this.attempts.get(attemptId);
    if (entry) entry.versions = entry.received.map((r) => messageOf(r).version);
  }

  /** Opens an attempt's window; returns when it ends. */
  remember(attemptId: string, now: number, received: ReceivedMessage[]): number {
    const expiresAt = now + limits.receiveAttemptWindowMs;
    this.attempts.set(attemptId, { expiresAt, received, versions: received.map((r) => messageOf(r).version) });
    return expiresAt;
  }

  /** Attempts still in their window, oldest first. */
  records(now: number): AttemptRecord[] {
    const out: AttemptRecord[] = [];
    for (const [id, entry] of this.attempts) {
      if (entry.expiresAt > now) out.push([id, entry.expiresAt, entry.received.map((r) => r.receiptHandle)]);
    }
    return out;
  }

  /**
   * Restores attempts after the messages: one whose messages are all still in flight under
   * the same receipt handles can be retried; any other is dropped (a retry is then an
   * ordinary receive, as after a change).
   */
  restore(records: readonly AttemptRecord[], now: number, find: (messageId: string) => Message | undefined): void {
    for (const [id, expiresAt, handles] of [...records].sort((a, b) => a[1] - b[1])) {
      if (expiresAt <= now || handles.length === 0) continue;
      const received: ReceivedMessage[] = [];
      for (const receiptHandle of handles) {
        const parsed = parseReceiptHandle(receiptHandle);
        const message = parsed && find(parsed.messageId);
        if (!message || message.state !== 'inflight' || message.receiptNonce !== parsed!.nonce) break;
        received.push(new ReceivedMessage(message, receiptHandle));
      }
      if (received.length === handles.length) this.attempts.set(id, { expiresAt, received, versions: received.map((r) => messageOf(r).version) });
    }
  }

  clear(): void {
    this.attempts.clear();
  }
}
