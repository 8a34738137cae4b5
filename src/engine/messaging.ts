import { errors, SqsError } from '../api/errors.js';
import { limits } from '../api/limits.js';
import { batchWideError, buildMessage, type BuildTarget, type MessageInput, type PreparedMessage, type SendOptions } from './messageBuilder.js';
import type { Queue } from './queue.js';
import { parseReceiptHandle, ReceivedMessage } from './receipts.js';

/**
 * The message operations on one queue as SQS states them: send (single and batch), delete
 * and ChangeMessageVisibility by receipt handle, and the receive result whose messages can be
 * given back when the answer could not be delivered.
 */

/** The answer to one sent message. SequenceNumber on FIFO queues only; MD5s of attributes only when sent (F78, F89). */
export interface SendResult {
  Id?: string;
  MD5OfMessageBody: string;
  MD5OfMessageAttributes?: string;
  MD5OfMessageSystemAttributes?: string;
  MessageId: string;
  SequenceNumber?: string;
}

/** A batch's per-entry outcome, as data: the failed entries keep their error. */
export interface BatchOutcome<T> {
  readonly successful: T[];
  readonly failed: { readonly Id: string; readonly error: SqsError }[];
}

function target(queue: Queue): BuildTarget {
  const s = queue.settings;
  return { fifo: queue.fifo, maximumMessageSize: s.maximumMessageSize, contentBasedDeduplication: s.contentBasedDeduplication, now: queue.env.clock.now(), random: queue.env.random };
}

/** SendMessage: builds, stores (or finds the FIFO original of a duplicate) and answers. */
export function sendOne(queue: Queue, input: MessageInput, options: SendOptions, out: SendResult = {} as SendResult): SendResult {
  return store(queue, buildMessage(target(queue), input, options), out);
}

function store(queue: Queue, prepared: PreparedMessage, out: SendResult): SendResult {
  const stored = queue.send(prepared.data, prepared.delaySeconds, prepared.data.sentTimestamp);
  out.MD5OfMessageBody = prepared.md5OfBody;
  const d = prepared.data;
  if (d.md5OfMessageAttributes) out.MD5OfMessageAttributes = d.md5OfMessageAttributes;
  if (d.md5OfMessageSystemAttributes) out.MD5OfMessageSystemAttributes = d.md5OfMessageSystemAttributes;
  out.MessageId = stored.id;
  if (stored.sequenceNumber) out.SequenceNumber = stored.sequenceNumber;
  return out;
}

/**
 * SendMessageBatch: every entry is built first (a FIFO id rule broken by any entry fails the
 * whole request, F114, F115), then the valid ones are stored in order; failures are data (F112, F113).
 */
export function sendBatch(queue: Queue, entries: readonly (MessageInput & { Id: string })[], options: SendOptions): BatchOutcome<SendResult> {
  const t = target(queue);
  const prepared = new Array<PreparedMessage | SqsError>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    try {
      prepared[i] = buildMessage(t, entries[i]!, options);
    } catch (e) {
      if (!(e instanceof SqsError)) throw e;
      const whole = batchWideError(queue.fifo, e);
      if (whole) throw whole;
      prepared[i] = e;
    }
  }
  const outcome: BatchOutcome<SendResult> = { successful: [], failed: [] };
  for (let i = 0; i < entries.length; i++) {
    const p = prepared[i]!;
    if (p instanceof SqsError) outcome.failed.push({ Id: entries[i]!.Id, error: p });
    else outcome.successful.push(store(queue, p, { Id: entries[i]!.Id } as SendResult));
  }
  return outcome;
}

/**
 * DeleteMessage by receipt handle. A well-formed handle of a message that is gone succeeds
 * (F62, F159); on a standard queue a stale handle still deletes (F63), on a FIFO queue a
 * handle whose visibility expired is refused (F64).
 */
export function deleteByHandle(queue: Queue, receiptHandle: string): void {
  const parsed = parseReceiptHandle(receiptHandle);
  if (!parsed) throw errors.receiptHandleIsInvalid(receiptHandle);
  const message = queue.index.get(parsed.messageId);
  if (!message) return;
  if (queue.fifo && (message.state !== 'inflight' || message.receiptNonce !== parsed.nonce)) {
    throw errors.invalidParameterValueFor('ReceiptHandle', receiptHandle, 'The receipt handle has expired.');
  }
  queue.delete(message);
}

/**
 * ChangeMessageVisibility: 0 to 12 hours; the new timeout counts from now, and the total may
 * not pass 12 hours from the receive. Timeout 0 makes the message visible at once.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html
 */
export function changeVisibilityByHandle(queue: Queue, receiptHandle: string, visibilityTimeout: number | undefined): void {
  if (visibilityTimeout === undefined) throw errors.missingParameter('VisibilityTimeout');
  if (visibilityTimeout < 0 || visibilityTimeout > limits.maxVisibilityTimeout) {
    throw errors.invalidParameterValueFor('VisibilityTimeout', visibilityTimeout, `Must be >= 0 and <= ${limits.maxVisibilityTimeout}, if provided.`);
  }
  const parsed = parseReceiptHandle(receiptHandle);
  if (!parsed) throw errors.receiptHandleIsInvalid(receiptHandle);
  const message = queue.index.get(parsed.messageId);
  if (!message || message.receiptNonce !== parsed.nonce || message.state === 'delayed') {
    throw errors.invalidParameterValueFor('ReceiptHandle', receiptHandle, 'Message does not exist or is not available for visibility timeout change.');
  }
  if (queue.fifo && message.state !== 'inflight') {
    throw errors.invalidParameterValueFor('ReceiptHandle', receiptHandle, 'The receipt handle has expired.');
  }
  const now = queue.env.clock.now();
  if (now + visibilityTimeout * 1000 > message.receivedAt + limits.maxVisibilityTimeout * 1000) {
    throw errors.invalidParameterValueFor(
      'VisibilityTimeout',
      visibilityTimeout,
      `Total VisibilityTimeout for the message is beyond the limit [${limits.maxVisibilityTimeout} seconds]`,
    );
  }
  queue.changeVisibility(message, visibilityTimeout, now);
}

/** Runs `each` per entry; catalog errors become failed entries. */
export function perEntry<E extends { Id: string }>(entries: readonly E[], each: (entry: E) => void): BatchOutcome<{ Id: string }> {
  const outcome: BatchOutcome<{ Id: string }> = { successful: [], failed: [] };
  for (const entry of entries) {
    try {
      each(entry);
      outcome.successful.push({ Id: entry.Id });
    } catch (e) {
      if (!(e instanceof SqsError)) throw e;
      outcome.failed.push({ Id: entry.Id, error: e });
    }
  }
  return outcome;
}

/**
 * What a ReceiveMessage got: the messages, as data, and `giveBack()` for an answer that could
 * not be delivered (its connection died): the messages not received again since become
 * visible at once, ahead of the others, rather than after their visibility timeout.
 */
export class ReceiveResult {
  readonly #queue: Queue | undefined;

  constructor(
    queue: Queue | undefined,
    readonly messages: readonly ReceivedMessage[],
  ) {
    this.#queue = queue;
  }

  giveBack(): void {
    if (this.#queue && this.messages.length > 0) this.#queue.giveBack(this.messages.filter(ReceivedMessage.current));
  }
}

export const NOTHING_RECEIVED = new ReceiveResult(undefined, []);
