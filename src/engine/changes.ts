import type { QueueAddress } from './address.js';
import { groupEvent, invocationEvent, messageEvent, type GroupEventType, type GroupFigures, type InvocationEventType, type InvocationFigures, type MessageEventExtra, type MessageEventType, type NoisyReason, type QueueIdentity, type QuietReason, type SqsEvent, type SqsEventType } from './events.js';
import type { Message } from './message.js';
import type { AttemptRecord, DeduplicationRecord, MoveTaskRecord, QueueRecord } from './records.js';

/**
 * The engine's one change stream: plain, serialisable records that persistence (topic
 * `state`), the toolkit's spies (`events`) and the metrics (`tally`) consume, except that a
 * message change carries the live Message: a listener reads it at once (`messageRecord` or
 * `messageLineJson`), as it changes later. A record is built only when its topic has a listener:
 * with none, emission sites cost one boolean test.
 */

/** Durable state changes, in the order they happened (persistence replays them). */
export type StateRecord =
  | { readonly type: 'queueCreated' | 'queueUpdated' | 'queuePurged'; readonly queue: QueueRecord }
  | { readonly type: 'queueDeleted'; readonly address: QueueAddress; readonly deletedAt?: number }
  | { readonly type: 'messageStored' | 'messageUpdated'; readonly address: QueueAddress; readonly message: Message }
  | { readonly type: 'messageRemoved'; readonly address: QueueAddress; readonly messageId: string }
  | { readonly type: 'deduplicationEntry'; readonly address: QueueAddress; readonly entry: DeduplicationRecord }
  | { readonly type: 'receiveAttempt'; readonly address: QueueAddress; readonly attempt: AttemptRecord }
  | { readonly type: 'moveTask'; readonly task: MoveTaskRecord };

/** A count of spy-visible events, without the event (metrics): one shared record per queue and type when `count` is 1. */
export interface TallyRecord {
  readonly type: 'tally';
  readonly event: SqsEventType;
  readonly queue: QueueIdentity;
  readonly count: number;
}

export type ChangeRecord = StateRecord | SqsEvent | TallyRecord;
export type ChangeTopic = 'state' | 'events' | 'tally';

export type ChangeListener<T extends ChangeRecord = ChangeRecord> = (record: T) => void;

type TopicRecord<K extends ChangeTopic> = K extends 'state' ? StateRecord : K extends 'events' ? SqsEvent : TallyRecord;

const tallies = new WeakMap<QueueIdentity, Map<SqsEventType, TallyRecord>>();

function tallyOf(queue: QueueIdentity, event: SqsEventType): TallyRecord {
  let byType = tallies.get(queue);
  if (!byType) {
    byType = new Map();
    tallies.set(queue, byType);
  }
  let record = byType.get(event);
  if (!record) {
    record = Object.freeze({ type: 'tally', event, queue, count: 1 });
    byType.set(event, record);
  }
  return record;
}

export class ChangeStream {
  /** Someone listens to durable state changes: emission sites check this first. */
  state = false;
  /** Someone listens to spy-visible events (full records). */
  events = false;
  /** Events or tallies are wanted: message-event sites check this first. */
  messages = false;
  private listeners: { [K in ChangeTopic]: ChangeListener<TopicRecord<K>>[] } = { state: [], events: [], tally: [] };

  constructor(private readonly now: () => number) {}

  /** Calls `listener` with every record of `topic` from now on; returns the unsubscribe function. */
  subscribe<K extends ChangeTopic>(topic: K, listener: ChangeListener<TopicRecord<K>>): () => void {
    (this.listeners[topic] as ChangeListener<TopicRecord<K>>[]) = [...this.listeners[topic], listener];
    this.update();
    return () => {
      (this.listeners[topic] as ChangeListener<TopicRecord<K>>[]) = this.listeners[topic].filter((l) => l !== listener);
      this.update();
    };
  }

  /** Whether `topic` has a listener. */
  active(topic: ChangeTopic): boolean {
    return this.listeners[topic].length > 0;
  }

  /** A durable change; call only when `state`. */
  emitState(record: StateRecord): void {
    for (const listener of this.listeners.state) listener(record);
  }

  /** A message event; call only when `messages`. */
  message(type: MessageEventType, queue: QueueIdentity, message: Message, extra?: MessageEventExtra): void {
    if (this.listeners.tally.length > 0) this.tally(tallyOf(queue, type));
    if (this.events) this.event(messageEvent(type, this.now(), queue, message, extra));
  }

  /** A purge; call only when `messages`. */
  purged(queue: QueueIdentity, count: number): void {
    if (this.listeners.tally.length > 0) this.tally({ type: 'tally', event: 'purged', queue, count });
    if (this.events) this.event({ type: 'purged', at: this.now(), queue, count });
  }

  /** A fair-queue tenant changed status; call only when `messages`. */
  group(type: GroupEventType, queue: QueueIdentity, figures: GroupFigures & { reason: NoisyReason | QuietReason }): void {
    if (this.listeners.tally.length > 0) this.tally(tallyOf(queue, type));
    if (this.events) this.event(groupEvent(type, this.now(), queue, figures));
  }

  /** An event-source mapping's invocation (src/eventSources/); call only when `messages`. */
  invocation(type: InvocationEventType, queue: QueueIdentity, figures: InvocationFigures): void {
    if (this.listeners.tally.length > 0) this.tally(tallyOf(queue, type));
    if (this.events) this.event(invocationEvent(type, this.now(), queue, figures));
  }

  private tally(record: TallyRecord): void {
    for (const listener of this.listeners.tally) listener(record);
  }

  private event(event: SqsEvent): void {
    for (const listener of this.listeners.events) {
      try {
        listener(event);
      } catch {
        // A failing listener (a test's assertion) must not break the queue operation.
      }
    }
  }

  private update(): void {
    this.state = this.listeners.state.length > 0;
    this.events = this.listeners.events.length > 0;
    this.messages = this.events || this.listeners.tally.length > 0;
  }
}
