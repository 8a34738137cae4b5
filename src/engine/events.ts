import type { SqsRecord } from '../api/lambdaEvent.js';
import { md5OfBody, type Message, type MessageData } from './message.js';

/**
 * The spy-visible events of the change stream (changes.ts): what happens to messages (sent,
 * received, deleted, visibilityChanged, movedToDeadLetterQueue, expired), purges, and fair-queue
 * tenants turning noisy or quiet. Built only when someone listens to the `events` topic.
 */

export type MessageEventType = 'sent' | 'received' | 'deleted' | 'visibilityChanged' | 'movedToDeadLetterQueue' | 'expired';
/** Fair queues (standard queues): a tenant (MessageGroupId) turned noisy, or quiet again. */
export type GroupEventType = 'groupNoisy' | 'groupQuiet';
/**
 * Event-source mappings (src/eventSources/): a batch handed to the target (`invoked`), the
 * invocation returned (`succeeded`, partial batch failures included) or failed (`failed`: an
 * error, a timeout, a crash or a malformed answer; the whole batch is left to its visibility timeout).
 */
export type InvocationEventType = 'invoked' | 'succeeded' | 'failed';
export type SqsEventType = MessageEventType | 'purged' | GroupEventType | InvocationEventType;

/** Why a tenant is noisy: its share of the queue's in-flight messages, or of the recent processing time. */
export type NoisyReason = 'concurrency' | 'processingTime';
/** Why a tenant turned quiet: its backlog emptied, it sent nothing for 5 minutes, or its shares fell to 10% or less. */
export type QuietReason = 'backlogEmpty' | 'noRecentSends' | 'sharesFell';

/** A tenant's figures when its status changed. */
export interface GroupFigures {
  /** The MessageGroupId. */
  readonly groupId: string;
  /** Its messages in flight, and the queue's. */
  readonly inflight: number;
  readonly queueInflight: number;
  /** Its share (0 to 1) of the consumers' processing time (receive to delete) over the last 30 to 60 seconds. */
  readonly processingTimeShare: number;
  /** Its backlog: visible and delayed messages. */
  readonly visible: number;
  readonly delayed: number;
  /** Epoch ms of its latest send. */
  readonly lastSentAt: number;
}

/** A `groupNoisy` or `groupQuiet` event's tenant. */
export interface SpiedGroup extends GroupFigures {
  readonly reason: NoisyReason | QuietReason;
  /** The event this is part of. */
  readonly event: SqsEvent;
}

/** One invocation of an event-source mapping's target. */
export interface InvocationFigures {
  /** The mapping's UUID. */
  readonly mappingId: string;
  readonly functionName: string;
  /** The records of the SQSEvent, as the target got them. */
  readonly records: readonly SqsRecord[];
  /** `succeeded` with ReportBatchItemFailures: the messageIds the function reported (left to their visibility timeout). */
  readonly batchItemFailures?: readonly string[];
  /** `failed`: why. */
  readonly error?: string;
  /** `succeeded` and `failed`: real milliseconds the target took. */
  readonly durationMs?: number;
}

/** An `invoked`, `succeeded` or `failed` event's invocation. */
export interface SpiedInvocation extends InvocationFigures {
  /** The event this is part of. */
  readonly event: SqsEvent;
}

/** Which queue an event happened on. */
export interface QueueIdentity {
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  readonly arn: string;
}

/** A message attribute as the SDK shows it. */
export interface SpiedAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: Uint8Array;
}

/** A message as it was when the event happened. */
export interface SpiedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  /** Message attributes (user), by name. */
  readonly messageAttributes: Readonly<Record<string, SpiedAttribute>>;
  /** The AWSTraceHeader system attribute, if sent. */
  readonly traceHeader?: string;
  readonly sentTimestamp: number;
  /** How many times it had been received when the event happened. */
  readonly receiveCount: number;
  /** FIFO queues. */
  readonly groupId?: string;
  readonly deduplicationId?: string;
  readonly sequenceNumber?: string;
  /** `received` events: the receipt handle handed out. */
  readonly receiptHandle?: string;
  /** The event this message is part of. */
  readonly event: SqsEvent;
}

export interface SqsEvent {
  readonly type: SqsEventType;
  /** Epoch ms on the emulator's clock. */
  readonly at: number;
  readonly queue: QueueIdentity;
  /** Message events. */
  readonly message?: SpiedMessage;
  /** `groupNoisy` and `groupQuiet`: the tenant, why, and its figures. */
  readonly group?: SpiedGroup;
  /** `visibilityChanged`: the new timeout in seconds. */
  readonly visibilityTimeout?: number;
  /** `movedToDeadLetterQueue`: where it went (`queue` is the source). */
  readonly deadLetterQueue?: QueueIdentity;
  /** `purged`: how many messages were removed. */
  readonly count?: number;
  /** `invoked`, `succeeded` and `failed` (event-source mappings): the invocation. */
  readonly invocation?: SpiedInvocation;
}

export type SqsEventListener = (event: SqsEvent) => void;

/**
 * A message as an event saw it. The stored data never changes (a redrive replaces the
 * message's data object, not its fields), so only what does change is copied: the receive
 * count and the receipt handle; the rest, the MD5 of the body included, is read from the data
 * when asked. An event with no reader costs one small object and no digest (issue 19).
 */
class Spied implements SpiedMessage {
  readonly receiveCount: number;
  readonly receiptHandle?: string;
  readonly #data: MessageData;
  private attributes?: Readonly<Record<string, SpiedAttribute>>;

  constructor(
    source: Message,
    readonly event: SqsEvent,
    receiptHandle: string | undefined,
  ) {
    this.#data = source.data;
    this.receiveCount = source.receiveCount;
    if (receiptHandle !== undefined) this.receiptHandle = receiptHandle;
  }

  get messageId(): string {
    return this.#data.id;
  }

  get body(): string {
    return this.#data.body;
  }

  get md5OfBody(): string {
    return md5OfBody(this.#data);
  }

  get traceHeader(): string | undefined {
    return this.#data.traceHeader;
  }

  get sentTimestamp(): number {
    return this.#data.sentTimestamp;
  }

  get groupId(): string | undefined {
    return this.#data.groupId;
  }

  get deduplicationId(): string | undefined {
    return this.#data.deduplicationId;
  }

  get sequenceNumber(): string | undefined {
    return this.#data.sequenceNumber;
  }

  /** Built on first read: the stored attributes never change. */
  get messageAttributes(): Readonly<Record<string, SpiedAttribute>> {
    if (!this.attributes) {
      const out: Record<string, SpiedAttribute> = Object.create(null);
      for (const [name, v] of Object.entries(this.#data.attributes ?? {})) {
        out[name] =
          v.BinaryValue !== undefined
            ? { DataType: v.DataType, BinaryValue: new Uint8Array(v.BinaryValue) }
            : { DataType: v.DataType, StringValue: v.StringValue! };
      }
      this.attributes = Object.freeze(out);
    }
    return this.attributes;
  }

  toJSON(): Record<string, unknown> {
    return {
      messageId: this.messageId,
      body: this.body,
      md5OfBody: this.md5OfBody,
      messageAttributes: this.messageAttributes,
      traceHeader: this.traceHeader,
      sentTimestamp: this.sentTimestamp,
      receiveCount: this.receiveCount,
      groupId: this.groupId,
      deduplicationId: this.deduplicationId,
      sequenceNumber: this.sequenceNumber,
      receiptHandle: this.receiptHandle,
    };
  }
}

/** Extra members of a message event. */
export interface MessageEventExtra {
  readonly receiptHandle?: string;
  readonly visibilityTimeout?: number;
  readonly deadLetterQueue?: QueueIdentity;
}

export function messageEvent(type: MessageEventType, at: number, queue: QueueIdentity, message: Message, extra?: MessageEventExtra): SqsEvent {
  const event: { -readonly [K in keyof SqsEvent]: SqsEvent[K] } = { type, at, queue };
  event.message = new Spied(message, event, extra?.receiptHandle);
  if (extra?.visibilityTimeout !== undefined) event.visibilityTimeout = extra.visibilityTimeout;
  if (extra?.deadLetterQueue) event.deadLetterQueue = extra.deadLetterQueue;
  return event;
}

export function groupEvent(type: GroupEventType, at: number, queue: QueueIdentity, figures: GroupFigures & { reason: NoisyReason | QuietReason }): SqsEvent {
  const event: { -readonly [K in keyof SqsEvent]: SqsEvent[K] } = { type, at, queue };
  event.group = Object.freeze({ ...figures, event });
  return event;
}

export function invocationEvent(type: InvocationEventType, at: number, queue: QueueIdentity, figures: InvocationFigures): SqsEvent {
  const event: { -readonly [K in keyof SqsEvent]: SqsEvent[K] } = { type, at, queue };
  event.invocation = Object.freeze({ ...figures, event });
  return event;
}
