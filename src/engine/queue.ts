import { errors } from '../api/errors.js';
import { limits } from '../api/limits.js';
import type { QueueAddress, QueueInfo } from './address.js';
import type { ChangeStream } from './changes.js';
import type { Clock } from './clock.js';
import { Deduplication } from './deduplication.js';
import type { QueueIdentity } from './events.js';
import { FairQueue } from './fairQueue.js';
import { FifoGroups } from './fifoGroups.js';
import { Message, MessageList, plainData, type MessageData, type MessageOwner } from './message.js';
import type { Random } from './random.js';
import { makeReceiptHandle, ReceiveAttempts, ReceivedMessage } from './receipts.js';
import { Retention, type RetentionOwner } from './retention.js';
import type { Scheduler } from './scheduler.js';
import { QueueSettings } from './queueSettings.js';
import { LongPolls, Waiters, type ReceiveOptions, type WaiterOwner } from './waiters.js';

/**
 * One queue, the coordinator of its rules: message states (visible, in flight, delayed) and
 * their counts, receive with maxReceiveCount redrive to the dead-letter queue, delete,
 * ChangeMessageVisibility and its 12-hour limit, PurgeQueue; expiry runs through retention.ts.
 * Every operation is O(1) or O(k) in the messages it touches, never in the backlog.
 */

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
  readonly changes: ChangeStream;
  readonly longPolls: LongPolls;
}

export class Queue implements MessageOwner, WaiterOwner, RetentionOwner {
  readonly arn: string;
  readonly info: QueueInfo;
  readonly settings = new QueueSettings();
  readonly createdTimestamp: number;
  lastModifiedTimestamp: number;
  deleted = false;
  lastPurgeAt = -Infinity;

  /** Every stored message in the order it entered the queue (retention, peeks). */
  readonly age = new MessageList(['agePrev', 'ageNext']);
  /** Counts by state (ApproximateNumberOfMessages, ...NotVisible, ...Delayed). */
  readyCount = 0;
  inflightCount = 0;
  delayedCount = 0;

  // Made on first use: most queues never need most of them (10,000 empty queues are 10,000 of each).
  #tags: Map<string, string> | undefined;
  #index: Map<string, Message> | undefined;
  #fair: FairQueue | undefined;
  #groups: FifoGroups | undefined;
  #deduplication: Deduplication | undefined;
  #attempts: ReceiveAttempts | undefined;
  #waiters: Waiters | undefined;
  #identity: QueueIdentity | undefined;
  #retention: Retention | undefined;

  constructor(
    readonly address: QueueAddress,
    readonly fifo: boolean,
    readonly env: QueueEnvironment,
  ) {
    this.arn = `arn:aws:sqs:${address.region}:${address.accountId}:${address.name}`;
    this.info = Object.freeze({ region: address.region, accountId: address.accountId, name: address.name, arn: this.arn, fifo });
    this.createdTimestamp = env.clock.now();
    this.lastModifiedTimestamp = this.createdTimestamp;
  }

  get name(): string {
    return this.address.name;
  }

  /** The queue as events name it (one object per queue: metrics key their tallies by it). */
  get identity(): QueueIdentity { return (this.#identity ??= Object.freeze({ name: this.address.name, region: this.address.region, accountId: this.address.accountId, arn: this.arn })); }
  get retention(): Retention { return (this.#retention ??= new Retention(this, this.env.scheduler, this.env.retention)); }
  get tags(): Map<string, string> { return (this.#tags ??= new Map()); }
  /** By id, the messages a receipt handle can name: received here at least once, or moved in (not on send). */
  get index(): Map<string, Message> { return (this.#index ??= new Map()); }
  /** Standard queues: visible messages, ungrouped and per tenant (fairQueue.ts). */
  get fair(): FairQueue { return (this.#fair ??= new FairQueue(this, this.env)); }
  get groups(): FifoGroups { return (this.#groups ??= new FifoGroups()); }
  get deduplication(): Deduplication { return (this.#deduplication ??= new Deduplication()); }
  get attempts(): ReceiveAttempts { return (this.#attempts ??= new ReceiveAttempts()); }
  get waiters(): Waiters { return (this.#waiters ??= new Waiters(this, this.env.longPolls, this.env.clock)); }

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

  /** Announces a message's new state (call only when `changes.state`). */
  stored(message: Message, type: 'messageStored' | 'messageUpdated' = 'messageUpdated'): void {
    this.env.changes.emitState({ type, address: this.address, message });
  }

  // ---- messages -------------------------------------------------------------------------

  /**
   * Stores a built message. `delaySeconds` undefined = the queue's DelaySeconds. On a FIFO
   * queue a duplicate within the window is accepted but not stored: the original is returned.
   */
  send(data: MessageData, delaySeconds: number | undefined, now: number): MessageData {
    const changes = this.env.changes;
    if (this.fifo) {
      const original = this.deduplication.find(data, now);
      if (original) return original;
      data = { ...data, sequenceNumber: this.deduplication.nextSequenceNumber(now) };
      const key = this.deduplication.remember(data, now);
      if (changes.state) changes.emitState({ type: 'deduplicationEntry', address: this.address, entry: [key, now + limits.deduplicationWindowMs, data] });
    }
    const message = new Message(this, data);
    this.enqueue(message, now);
    const delay = delaySeconds ?? this.settings.delaySeconds;
    if (delay > 0) {
      message.state = 'delayed';
      message.deadline = now + delay * 1000;
      this.delayedCount++;
      if (!this.fifo) this.fair.hold(message);
      this.env.scheduler.schedule(message.deadline, message);
      if (this.fifo) this.groups.update(this.groups.of(message));
    } else {
      this.makeReady(message);
    }
    if (changes.state) this.stored(message, 'messageStored');
    if (delay <= 0) this.#waiters?.wake();
    if (changes.messages) changes.message('sent', this.identity, message);
    return data;
  }

  /** Enters a new message: the age list, its tenant or group, the retention deadline. */
  enqueue(message: Message, now: number): void {
    message.enqueuedAt = now;
    this.age.push(message);
    if (this.age.size === 1) this.retention.schedule();
    if (this.fifo) this.groups.groupOf(message.data.groupId ?? '').messages.push(message);
    else this.fair.sent(message, now);
  }

  hasVisible(): boolean {
    return this.fifo ? this.groups.availableCount > 0 : this.readyCount > 0;
  }

  /** Receives up to `maxNumberOfMessages` visible messages now, without waiting. */
  receiveNow(options: ReceiveOptions): ReceivedMessage[] {
    const now = this.env.clock.now();
    const visibilityMs = (options.visibilityTimeout ?? this.settings.visibilityTimeout) * 1000;
    const attemptId = this.fifo ? options.receiveRequestAttemptId : undefined;
    if (attemptId !== undefined) {
      const retried = this.attempts.retry(attemptId, now, (m) => m.state === 'inflight' && !m.removed);
      if (retried) {
        for (const r of retried) {
          const message = ReceivedMessage.message(r);
          message.deadline = now + visibilityMs;
          message.version++;
          this.env.scheduler.schedule(message.deadline, message);
          if (this.env.changes.state) this.stored(message);
        }
        this.attempts.renewed(attemptId);
        return retried;
      }
    }
    const out = this.take(options.maxNumberOfMessages, now, visibilityMs);
    if (attemptId !== undefined && out.length > 0) {
      const expiresAt = this.attempts.remember(attemptId, now, out);
      if (this.env.changes.state) {
        this.env.changes.emitState({ type: 'receiveAttempt', address: this.address, attempt: [attemptId, expiresAt, out.map((r) => r.receiptHandle)] });
      }
    }
    return out;
  }

  /** In-flight messages are capped per queue (120,000). */
  get inflightLimitReached(): boolean {
    return this.inflightCount >= limits.maxInflightMessages;
  }
  private take(maxNumberOfMessages: number, now: number, visibilityMs: number): ReceivedMessage[] {
    const out: ReceivedMessage[] = [];
    const max = Math.min(maxNumberOfMessages, limits.maxInflightMessages - this.inflightCount);
    if (!this.fifo) {
      // Fair queues: quiet tenants' messages first (fairQueue.ts).
      this.fair.beginReceive(now);
      while (out.length < max) {
        const message = this.fair.next(now);
        if (!message) break;
        this.takeOne(message, now, visibilityMs, out);
      }
      return out;
    }
    // FIFO: fill from the first available group, from its head up to its first message not
    // visible, before moving to the next (fifoGroups.ts).
    while (out.length < max) {
      const group = this.groups.first();
      if (!group) break;
      for (let m = group.messages.head; m && m.state === 'ready' && out.length < max; ) {
        const next = m.readyNext;
        this.takeOne(m, now, visibilityMs, out);
        m = next;
      }
      this.groups.update(group);
    }
    return out;
  }

  private takeOne(message: Message, now: number, visibilityMs: number, out: ReceivedMessage[]): void {
    const redrive = this.settings.redrive;
    if (redrive && message.receiveCount >= redrive.maxReceiveCount) {
      const deadLetterQueue = this.env.queueByArn(redrive.deadLetterTargetArn);
      if (deadLetterQueue) {
        // This receive would pass maxReceiveCount: the message moves instead of being delivered (F142-F144).
        this.remove(message);
        deadLetterQueue.adopt(message, { ...plainData(message), deadLetterQueueSourceArn: this.arn }, true);
        if (this.env.changes.messages) this.env.changes.message('movedToDeadLetterQueue', this.identity, message, { deadLetterQueue: deadLetterQueue.identity });
        return;
      }
    }
    this.readyCount--;
    message.state = 'inflight';
    this.inflightCount++;
    if (!this.fifo) this.fair.take(message);
    if (message.receiveCount === 0) this.index.set(message.data.id, message);
    message.receiveCount++;
    if (message.firstReceiveTimestamp === 0) message.firstReceiveTimestamp = now;
    message.receivedAt = now;
    message.receiptNonce = this.env.random.token(22);
    message.deadline = now + visibilityMs;
    message.version++;
    this.env.scheduler.schedule(message.deadline, message);
    const receiptHandle = makeReceiptHandle(message.data.id, message.receiptNonce);
    out.push(new ReceivedMessage(message, receiptHandle));
    if (this.env.changes.state) this.stored(message);
    if (this.env.changes.messages) this.env.changes.message('received', this.identity, message, { receiptHandle });
  }

  /** DeleteMessage of a stored message (receipts checked by the caller). */
  delete(message: Message): void {
    if (!this.fifo && message.state === 'inflight') this.fair.processed(message, this.env.clock.now());
    this.remove(message);
    if (this.env.changes.messages) this.env.changes.message('deleted', this.identity, message);
    this.#waiters?.wake();
  }

  /** ChangeMessageVisibility of an in-flight (or, standard, expired) message (checked by the caller). */
  changeVisibility(message: Message, visibilityTimeout: number, now: number): void {
    message.version++;
    if (this.env.changes.messages) this.env.changes.message('visibilityChanged', this.identity, message, { visibilityTimeout });
    if (visibilityTimeout === 0) {
      if (message.state === 'inflight') {
        this.release(message);
        this.#waiters?.wake();
      } else if (this.env.changes.state) this.stored(message);
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
    if (this.env.changes.state) this.stored(message);
  }

  /** Makes in-flight messages visible again at once, ahead of the others (their receive was lost). */
  giveBack(received: readonly ReceivedMessage[]): void {
    for (let i = received.length - 1; i >= 0; i--) {
      const message = ReceivedMessage.message(received[i]!);
      if (message.state !== 'inflight' || message.removed) continue;
      message.version++;
      this.release(message, true);
    }
    this.#waiters?.wake();
  }

  /**
   * PurgeQueue: removes visible, in-flight and delayed messages (F158) and, on FIFO
   * queues, the deduplication history (F138); strict mode allows one per 60 seconds.
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_PurgeQueue.html
   */
  purge(): void {
    const now = this.env.clock.now();
    if (this.env.strict && now - this.lastPurgeAt < limits.purgeIntervalMs) throw errors.purgeQueueInProgress(this.name);
    this.lastPurgeAt = now;
    const count = this.age.size;
    this.purgeAll(true);
    if (this.env.changes.messages) this.env.changes.purged(this.identity, count);
  }

  /** Called when the queue is deleted: its messages go, waiting receives answer empty. */
  close(): void {
    this.deleted = true;
    this.purgeAll();
    this.#waiters?.releaseAll();
  }

  onDeadline(message: Message): void {
    if (this.deleted || message.removed) return;
    if (message.state === 'delayed') {
      this.delayedCount--;
      if (!this.fifo) this.fair.undelayed(message);
      this.makeReady(message);
      if (this.env.changes.state) this.stored(message);
    } else if (message.state === 'inflight') {
      this.release(message);
    } else {
      return;
    }
    this.#waiters?.wake();
  }

  /**
   * Takes in a message moved here: from a source queue's receive (RedrivePolicy, same receive
   * count, F142-F144) or by a move task (same MessageId, body and attributes).
   */
  adopt(source: Message, data: MessageData, keepReceiveCount: boolean): void {
    const now = this.env.clock.now();
    if (this.fifo) data = { ...data, sequenceNumber: this.deduplication.nextSequenceNumber(now) };
    const message = new Message(this, data);
    if (keepReceiveCount) {
      message.receiveCount = source.receiveCount;
      message.firstReceiveTimestamp = source.firstReceiveTimestamp;
    }
    this.enqueue(message, now);
    this.index.set(data.id, message);
    this.makeReady(message);
    if (this.env.changes.state) this.stored(message, 'messageStored');
    this.#waiters?.wake();
  }

  /** Everything goes; `announce`: a PurgeQueue, whose noisy tenants are announced quiet. */
  private purgeAll(announce = false): void {
    for (let m = this.age.head; m; m = m.ageNext) m.markRemoved();
    this.#index?.clear();
    this.#fair?.clear(announce);
    this.age.clear();
    this.#groups?.clear();
    this.#deduplication?.clear();
    this.#attempts?.clear();
    this.readyCount = 0;
    this.inflightCount = 0;
    this.delayedCount = 0;
    this.#retention?.cancel();
  }

  /** A delayed (or new) message becomes visible. */
  makeReady(message: Message): void {
    message.state = 'ready';
    this.readyCount++;
    if (this.fifo) this.groups.update(this.groups.of(message));
    else this.fair.push(message);
  }

  /** An in-flight message becomes visible again; on FIFO it keeps its place in its group. */
  private release(message: Message, front = false): void {
    this.inflightCount--;
    message.state = 'ready';
    // A visible message's deadline says since when it is visible (restore orders FIFO groups by it).
    message.deadline = this.env.clock.now();
    this.readyCount++;
    if (this.fifo) this.groups.update(this.groups.of(message));
    else if (front) this.fair.releaseFront(message);
    else this.fair.release(message);
    if (this.env.changes.state) this.stored(message);
  }

  remove(message: Message): void {
    if (this.env.changes.state) this.env.changes.emitState({ type: 'messageRemoved', address: this.address, messageId: message.data.id });
    this.#index?.delete(message.data.id);
    this.age.remove(message);
    message.markRemoved();
    message.version++;
    if (message.state === 'ready') this.readyCount--;
    else if (message.state === 'inflight') this.inflightCount--;
    else this.delayedCount--;
    if (this.fifo) {
      const group = this.groups.of(message);
      group.messages.remove(message);
      this.groups.update(group);
    } else this.fair.removed(message);
  }

  expired(message: Message): void {
    this.remove(message);
    if (this.env.changes.messages) this.env.changes.message('expired', this.identity, message);
  }

  afterExpiry(): void {
    this.#waiters?.wake();
  }
}
