import { md5OfBody, type Message } from './message.js';

/**
 * What happens to messages, as a stream of events (the testing toolkit's spies, the metrics'
 * counters). Emission sites in the queue are guarded by `active`, so nothing is built when
 * nobody listens and no history is kept.
 */

export type MessageEventType = 'sent' | 'received' | 'deleted' | 'visibilityChanged' | 'movedToDeadLetterQueue' | 'expired';
/** Fair queues (standard queues): a tenant (MessageGroupId) turned noisy, or quiet again. */
export type GroupEventType = 'groupNoisy' | 'groupQuiet';
export type SqsEventType = MessageEventType | 'purged' | GroupEventType;

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
}

export type SqsEventListener = (event: SqsEvent) => void;

/** A cheap counter hook (metrics): called for every event before any event object is built. */
export type EventCounter = (type: SqsEventType, queue: QueueLike, count: number) => void;

/** What the emulator needs to know of a queue to describe it. */
export interface QueueLike {
  readonly name: string;
  readonly arn: string;
  readonly scope: { readonly region: string; readonly accountId: string };
}

const identities = new WeakMap<QueueLike, QueueIdentity>();

export function queueIdentity(queue: QueueLike): QueueIdentity {
  let id = identities.get(queue);
  if (!id) {
    id = Object.freeze({ name: queue.name, region: queue.scope.region, accountId: queue.scope.accountId, arn: queue.arn });
    identities.set(queue, id);
  }
  return id;
}

class Spied implements SpiedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly traceHeader?: string;
  readonly sentTimestamp: number;
  readonly receiveCount: number;
  readonly groupId?: string;
  readonly deduplicationId?: string;
  readonly sequenceNumber?: string;
  readonly receiptHandle?: string;
  private attributes?: Readonly<Record<string, SpiedAttribute>>;

  constructor(
    private readonly source: Message,
    readonly event: SqsEvent,
    receiptHandle: string | undefined,
  ) {
    const d = source.data;
    this.messageId = d.id;
    this.body = d.body;
    this.md5OfBody = md5OfBody(d);
    this.sentTimestamp = d.sentTimestamp;
    this.receiveCount = source.receiveCount;
    if (d.traceHeader !== undefined) this.traceHeader = d.traceHeader;
    if (d.groupId !== undefined) this.groupId = d.groupId;
    if (d.deduplicationId !== undefined) this.deduplicationId = d.deduplicationId;
    if (d.sequenceNumber !== undefined) this.sequenceNumber = d.sequenceNumber;
    if (receiptHandle !== undefined) this.receiptHandle = receiptHandle;
  }

  /** Built on first read: the stored attributes never change. */
  get messageAttributes(): Readonly<Record<string, SpiedAttribute>> {
    if (!this.attributes) {
      const out: Record<string, SpiedAttribute> = Object.create(null);
      for (const [name, v] of Object.entries(this.source.data.attributes ?? {})) {
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

interface Extra {
  receiptHandle?: string;
  visibilityTimeout?: number;
  deadLetterQueue?: QueueLike;
}

/**
 * The engine's event hub: listeners plus a bounded history of recent events (a ring), so that
 * a test can ask for an event that happened before it started waiting.
 */
export class EngineEvents {
  /** True when someone listens or history is kept: emission sites check this first. */
  active = false;
  /** True when events must be built (listeners or history); otherwise only the counter runs. */
  private full = false;
  private counter: EventCounter | undefined;
  private listeners: SqsEventListener[] = [];
  private ring: (SqsEvent | undefined)[] = [];
  private next = 0;
  private capacity: number;

  constructor(
    private readonly now: () => number,
    historySize = 0,
  ) {
    this.capacity = Math.max(0, Math.floor(historySize));
    this.update();
  }

  /** How many past events are kept for `history()` and `waitFor`; 0 keeps none. */
  get historySize(): number {
    return this.capacity;
  }

  set historySize(size: number) {
    this.capacity = Math.max(0, Math.floor(size));
    this.clearHistory();
    this.update();
  }

  subscribe(listener: SqsEventListener): () => void {
    this.listeners = [...this.listeners, listener];
    this.update();
    return () => this.unsubscribe(listener);
  }

  /** Installs the one counter (metrics). */
  setCounter(counter: EventCounter | undefined): void {
    this.counter = counter;
    this.update();
  }

  unsubscribe(listener: SqsEventListener): void {
    this.listeners = this.listeners.filter((l) => l !== listener);
    this.update();
  }

  /** Kept events, oldest first. */
  history(): SqsEvent[] {
    const out: SqsEvent[] = [];
    const n = this.ring.length;
    for (let i = 0; i < n; i++) {
      const e = this.ring[(this.next + i) % n];
      if (e) out.push(e);
    }
    return out;
  }

  clearHistory(): void {
    this.ring = [];
    this.next = 0;
  }

  /** A message event; call only when `active`. */
  message(type: MessageEventType, queue: QueueLike, message: Message, extra?: Extra): void {
    this.counter?.(type, queue, 1);
    if (!this.full) return;
    const event: { -readonly [K in keyof SqsEvent]: SqsEvent[K] } = { type, at: this.now(), queue: queueIdentity(queue) };
    event.message = new Spied(message, event, extra?.receiptHandle);
    if (extra?.visibilityTimeout !== undefined) event.visibilityTimeout = extra.visibilityTimeout;
    if (extra?.deadLetterQueue) event.deadLetterQueue = queueIdentity(extra.deadLetterQueue);
    this.emit(event);
  }

  /** A purge; call only when `active`. */
  purged(queue: QueueLike, count: number): void {
    this.counter?.('purged', queue, count);
    if (!this.full) return;
    this.emit({ type: 'purged', at: this.now(), queue: queueIdentity(queue), count });
  }

  /** A fair-queue tenant changed status; call only when `active`. */
  group(type: GroupEventType, queue: QueueLike, figures: GroupFigures & { reason: NoisyReason | QuietReason }): void {
    this.counter?.(type, queue, 1);
    if (!this.full) return;
    const event: { -readonly [K in keyof SqsEvent]: SqsEvent[K] } = { type, at: this.now(), queue: queueIdentity(queue) };
    event.group = Object.freeze({ ...figures, event });
    this.emit(event);
  }

  private emit(event: SqsEvent): void {
    if (this.capacity > 0) {
      if (this.ring.length < this.capacity) this.ring.push(event);
      else {
        this.ring[this.next] = event;
        this.next = (this.next + 1) % this.capacity;
      }
    }
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener (a test's assertion) must not break the queue operation.
      }
    }
  }

  private update(): void {
    this.full = this.listeners.length > 0 || this.capacity > 0;
    this.active = this.full || this.counter !== undefined;
  }
}
