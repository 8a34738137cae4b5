import { errors } from '../api/errors.js';
import { limits } from '../api/limits.js';
import type { Clock } from './clock.js';
import { Message, MessageList, type MessageData, type MessageOwner } from './message.js';
import type { Random } from './random.js';
import type { Scheduler, Task } from './scheduler.js';

export interface QueueScope {
  readonly region: string;
  readonly accountId: string;
}

export interface QueueEnvironment {
  readonly clock: Clock;
  readonly random: Random;
  readonly scheduler: Scheduler;
  readonly strict: boolean;
}

export interface ReceiveOptions {
  readonly maxNumberOfMessages: number;
  /** Seconds; undefined = the queue's VisibilityTimeout. */
  readonly visibilityTimeout?: number;
}

export interface ReceivedMessage {
  readonly message: Message;
  readonly receiptHandle: string;
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
  private readonly ready = new MessageList(['readyPrev', 'readyNext']);
  private readonly age = new MessageList(['agePrev', 'ageNext']);
  private inflightCount = 0;
  private delayedCount = 0;
  private readonly waiters: Waiter[] = [];
  private readonly retention: Task = { version: 0, run: (now) => this.expire(now) };

  constructor(
    readonly scope: QueueScope,
    readonly name: string,
    readonly fifo: boolean,
    private readonly env: QueueEnvironment,
  ) {
    this.arn = `arn:aws:sqs:${scope.region}:${scope.accountId}:${name}`;
    this.createdTimestamp = env.clock.now();
    this.lastModifiedTimestamp = this.createdTimestamp;
  }

  get approximateNumberOfMessages(): number {
    return this.ready.size;
  }

  get approximateNumberOfMessagesNotVisible(): number {
    return this.inflightCount;
  }

  get approximateNumberOfMessagesDelayed(): number {
    return this.delayedCount;
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

  /** Stores a validated message. `delaySeconds` undefined = the queue's DelaySeconds. */
  send(data: MessageData, delaySeconds: number | undefined): Message {
    const now = this.env.clock.now();
    const message = new Message(this, data);
    this.messages.set(data.id, message);
    if (this.age.size === 0) {
      this.age.push(message);
      this.scheduleRetention();
    } else {
      this.age.push(message);
    }
    const delay = delaySeconds ?? this.settings.delaySeconds;
    if (delay > 0) {
      message.state = 'delayed';
      message.deadline = now + delay * 1000;
      this.delayedCount++;
      this.env.scheduler.schedule(message.deadline, message);
    } else {
      this.makeReady(message);
      this.wakeWaiters();
    }
    return message;
  }

  /** Receives up to `maxNumberOfMessages` visible messages now, without waiting. */
  receive(options: ReceiveOptions): ReceivedMessage[] {
    const now = this.env.clock.now();
    const visibilityMs = (options.visibilityTimeout ?? this.settings.visibilityTimeout) * 1000;
    const out: ReceivedMessage[] = [];
    while (out.length < options.maxNumberOfMessages) {
      const message = this.ready.shift();
      if (!message) break;
      message.state = 'inflight';
      this.inflightCount++;
      message.receiveCount++;
      if (message.firstReceiveTimestamp === 0) message.firstReceiveTimestamp = now;
      message.receivedAt = now;
      message.receiptNonce = this.env.random.token(22);
      message.deadline = now + visibilityMs;
      message.version++;
      this.env.scheduler.schedule(message.deadline, message);
      out.push({ message, receiptHandle: makeReceiptHandle(message.data.id, message.receiptNonce) });
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
    return new Promise((resolve) => {
      const waiter: Waiter = {
        options,
        timer: undefined,
        resolve: (messages) => {
          waiter.timer?.cancel();
          signal?.removeEventListener('abort', onAbort);
          resolve(messages);
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
   * (F62, F159); on a standard queue a stale handle still deletes (F63).
   */
  deleteMessage(receiptHandle: string): void {
    const parsed = parseReceiptHandle(receiptHandle);
    if (!parsed) throw errors.receiptHandleIsInvalid(receiptHandle);
    const message = this.messages.get(parsed.messageId);
    if (message) this.remove(message);
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
    const now = this.env.clock.now();
    if (now + visibilityTimeout * 1000 > message.receivedAt + limits.maxVisibilityTimeout * 1000) {
      throw errors.invalidParameterValueFor(
        'VisibilityTimeout',
        visibilityTimeout,
        `Total VisibilityTimeout for the message is beyond the limit [${limits.maxVisibilityTimeout} seconds]`,
      );
    }
    message.version++;
    if (visibilityTimeout === 0) {
      if (message.state === 'inflight') {
        this.inflightCount--;
        this.makeReady(message);
        this.wakeWaiters();
      }
      return;
    }
    // A handle whose visibility already expired hides the message again (F58).
    if (message.state === 'ready') {
      this.ready.remove(message);
      message.state = 'inflight';
      this.inflightCount++;
    }
    message.deadline = now + visibilityTimeout * 1000;
    this.env.scheduler.schedule(message.deadline, message);
  }

  /** Makes in-flight messages visible again at once (a long poll whose client went away). */
  returnMessages(received: readonly ReceivedMessage[]): void {
    for (const { message } of received) {
      if (message.state !== 'inflight' || this.messages.get(message.data.id) !== message) continue;
      message.version++;
      this.inflightCount--;
      this.makeReady(message, true);
    }
    this.wakeWaiters();
  }

  /**
   * PurgeQueue: removes visible, in-flight and delayed messages (F158).
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_PurgeQueue.html
   */
  purge(): void {
    const now = this.env.clock.now();
    if (this.env.strict && now - this.lastPurgeAt < limits.purgeIntervalMs) throw errors.purgeQueueInProgress(this.name);
    this.lastPurgeAt = now;
    this.purgeAll();
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
    } else if (message.state === 'inflight') {
      this.inflightCount--;
    } else {
      return;
    }
    this.makeReady(message);
    this.wakeWaiters();
  }

  private purgeAll(): void {
    this.messages.clear();
    this.ready.clear();
    this.age.clear();
    this.inflightCount = 0;
    this.delayedCount = 0;
    this.retention.version++;
  }

  private makeReady(message: Message, front = false): void {
    message.state = 'ready';
    if (front) this.ready.unshift(message);
    else this.ready.push(message);
  }

  private remove(message: Message): void {
    this.messages.delete(message.data.id);
    this.age.remove(message);
    message.version++;
    switch (message.state) {
      case 'ready':
        this.ready.remove(message);
        break;
      case 'inflight':
        this.inflightCount--;
        break;
      case 'delayed':
        this.delayedCount--;
        break;
    }
  }

  private removeWaiter(waiter: Waiter): void {
    const i = this.waiters.indexOf(waiter);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** Hands newly visible messages to waiting long polls, oldest waiter first. */
  private wakeWaiters(): void {
    while (this.waiters.length > 0 && this.ready.size > 0) {
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
    const oldest = this.age.head;
    if (oldest) {
      this.env.scheduler.schedule(oldest.data.sentTimestamp + this.settings.messageRetentionPeriod * 1000, this.retention);
    }
  }

  private expire(now: number): void {
    if (this.deleted) return;
    const retentionMs = this.settings.messageRetentionPeriod * 1000;
    for (let m = this.age.head; m && m.data.sentTimestamp + retentionMs <= now; m = this.age.head) this.remove(m);
    this.scheduleRetention();
  }
}
