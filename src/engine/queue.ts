import { errors } from '../api/errors.js';
import { limits } from '../api/limits.js';
import type { StoredAttributes } from '../api/shapes.js';
import type { Clock } from './clock.js';
import type { EngineEvents } from './events.js';
import { FairQueue, type FairQueueMetrics } from './fairQueue.js';
import { Message, MessageList, type MessageData, type MessageOwner } from './message.js';
import type { Random } from './random.js';
import type { Scheduler, Task } from './scheduler.js';
import type { MoveTaskSink } from './moveTasks.js';

export interface QueueScope {
  readonly region: string;
  readonly accountId: string;
}

export interface QueueEnvironment {
  readonly clock: Clock;
  readonly random: Random;
  readonly scheduler: Scheduler;
  /** The one-PurgeQueue-per-60-seconds rule. */
  readonly strict: boolean;
  /** False: MessageRetentionPeriod never expires messages (LocalStack's default). */
  readonly retention: boolean;
  /** Finds a queue by ARN (dead-letter targets). */
  readonly queueByArn: (arn: string) => Queue | undefined;
  readonly changes: { sink: ChangeSink | undefined };
  /** Long polls waiting across all queues, and how many may wait at once (`--max-long-polls`). */
  readonly longPolls: { active: number; readonly max: number };
  /** Message events (testing toolkit, metrics); emit only when `events.active`. */
  readonly events: EngineEvents;
}

/** Where the engine announces durable changes (persistence listens; nothing when off). */
export interface ChangeSink extends MoveTaskSink {
  queue(queue: Queue): void;
  queueDeleted(queue: Queue): void;
  message(queue: Queue, message: Message): void;
  removed(queue: Queue, messageId: string): void;
  purged(queue: Queue): void;
  deduplicated(queue: Queue, key: string, expiresAt: number, data: MessageData): void;
  attempt(queue: Queue, record: AttemptRecord): void;
}

/** A message as persisted. */
export interface MessageRecord {
  data: Omit<MessageData, 'attributes'> & { attributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }> };
  state: 'delayed' | 'ready' | 'inflight';
  deadline: number;
  receiveCount: number;
  firstReceiveTimestamp: number;
  receivedAt: number;
  receiptNonce: string;
  enqueuedAt: number;
}

/** A queue's own state as persisted (its messages travel separately). */
export interface QueueRecord {
  region: string;
  accountId: string;
  name: string;
  fifo: boolean;
  settings: Record<string, unknown>;
  deduplicationScope: string;
  tags: [string, string][];
  createdTimestamp: number;
  lastModifiedTimestamp: number;
  lastPurgeAt: number | null;
}

/** A parsed RedrivePolicy. */
export interface Redrive {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

export interface ReceiveOptions {
  readonly maxNumberOfMessages: number;
  /** FIFO only: a retried receive with the same id returns the same messages. */
  readonly receiveRequestAttemptId?: string;
  /** Seconds; undefined = the queue's VisibilityTimeout. */
  readonly visibilityTimeout?: number;
}

export interface ReceivedMessage {
  readonly message: Message;
  readonly receiptHandle: string;
}

/** A ReceiveRequestAttemptId as persisted: the id, when its window ends, the receipt handles it gave. */
export type AttemptRecord = [attemptId: string, expiresAt: number, receiptHandles: string[]];

/** A FIFO message group: its messages in send order, in flight and delayed ones included. */
interface Group {
  readonly id: string;
  readonly messages: MessageList;
}

interface DeduplicationEntry {
  readonly expiresAt: number;
  readonly data: MessageData;
}

interface ReceiveAttempt {
  readonly expiresAt: number;
  readonly received: ReceivedMessage[];
  versions: number[];
}

interface Waiter {
  readonly options: ReceiveOptions;
  readonly resolve: (messages: ReceivedMessage[]) => void;
  timer: { cancel(): void } | undefined;
}

/** Receipt handles carry the message id and a per-receive nonce: `base64("sqsem1:<id>:<nonce>")`. */
const HANDLE_PREFIX = 'sqsem1:';
const HANDLE_PATTERN = /^sqsem1:([A-Za-z0-9-]{1,100}):([A-Za-z0-9_-]{8,64})$/;

export function parseReceiptHandle(handle: string): { messageId: string; nonce: string } | undefined {
  if (handle.length === 0 || handle.length > 1024 || !/^[A-Za-z0-9+/]+={0,2}$/.test(handle)) return undefined;
  const match = HANDLE_PATTERN.exec(Buffer.from(handle, 'base64').toString('latin1'));
  return match ? { messageId: match[1]!, nonce: match[2]! } : undefined;
}

function makeReceiptHandle(messageId: string, nonce: string): string {
  return Buffer.from(HANDLE_PREFIX + messageId + ':' + nonce, 'latin1').toString('base64');
}

/** Settable attribute values as GetQueueAttributes shows them (strings), plus parsed hot values. */
export class QueueSettings {
  delaySeconds = 0;
  maximumMessageSize: number = limits.maxMessageSize;
  messageRetentionPeriod = 345_600;
  receiveMessageWaitTimeSeconds = 0;
  visibilityTimeout = 30;
  policy = '';
  redrivePolicy = '';
  redrive: Redrive | undefined;
  redriveAllowPolicy = '';
  kmsMasterKeyId = '';
  kmsDataKeyReusePeriodSeconds = 300;
  sqsManagedSseEnabled = true;
  contentBasedDeduplication = false;
  deduplicationScope = 'queue';
  fifoThroughputLimit = 'perQueue';
}

/**
 * One queue: its messages and their states. Every operation is O(1) or O(k) in the number
 * of messages it touches, never in the backlog: ready messages sit in an intrusive list,
 * in-flight and delayed ones in a Map, and their deadlines in the shared Scheduler.
 */
export class Queue implements MessageOwner {
  readonly arn: string;
  readonly settings = new QueueSettings();
  readonly createdTimestamp: number;
  lastModifiedTimestamp: number;
  readonly tags = new Map<string, string>();
  deleted = false;
  lastPurgeAt = -Infinity;

  private readonly messages = new Map<string, Message>();
  /** Standard queues: visible messages, ungrouped and per tenant (fair queues, see fairQueue.ts). */
  private readonly fair: FairQueue;
  private readonly age = new MessageList(['agePrev', 'ageNext']);
  private readyCount = 0;
  private inflightCount = 0;
  private delayedCount = 0;
  /** FIFO only: groups by id, the available ones in the order they became available, dedup history. */
  private readonly groups = new Map<string, Group>();
  private readonly availableGroups = new Map<string, Group>();
  private readonly deduplication = new Map<string, DeduplicationEntry>();
  private lastSequenceNumber = 0n;
  private readonly attempts = new Map<string, ReceiveAttempt>();
  /** Fixed at creation: changing DeduplicationScope later does not change behaviour (F137). */
  private deduplicationScope = 'queue';
  private readonly waiters: Waiter[] = [];
  private readonly retention: Task = { version: 0, run: (now) => this.expire(now) };

  constructor(
    readonly scope: QueueScope,
    readonly name: string,
    readonly fifo: boolean,
    private readonly env: QueueEnvironment,
  ) {
    this.arn = `arn:aws:sqs:${scope.region}:${scope.accountId}:${name}`;
    this.fair = new FairQueue(this, env);
    this.createdTimestamp = env.clock.now();
    this.lastModifiedTimestamp = this.createdTimestamp;
  }

  /** Visible messages; on FIFO those behind a group lock count too (F57). */
  get approximateNumberOfMessages(): number {
    return this.readyCount;
  }

  get approximateNumberOfMessagesNotVisible(): number {
    return this.inflightCount;
  }

  get approximateNumberOfMessagesDelayed(): number {
    return this.delayedCount;
  }

  /**
   * Fair queues (standard queues only): the CloudWatch metrics ApproximateNumberOfNoisyGroups
   * and the *InQuietGroups counts, and which tenants are noisy and why. Not queue attributes:
   * GetQueueAttributes does not return them.
   */
  fairQueueMetrics(): FairQueueMetrics | undefined {
    if (this.fifo) return undefined;
    const counts = { visible: this.readyCount, inflight: this.inflightCount, delayed: this.delayedCount };
    return this.fair.metrics(this.env.clock.now(), counts, this.age);
  }

  /** Announces a change of the queue's own state (settings, tags). */
  changed(): void {
    this.env.changes.sink?.queue(this);
  }

  record(): QueueRecord {
    return {
      region: this.scope.region,
      accountId: this.scope.accountId,
      name: this.name,
      fifo: this.fifo,
      settings: { ...this.settings },
      deduplicationScope: this.deduplicationScope,
      tags: [...this.tags],
      createdTimestamp: this.createdTimestamp,
      lastModifiedTimestamp: this.lastModifiedTimestamp,
      lastPurgeAt: Number.isFinite(this.lastPurgeAt) ? this.lastPurgeAt : null,
    };
  }

  restoreRecord(record: QueueRecord): void {
    Object.assign(this.settings, record.settings);
    this.deduplicationScope = record.deduplicationScope;
    for (const [k, v] of record.tags) this.tags.set(k, v);
    (this as { createdTimestamp: number }).createdTimestamp = record.createdTimestamp;
    this.lastModifiedTimestamp = record.lastModifiedTimestamp;
    this.lastPurgeAt = record.lastPurgeAt ?? -Infinity;
  }

  /** Every stored message, in the order they came: a live iterator (see Engine.exportParts). */
  liveMessages(): Iterator<Message> {
    return this.messages.values();
  }

  /** Every stored message, oldest first. */
  messageList(): Message[] {
    const list = new Array<Message>(this.age.size);
    let i = 0;
    for (let m = this.age.head; m; m = m.ageNext) list[i++] = m;
    return list;
  }

  /**
   * Stored messages oldest first, without touching their visibility or receive count (peeks
   * for the developer endpoints and the console). Stop iterating early to bound the work.
   */
  messagesOldestFirst(): IterableIterator<Message> {
    return this.age[Symbol.iterator]();
  }

  /** Every stored message, oldest first, as records. */
  *messageRecords(): IterableIterator<MessageRecord> {
    for (const m of this.age) yield messageRecord(m);
  }

  *deduplicationRecords(): IterableIterator<[string, number, MessageData]> {
    for (const [key, entry] of this.deduplication) yield [key, entry.expiresAt, entry.data];
  }

  /** Receive attempts still in their 5-minute window, oldest first. */
  attemptRecords(): AttemptRecord[] {
    const now = this.env.clock.now();
    const out: AttemptRecord[] = [];
    for (const [id, entry] of this.attempts) {
      if (entry.expiresAt > now) out.push([id, entry.expiresAt, entry.received.map((r) => r.receiptHandle)]);
    }
    return out;
  }

  /**
   * Restores receive attempts after the messages: an attempt whose messages are all still in
   * flight under the same receipt handles can be retried; any other is dropped (a retry is
   * then an ordinary receive, as after a change).
   */
  restoreAttempts(records: readonly AttemptRecord[]): void {
    const now = this.env.clock.now();
    for (const [id, expiresAt, handles] of [...records].sort((a, b) => a[1] - b[1])) {
      if (expiresAt <= now || handles.length === 0) continue;
      const received: ReceivedMessage[] = [];
      for (const receiptHandle of handles) {
        const parsed = parseReceiptHandle(receiptHandle);
        const message = parsed && this.messages.get(parsed.messageId);
        if (!message || message.state !== 'inflight' || message.receiptNonce !== parsed!.nonce) break;
        received.push({ message, receiptHandle });
      }
      if (received.length === handles.length) this.attempts.set(id, { expiresAt, received, versions: received.map((r) => r.message.version) });
    }
  }

  restoreDeduplication(key: string, expiresAt: number, data: MessageData): void {
    this.deduplication.set(key, { expiresAt, data });
    this.bumpSequence(data.sequenceNumber);
  }

  /**
   * Puts back persisted messages, oldest first; deadlines that passed while the emulator was
   * down take effect on the next tick.
   */
  restoreMessages(records: MessageRecord[]): void {
    records.sort((a, b) => a.enqueuedAt - b.enqueuedAt);
    for (const r of records) {
      const message = new Message(this, messageData(r.data));
      message.receiveCount = r.receiveCount;
      message.firstReceiveTimestamp = r.firstReceiveTimestamp;
      message.receivedAt = r.receivedAt;
      message.receiptNonce = r.receiptNonce;
      message.enqueuedAt = r.enqueuedAt;
      message.deadline = r.deadline;
      this.messages.set(message.data.id, message);
      this.age.push(message);
      if (!this.fifo) this.fair.sent(message, message.enqueuedAt);
      this.bumpSequence(message.data.sequenceNumber);
      const group = this.fifo ? this.groupOf(message.data.groupId ?? '') : undefined;
      group?.messages.push(message);
      if (r.state === 'ready') {
        this.makeReady(message);
        continue;
      }
      message.state = r.state;
      if (r.state === 'delayed') this.delayedCount++;
      else this.inflightCount++;
      if (!this.fifo) this.fair.hold(message);
      this.env.scheduler.schedule(message.deadline, message);
      if (group) this.updateGroup(group);
    }
    if (this.fifo) this.reorderAvailableGroups();
    else this.fair.restored();
    this.scheduleRetention();
  }

  /**
   * After a restore, available groups queue up in the order their heads became visible, as
   * they did before the restart (a released head goes behind groups that were waiting, F128).
   */
  private reorderAvailableGroups(): void {
    const visibleSince = (g: Group): number => Math.max(g.messages.head!.enqueuedAt, g.messages.head!.deadline);
    const groups = [...this.availableGroups.values()].sort((a, b) => visibleSince(a) - visibleSince(b));
    this.availableGroups.clear();
    for (const g of groups) this.availableGroups.set(g.id, g);
  }

  private bumpSequence(sequenceNumber: string | undefined): void {
    if (sequenceNumber && BigInt(sequenceNumber) > this.lastSequenceNumber) this.lastSequenceNumber = BigInt(sequenceNumber);
  }

  /** Settings that keep their creation-time behaviour whatever is set later (F137). */
  lockCreationSettings(): void {
    this.deduplicationScope = this.settings.deduplicationScope;
  }

  /** Applies validated, normalized settable attributes (a partial update). */
  applySettings(attributes: Readonly<Record<string, string>>): void {
    const s = this.settings;
    const retentionBefore = s.messageRetentionPeriod;
    for (const [name, value] of Object.entries(attributes)) {
      switch (name) {
        case 'DelaySeconds':
          s.delaySeconds = Number(value);
          break;
        case 'MaximumMessageSize':
          s.maximumMessageSize = Number(value);
          break;
        case 'MessageRetentionPeriod':
          s.messageRetentionPeriod = Number(value);
          break;
        case 'ReceiveMessageWaitTimeSeconds':
          s.receiveMessageWaitTimeSeconds = Number(value);
          break;
        case 'VisibilityTimeout':
          s.visibilityTimeout = Number(value);
          break;
        case 'Policy':
          s.policy = value;
          break;
        case 'RedrivePolicy':
          s.redrivePolicy = value;
          s.redrive = value ? (JSON.parse(value) as Redrive) : undefined;
          break;
        case 'RedriveAllowPolicy':
          s.redriveAllowPolicy = value;
          break;
        case 'KmsMasterKeyId':
          s.kmsMasterKeyId = value;
          // Choosing SSE-KMS turns SSE-SQS off (F53).
          if (value !== '') s.sqsManagedSseEnabled = false;
          break;
        case 'KmsDataKeyReusePeriodSeconds':
          s.kmsDataKeyReusePeriodSeconds = Number(value);
          if (!('KmsMasterKeyId' in attributes) && s.kmsMasterKeyId !== '') s.sqsManagedSseEnabled = false;
          break;
        case 'SqsManagedSseEnabled':
          s.sqsManagedSseEnabled = value === 'true';
          // Choosing SSE-SQS turns SSE-KMS off: one type of SSE at a time (F54).
          if (s.sqsManagedSseEnabled) s.kmsMasterKeyId = '';
          break;
        case 'ContentBasedDeduplication':
          s.contentBasedDeduplication = value === 'true';
          break;
        case 'DeduplicationScope':
          s.deduplicationScope = value;
          break;
        case 'FifoThroughputLimit':
          s.fifoThroughputLimit = value;
          break;
        // FifoQueue=true on a FIFO queue is a no-op (F46).
      }
    }
    this.lastModifiedTimestamp = this.env.clock.now();
    if (s.messageRetentionPeriod !== retentionBefore) this.scheduleRetention();
    this.changed();
  }

  /** An attribute's value as GetQueueAttributes returns it, or undefined when AWS omits it. */
  attribute(name: string): string | undefined {
    const s = this.settings;
    switch (name) {
      case 'ApproximateNumberOfMessages':
        return String(this.approximateNumberOfMessages);
      case 'ApproximateNumberOfMessagesNotVisible':
        return String(this.approximateNumberOfMessagesNotVisible);
      case 'ApproximateNumberOfMessagesDelayed':
        return String(this.approximateNumberOfMessagesDelayed);
      case 'CreatedTimestamp':
        return String(Math.floor(this.createdTimestamp / 1000));
      case 'LastModifiedTimestamp':
        return String(Math.floor(this.lastModifiedTimestamp / 1000));
      case 'QueueArn':
        return this.arn;
      case 'DelaySeconds':
        return String(s.delaySeconds);
      case 'MaximumMessageSize':
        return String(s.maximumMessageSize);
      case 'MessageRetentionPeriod':
        return String(s.messageRetentionPeriod);
      case 'ReceiveMessageWaitTimeSeconds':
        return String(s.receiveMessageWaitTimeSeconds);
      case 'VisibilityTimeout':
        return String(s.visibilityTimeout);
      case 'Policy':
        return s.policy || undefined;
      case 'RedrivePolicy':
        return s.redrivePolicy || undefined;
      case 'RedriveAllowPolicy':
        return s.redriveAllowPolicy || undefined;
      case 'KmsMasterKeyId':
        return s.kmsMasterKeyId || undefined;
      case 'KmsDataKeyReusePeriodSeconds':
        return s.kmsMasterKeyId ? String(s.kmsDataKeyReusePeriodSeconds) : undefined;
      case 'SqsManagedSseEnabled':
        return String(s.sqsManagedSseEnabled);
      case 'FifoQueue':
        return this.fifo ? 'true' : undefined;
      case 'ContentBasedDeduplication':
        return this.fifo ? String(s.contentBasedDeduplication) : undefined;
      case 'DeduplicationScope':
        return this.fifo ? s.deduplicationScope : undefined;
      case 'FifoThroughputLimit':
        return this.fifo ? s.fifoThroughputLimit : undefined;
      default:
        return undefined;
    }
  }

  // ---- messages -------------------------------------------------------------------------

  /**
   * Stores a validated message. `delaySeconds` undefined = the queue's DelaySeconds.
   * On a FIFO queue a message whose deduplication id was seen in the last 5 minutes is
   * accepted but not stored: the original is returned (F133-F136).
   */
  send(data: MessageData, delaySeconds: number | undefined): { data: MessageData; duplicate: boolean } {
    const now = this.env.clock.now();
    if (this.fifo) {
      const original = this.findDuplicate(data, now);
      if (original) return { data: original, duplicate: true };
      data = { ...data, sequenceNumber: this.nextSequenceNumber(now) };
      this.rememberDeduplication(data, now);
    }
    const message = new Message(this, data);
    this.enqueue(message, now);
    if (!this.fifo) this.fair.sent(message, now);
    if (this.fifo) this.groupOf(data.groupId!).messages.push(message);
    const delay = delaySeconds ?? this.settings.delaySeconds;
    if (delay > 0) {
      message.state = 'delayed';
      message.deadline = now + delay * 1000;
      this.delayedCount++;
      if (!this.fifo) this.fair.hold(message);
      this.env.scheduler.schedule(message.deadline, message);
      if (this.fifo) this.updateGroup(this.groups.get(data.groupId!)!);
    } else {
      this.makeReady(message);
      this.wakeWaiters();
    }
    if (this.env.events.active) this.env.events.message('sent', this, message);
    return { data, duplicate: false };
  }

  private enqueue(message: Message, now: number): void {
    this.env.changes.sink?.message(this, message);
    message.enqueuedAt = now;
    this.messages.set(message.data.id, message);
    this.age.push(message);
    if (this.age.size === 1) this.scheduleRetention();
  }

  /**
   * Takes in a message moved from a source queue's receive (RedrivePolicy): same MessageId,
   * body, attributes and receive count, plus DeadLetterQueueSourceArn (F142-F144).
   */
  adoptDeadLetter(source: Message, sourceArn: string): void {
    this.adoptMoved(source, { ...source.data, deadLetterQueueSourceArn: sourceArn }, true);
  }

  /** A move task takes the next visible message out of this queue. */
  takeForMove(): Message | undefined {
    const message = this.fifo
      ? (this.availableGroups.values().next().value as Group | undefined)?.messages.head
      : this.fair.next(this.env.clock.now());
    if (!message) return undefined;
    this.remove(message);
    return message;
  }

  /** A move whose destination vanished: the message returns, visible. */
  putBack(message: Message): void {
    this.adoptMoved(message, message.data);
  }

  /** Takes in a message moved by a move task: same MessageId, body and attributes. */
  adoptMoved(
    source: Message,
    data: MessageData = { ...source.data, deadLetterQueueSourceArn: undefined },
    keepReceiveCount = false,
  ): void {
    const now = this.env.clock.now();
    if (this.fifo) data = { ...data, sequenceNumber: this.nextSequenceNumber(now) };
    const message = new Message(this, data);
    if (keepReceiveCount) {
      message.receiveCount = source.receiveCount;
      message.firstReceiveTimestamp = source.firstReceiveTimestamp;
    }
    this.enqueue(message, now);
    if (!this.fifo) this.fair.sent(message, now);
    if (this.fifo) this.groupOf(data.groupId ?? '').messages.push(message);
    this.makeReady(message);
    this.wakeWaiters();
  }

  /** Receives up to `maxNumberOfMessages` visible messages now, without waiting. */
  receive(options: ReceiveOptions): ReceivedMessage[] {
    const now = this.env.clock.now();
    const visibilityMs = (options.visibilityTimeout ?? this.settings.visibilityTimeout) * 1000;
    const attemptId = this.fifo ? options.receiveRequestAttemptId : undefined;
    if (attemptId !== undefined) {
      const retried = this.retryAttempt(attemptId, now, visibilityMs);
      if (retried) return retried;
    }
    const out = this.take(options, now, visibilityMs);
    if (attemptId !== undefined && out.length > 0) {
      const expiresAt = now + limits.receiveAttemptWindowMs;
      this.attempts.set(attemptId, { expiresAt, received: out, versions: out.map((r) => r.message.version) });
      this.env.changes.sink?.attempt(this, [attemptId, expiresAt, out.map((r) => r.receiptHandle)]);
    }
    return out;
  }

  /** In-flight messages are capped per queue (120,000); a standard short poll past it is OverLimit. */
  get inflightLimitReached(): boolean {
    return this.inflightCount >= limits.maxInflightMessages;
  }

  /**
   * ReceiveRequestAttemptId: within 5 minutes, a retry returns the same messages and receipt
   * handles, with their visibility timeout reset, as long as none was deleted or had its
   * visibility changed since; otherwise the retry is an ordinary receive.
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
   */
  private retryAttempt(attemptId: string, now: number, visibilityMs: number): ReceivedMessage[] | undefined {
    for (const [key, entry] of this.attempts) {
      if (entry.expiresAt > now) break;
      this.attempts.delete(key);
    }
    const entry = this.attempts.get(attemptId);
    if (!entry) return undefined;
    const unchanged = entry.received.every(
      ({ message }, i) =>
        message.version === entry.versions[i] && message.state === 'inflight' && this.messages.get(message.data.id) === message,
    );
    if (!unchanged) {
      this.attempts.delete(attemptId);
      return undefined;
    }
    entry.versions = entry.received.map(({ message }) => {
      message.deadline = now + visibilityMs;
      message.version++;
      this.env.scheduler.schedule(message.deadline, message);
      this.env.changes.sink?.message(this, message);
      return message.version;
    });
    return entry.received;
  }

  private take(options: ReceiveOptions, now: number, visibilityMs: number): ReceivedMessage[] {
    const out: ReceivedMessage[] = [];
    const max = Math.min(options.maxNumberOfMessages, limits.maxInflightMessages - this.inflightCount);
    const redrive = this.settings.redrive;
    const deadLetterQueue = redrive ? this.env.queueByArn(redrive.deadLetterTargetArn) : undefined;
    const takeOne = (message: Message): void => {
      if (redrive && deadLetterQueue && message.receiveCount >= redrive.maxReceiveCount) {
        // This receive would pass maxReceiveCount: the message moves instead of being delivered.
        this.remove(message);
        deadLetterQueue.adoptDeadLetter(message, this.arn);
        if (this.env.events.active) this.env.events.message('movedToDeadLetterQueue', this, message, { deadLetterQueue });
        return;
      }
      this.readyCount--;
      message.state = 'inflight';
      this.inflightCount++;
      if (!this.fifo) this.fair.take(message);
      message.receiveCount++;
      if (message.firstReceiveTimestamp === 0) message.firstReceiveTimestamp = now;
      message.receivedAt = now;
      message.receiptNonce = this.env.random.token(22);
      message.deadline = now + visibilityMs;
      message.version++;
      this.env.scheduler.schedule(message.deadline, message);
      const receiptHandle = makeReceiptHandle(message.data.id, message.receiptNonce);
      out.push({ message, receiptHandle });
      this.env.changes.sink?.message(this, message);
      if (this.env.events.active) this.env.events.message('received', this, message, { receiptHandle });
    };
    if (!this.fifo) {
      // Fair queues: quiet tenants' messages first (fairQueue.ts).
      this.fair.beginReceive(now);
      while (out.length < max) {
        const message = this.fair.next(now);
        if (!message) break;
        takeOne(message);
      }
      return out;
    }
    // FIFO: fill from the first available group, from its head up to its first message not
    // visible, before moving to the next (F125, F128, F129).
    while (out.length < max) {
      const group = this.availableGroups.values().next().value as Group | undefined;
      if (!group) break;
      for (let m = group.messages.head; m && m.state === 'ready' && out.length < max; ) {
        const next = m.readyNext;
        takeOne(m);
        m = next;
      }
      this.updateGroup(group);
    }
    return out;
  }

  /**
   * Long poll: answers at once when messages are visible, else the moment one becomes
   * visible, else empty after `waitSeconds` or when `signal` aborts (client gone, shutdown).
   */
  receiveWait(options: ReceiveOptions, waitSeconds: number, signal?: AbortSignal): Promise<ReceivedMessage[]> {
    const now = this.receive(options);
    if (now.length > 0 || waitSeconds <= 0 || signal?.aborted || this.deleted) return Promise.resolve(now);
    const polls = this.env.longPolls;
    if (polls.active >= polls.max) {
      throw errors.overLimit(`Too many long polls are waiting: this emulator allows ${polls.max} at once (--max-long-polls).`);
    }
    polls.active++;
    let done = false;
    return new Promise((resolve) => {
      const waiter: Waiter = {
        options,
        timer: undefined,
        resolve: (messages) => {
          if (!done) {
            done = true;
            polls.active--;
          }
          waiter.timer?.cancel();
          signal?.removeEventListener('abort', onAbort);
          // Messages handed to a waiting poll: let the event loop first deliver a close of
          // its connection that is already in (the caller then returns them at once, see
          // ReceiveMessage) rather than answer a dead socket and leave them in flight.
          if (messages.length > 0 && signal) setImmediate(() => resolve(messages));
          else resolve(messages);
        },
      };
      const onAbort = (): void => {
        this.removeWaiter(waiter);
        waiter.resolve([]);
      };
      waiter.timer = this.env.clock.setTimer(this.env.clock.now() + waitSeconds * 1000, onAbort);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  get waitingReceives(): number {
    return this.waiters.length;
  }

  /** Answers every waiting long poll empty (queue deleted, shutdown). */
  releaseWaiters(): void {
    for (const waiter of this.waiters.splice(0)) waiter.resolve([]);
  }

  /**
   * Deletes by receipt handle. A well-formed handle of a message that is gone succeeds
   * (F62, F159); on a standard queue a stale handle still deletes (F63), on a FIFO queue a
   * handle whose visibility expired is refused (F64).
   */
  deleteMessage(receiptHandle: string): void {
    const parsed = parseReceiptHandle(receiptHandle);
    if (!parsed) throw errors.receiptHandleIsInvalid(receiptHandle);
    const message = this.messages.get(parsed.messageId);
    if (!message) return;
    if (this.fifo && (message.state !== 'inflight' || message.receiptNonce !== parsed.nonce)) {
      throw errors.invalidParameterValueFor('ReceiptHandle', receiptHandle, 'The receipt handle has expired.');
    }
    if (!this.fifo && message.state === 'inflight') this.fair.processed(message, this.env.clock.now());
    this.remove(message);
    if (this.env.events.active) this.env.events.message('deleted', this, message);
    this.wakeWaiters();
  }

  /**
   * ChangeMessageVisibility: the new timeout counts from now, and the total may not pass
   * 12 hours from the receive. Timeout 0 makes the message visible at once.
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html
   */
  changeVisibility(receiptHandle: string, visibilityTimeout: number): void {
    const parsed = parseReceiptHandle(receiptHandle);
    if (!parsed) throw errors.receiptHandleIsInvalid(receiptHandle);
    const message = this.messages.get(parsed.messageId);
    if (!message || message.receiptNonce !== parsed.nonce || message.state === 'delayed') {
      throw errors.invalidParameterValueFor(
        'ReceiptHandle',
        receiptHandle,
        'Message does not exist or is not available for visibility timeout change.',
      );
    }
    if (this.fifo && message.state !== 'inflight') {
      throw errors.invalidParameterValueFor('ReceiptHandle', receiptHandle, 'The receipt handle has expired.');
    }
    const now = this.env.clock.now();
    if (now + visibilityTimeout * 1000 > message.receivedAt + limits.maxVisibilityTimeout * 1000) {
      throw errors.invalidParameterValueFor(
        'VisibilityTimeout',
        visibilityTimeout,
        `Total VisibilityTimeout for the message is beyond the limit [${limits.maxVisibilityTimeout} seconds]`,
      );
    }
    message.version++;
    this.env.changes.sink?.message(this, message);
    if (this.env.events.active) this.env.events.message('visibilityChanged', this, message, { visibilityTimeout });
    if (visibilityTimeout === 0) {
      if (message.state === 'inflight') {
        this.release(message);
        this.wakeWaiters();
      }
      return;
    }
    // A standard-queue handle whose visibility already expired hides the message again (F58).
    if (message.state === 'ready') {
      this.readyCount--;
      message.state = 'inflight';
      this.inflightCount++;
      this.fair.take(message);
    }
    message.deadline = now + visibilityTimeout * 1000;
    this.env.scheduler.schedule(message.deadline, message);
  }

  /** Makes in-flight messages visible again at once (a long poll whose client went away). */
  returnMessages(received: readonly ReceivedMessage[]): void {
    for (const { message } of [...received].reverse()) {
      if (message.state !== 'inflight' || this.messages.get(message.data.id) !== message) continue;
      message.version++;
      this.env.changes.sink?.message(this, message);
      this.release(message, true);
    }
    this.wakeWaiters();
  }

  /**
   * PurgeQueue: removes visible, in-flight and delayed messages (F158) and, on FIFO
   * queues, the deduplication history (F138).
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_PurgeQueue.html
   */
  purge(): void {
    const now = this.env.clock.now();
    if (this.env.strict && now - this.lastPurgeAt < limits.purgeIntervalMs) throw errors.purgeQueueInProgress(this.name);
    this.lastPurgeAt = now;
    const count = this.messages.size;
    this.purgeAll(true);
    if (this.env.events.active) this.env.events.purged(this, count);
    this.env.changes.sink?.purged(this);
  }

  /** Called when the queue is deleted: its messages go, waiting receives answer empty. */
  close(): void {
    this.deleted = true;
    this.purgeAll();
    this.releaseWaiters();
  }

  onDeadline(message: Message): void {
    if (this.deleted || this.messages.get(message.data.id) !== message) return;
    if (message.state === 'delayed') {
      this.delayedCount--;
      if (!this.fifo) this.fair.undelayed(message);
      this.makeReady(message);
    } else if (message.state === 'inflight') {
      this.release(message);
    } else {
      return;
    }
    this.wakeWaiters();
  }

  /** Everything goes; `announce`: a PurgeQueue, whose noisy tenants are announced quiet. */
  private purgeAll(announce = false): void {
    this.messages.clear();
    this.fair.clear(announce);
    this.age.clear();
    this.groups.clear();
    this.availableGroups.clear();
    this.deduplication.clear();
    this.attempts.clear();
    this.readyCount = 0;
    this.inflightCount = 0;
    this.delayedCount = 0;
    this.retention.version++;
  }

  /** A delayed (or new) message becomes visible. */
  private makeReady(message: Message): void {
    message.state = 'ready';
    this.readyCount++;
    if (this.fifo) this.updateGroup(this.groups.get(message.data.groupId!)!);
    else this.fair.push(message);
  }

  /** An in-flight message becomes visible again; on FIFO it keeps its place in its group. */
  private release(message: Message, front = false): void {
    this.inflightCount--;
    message.state = 'ready';
    // A visible message's deadline says since when it is visible (restore orders FIFO groups by it).
    message.deadline = this.env.clock.now();
    this.readyCount++;
    if (this.fifo) {
      this.updateGroup(this.groups.get(message.data.groupId!)!);
    } else if (front) {
      this.fair.releaseFront(message);
    } else {
      this.fair.release(message);
    }
  }

  private remove(message: Message): void {
    this.env.changes.sink?.removed(this, message.data.id);
    this.messages.delete(message.data.id);
    this.age.remove(message);
    message.version++;
    switch (message.state) {
      case 'ready':
        this.readyCount--;
        break;
      case 'inflight':
        this.inflightCount--;
        break;
      case 'delayed':
        this.delayedCount--;
        break;
    }
    if (!this.fifo) this.fair.removed(message);
    if (this.fifo) {
      const group = this.groups.get(message.data.groupId!)!;
      group.messages.remove(message);
      this.updateGroup(group);
    }
  }

  private groupOf(id: string): Group {
    let group = this.groups.get(id);
    if (!group) {
      group = { id, messages: new MessageList(['readyPrev', 'readyNext']) };
      this.groups.set(id, group);
    }
    return group;
  }

  /**
   * A FIFO group is locked by position, not as a whole (F128, F129): its messages are
   * returned in order from its head, and the first one that is in flight (or delayed) stops
   * the group there. So the group is available exactly when its head is visible; a group that
   * becomes available queues up behind the others.
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html
   */
  private updateGroup(group: Group): void {
    const available = group.messages.head?.state === 'ready';
    if (available) {
      if (!this.availableGroups.has(group.id)) this.availableGroups.set(group.id, group);
    } else {
      this.availableGroups.delete(group.id);
      if (group.messages.size === 0) this.groups.delete(group.id);
    }
  }

  /** Deduplication key in the scope the queue was created with (F135-F137). */
  private deduplicationKey(data: MessageData): string {
    return this.deduplicationScope === 'messageGroup' ? `${data.groupId}\u0000${data.deduplicationId}` : data.deduplicationId!;
  }

  private findDuplicate(data: MessageData, now: number): MessageData | undefined {
    // Entries are in insertion order and share one window, so expired ones are at the front.
    for (const [key, entry] of this.deduplication) {
      if (entry.expiresAt > now) break;
      this.deduplication.delete(key);
    }
    const entry = this.deduplication.get(this.deduplicationKey(data));
    return entry?.data;
  }

  private rememberDeduplication(data: MessageData, now: number): void {
    // The original is kept for its MessageId and SequenceNumber even after it is deleted (F134).
    const key = this.deduplicationKey(data);
    this.deduplication.set(key, { expiresAt: now + limits.deduplicationWindowMs, data });
    this.env.changes.sink?.deduplicated(this, key, now + limits.deduplicationWindowMs, data);
  }

  /** 20-digit, strictly increasing, time-based so that it keeps increasing across restarts. */
  private nextSequenceNumber(now: number): string {
    const candidate = 10_000_000_000_000_000_000n + BigInt(now) * 1_000_000n;
    this.lastSequenceNumber = candidate > this.lastSequenceNumber ? candidate : this.lastSequenceNumber + 1n;
    return this.lastSequenceNumber.toString();
  }

  private removeWaiter(waiter: Waiter): void {
    const i = this.waiters.indexOf(waiter);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** Hands newly visible messages to waiting long polls, oldest waiter first. */
  private wakeWaiters(): void {
    while (this.waiters.length > 0 && (this.fifo ? this.availableGroups.size > 0 : this.readyCount > 0)) {
      const waiter = this.waiters.shift()!;
      waiter.resolve(this.receive(waiter.options));
    }
  }

  /**
   * MessageRetentionPeriod: messages older than it are deleted, in flight or not (F159).
   * The age list is in send order, so only its head needs a deadline.
   */
  private scheduleRetention(): void {
    this.retention.version++;
    if (!this.env.retention) return;
    const oldest = this.age.head;
    if (oldest) {
      this.env.scheduler.schedule(oldest.enqueuedAt + this.settings.messageRetentionPeriod * 1000, this.retention);
    }
  }

  private expire(now: number): void {
    if (this.deleted) return;
    const retentionMs = this.settings.messageRetentionPeriod * 1000;
    for (let m = this.age.head; m && m.enqueuedAt + retentionMs <= now; m = this.age.head) {
      this.remove(m);
      if (this.env.events.active) this.env.events.message('expired', this, m);
    }
    this.scheduleRetention();
    this.wakeWaiters();
  }
}

/**
 * The JSON of `messageRecord(m)`, written without building the record: a snapshot serialises
 * every stored message, and fewer short-lived objects mean shorter GC pauses meanwhile.
 */
export function messageRecordJson(m: Message): string {
  const d = m.data;
  const data = d.attributes ? JSON.stringify({ ...d, attributes: recordAttributes(d.attributes) }) : JSON.stringify(d);
  return `{"data":${data},"state":"${m.state}","deadline":${m.deadline},"receiveCount":${m.receiveCount},"firstReceiveTimestamp":${m.firstReceiveTimestamp},"receivedAt":${m.receivedAt},"receiptNonce":${JSON.stringify(m.receiptNonce)},"enqueuedAt":${m.enqueuedAt}}`;
}

/** Attribute names are user data (`__proto__` included): kept in an object without prototype. */
function recordAttributes(stored: StoredAttributes): NonNullable<MessageRecord['data']['attributes']> {
  const attributes: NonNullable<MessageRecord['data']['attributes']> = Object.create(null);
  for (const [k, v] of Object.entries(stored)) {
    attributes[k] = v.BinaryValue
      ? { DataType: v.DataType, BinaryValue: v.BinaryValue.toString('base64') }
      : { DataType: v.DataType, StringValue: v.StringValue! };
  }
  return attributes;
}

export function messageRecord(m: Message): MessageRecord {
  const d = m.data;
  let attributes: MessageRecord['data']['attributes'];
  if (d.attributes) {
    attributes = Object.create(null) as NonNullable<MessageRecord['data']['attributes']>;
    for (const [k, v] of Object.entries(d.attributes)) {
      attributes[k] = v.BinaryValue
        ? { DataType: v.DataType, BinaryValue: v.BinaryValue.toString('base64') }
        : { DataType: v.DataType, StringValue: v.StringValue! };
    }
  }
  return {
    data: { ...d, attributes },
    state: m.state,
    deadline: m.deadline,
    receiveCount: m.receiveCount,
    firstReceiveTimestamp: m.firstReceiveTimestamp,
    receivedAt: m.receivedAt,
    receiptNonce: m.receiptNonce,
    enqueuedAt: m.enqueuedAt,
  };
}

function messageData(data: MessageRecord['data']): MessageData {
  if (!data.attributes) return data as MessageData;
  const attributes: StoredAttributes = Object.create(null);
  for (const [k, v] of Object.entries(data.attributes)) {
    attributes[k] = v.BinaryValue !== undefined
      ? { DataType: v.DataType, BinaryValue: Buffer.from(v.BinaryValue, 'base64') }
      : { DataType: v.DataType, StringValue: v.StringValue! };
  }
  return { ...data, attributes };
}
