import { errors } from '../api/errors.js';
import { limits } from '../api/limits.js';
import { tooManyTags } from '../api/tags.js';
import type { QueueAddress, QueueInfo } from './address.js';
import { ChangeStream } from './changes.js';
import { type Clock, SystemClock } from './clock.js';
import type { MessageInput, SendOptions } from './messageBuilder.js';
import { changeVisibilityByHandle, deleteByHandle, NOTHING_RECEIVED, perEntry, ReceiveResult, sendBatch, sendOne, type BatchOutcome, type SendResult } from './messaging.js';
import { MoveTasks } from './moveTasks.js';
import { policyWithoutPermission, policyWithPermission } from './permissions.js';
import type { Queue } from './queue.js';
import { announceQueue } from './queueState.js';
import { applySettings, renderAttribute } from './queueSettings.js';
import { QueueTable } from './queueTable.js';
import { cryptoRandom, type Random } from './random.js';
import type { DeletedQueueRecord, EngineState, MoveTaskRecord, SnapshotPart } from './records.js';
import { checkRedriveAttributes } from './redrivePolicy.js';
import { Scheduler } from './scheduler.js';
import { exportParts, importQueues, peek, stats, type PeekOptions, type PeekedMessage, type QueueStats } from './views.js';
import { LongPolls, type PollSignal, type ReceiveOptions } from './waiters.js';
import type { FairQueueMetrics } from './fairQueue.js';

/**
 * The engine's facade: every SQS operation, keyed by queue address, returning plain data.
 * It keeps time itself (each entry applies the deadlines that have passed first) and owns
 * every queue rule; callers decode and validate parameters, call it, and render the result.
 */

export interface EngineOptions {
  clock?: Clock;
  random?: Random;
  /** AWS's timing rules that get in the way locally: 60 s name reuse, one purge per 60 s. */
  strict?: boolean;
  /** Each of the two 60 s rules on its own (LocalStack's SQS_DELAY_RECENTLY_DELETED / SQS_DELAY_PURGE_RETRY); default `strict`. */
  strictQueueNameReuse?: boolean;
  strictPurge?: boolean;
  /** MessageRetentionPeriod expires messages (default true; LocalStack keeps them unless SQS_ENABLE_MESSAGE_RETENTION_PERIOD). */
  messageRetention?: boolean;
  /** Long polls that may wait at once across all queues; past it ReceiveMessage answers OverLimit. Default 10000. */
  maxLongPolls?: number;
}

export interface CreateQueueInput {
  readonly fifo: boolean;
  /** Validated, normalized settable attributes (RedrivePolicy is checked here). */
  readonly attributes: Record<string, string>;
  readonly tags: ReadonlyMap<string, string>;
}

/** What a ReceiveMessage asks for; WaitTimeSeconds undefined = the queue's ReceiveMessageWaitTimeSeconds. */
export interface ReceiveRequest extends ReceiveOptions {
  readonly waitTimeSeconds?: number;
}

export class Engine {
  readonly clock: Clock;
  readonly random: Random;
  /** The change stream: persistence, spies and metrics subscribe here. */
  readonly changes: ChangeStream;
  private readonly scheduler: Scheduler;
  private readonly table: QueueTable;
  private readonly moveTasks: MoveTasks;

  constructor(options: EngineOptions = {}) {
    this.clock = options.clock ?? new SystemClock();
    this.random = options.random ?? cryptoRandom;
    const strict = options.strict ?? false;
    this.scheduler = new Scheduler(this.clock);
    this.changes = new ChangeStream(() => this.clock.now());
    this.table = new QueueTable(
      {
        clock: this.clock,
        random: this.random,
        scheduler: this.scheduler,
        strict: options.strictPurge ?? strict,
        retention: options.messageRetention ?? true,
        queueByArn: (arn) => this.table.byArn(arn),
        changes: this.changes,
        longPolls: new LongPolls(options.maxLongPolls ?? 10_000),
      },
      options.strictQueueNameReuse ?? strict,
    );
    this.moveTasks = new MoveTasks(this.clock, this.scheduler, (arn) => this.table.byArn(arn), this.changes);
  }

  /** Applies every deadline that has passed: the first step of every entry. */
  private queue(address: QueueAddress): Queue {
    this.scheduler.runDue();
    return this.table.require(address);
  }

  // ---- queues ---------------------------------------------------------------------------

  /** The queue at `address`, if it exists. */
  describeQueue(address: QueueAddress): QueueInfo | undefined {
    this.scheduler.runDue();
    return this.table.get(address)?.info;
  }

  /** The queue at `address`, or QueueDoesNotExist. */
  requireQueue(address: QueueAddress): QueueInfo {
    return this.queue(address).info;
  }

  /** `arn:aws:sqs:<region>:<account>:<name>`, in any account of this emulator. */
  queueByArn(arn: string): QueueInfo | undefined {
    this.scheduler.runDue();
    return this.table.byArn(arn)?.info;
  }

  /** Every queue in every region and account (console, metrics, developer endpoints). */
  queues(): QueueInfo[] {
    this.scheduler.runDue();
    const out: QueueInfo[] = [];
    for (const q of this.table.all()) out.push(q.info);
    return out;
  }

  /**
   * CreateQueue is idempotent: an existing queue is returned when every given attribute
   * matches its current value (F16-F23); a differing value names the attribute (F20).
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
   */
  createQueue(address: QueueAddress, input: CreateQueueInput): QueueInfo {
    this.scheduler.runDue();
    const a = input.attributes;
    if (a.RedrivePolicy !== undefined || a.RedriveAllowPolicy !== undefined) {
      checkRedriveAttributes((arn) => this.table.byArn(arn), a, { fifo: input.fifo, arn: `arn:aws:sqs:${address.region}:${address.accountId}:${address.name}` });
    }
    const existing = this.table.get(address);
    if (existing) {
      for (const [name, value] of Object.entries(input.attributes)) {
        if ((renderAttribute(existing, name) ?? '') !== value) throw errors.queueNameExists(name);
      }
      return existing.info;
    }
    const queue = this.table.create(address, input.fifo);
    applySettings(queue.settings, input.attributes);
    // Settings that keep their creation-time behaviour whatever is set later (F137).
    if (queue.fifo) queue.deduplication.scope = queue.settings.deduplicationScope;
    for (const [k, v] of input.tags) queue.tags.set(k, v);
    announceQueue(queue, 'queueCreated');
    return queue.info;
  }

  deleteQueue(address: QueueAddress): void {
    const queue = this.queue(address);
    const deletedAt = this.table.delete(queue);
    if (this.changes.state) this.changes.emitState(deletedAt === undefined ? { type: 'queueDeleted', address: queue.address } : { type: 'queueDeleted', address: queue.address, deletedAt });
  }

  /** Queues of one region and account whose names start with `prefix`, in name order. */
  listQueues(region: string, accountId: string, prefix = ''): QueueInfo[] {
    this.scheduler.runDue();
    return this.table.list(region, accountId, prefix).map((q) => q.info);
  }

  /** Attribute values as GetQueueAttributes shows them; names AWS omits (no Policy...) are left out. */
  getQueueAttributes(address: QueueAddress, names: readonly string[]): Record<string, string> {
    const queue = this.queue(address);
    const attributes: Record<string, string> = Object.create(null);
    for (const name of names) {
      const value = renderAttribute(queue, name);
      if (value !== undefined) attributes[name] = value;
    }
    return attributes;
  }

  /** A partial update with validated, normalized attributes (RedrivePolicy is checked here). */
  setQueueAttributes(address: QueueAddress, attributes: Record<string, string>): void {
    const queue = this.queue(address);
    checkRedriveAttributes((arn) => this.table.byArn(arn), attributes, queue);
    this.applySettings(queue, attributes);
  }

  private applySettings(queue: Queue, attributes: Readonly<Record<string, string>>): void {
    const retentionBefore = queue.settings.messageRetentionPeriod;
    applySettings(queue.settings, attributes);
    queue.lastModifiedTimestamp = this.clock.now();
    if (queue.settings.messageRetentionPeriod !== retentionBefore) queue.retention.schedule();
    announceQueue(queue, 'queueUpdated');
  }

  /** TagQueue overwrites existing keys and merges new ones, up to 50 tags (F160). */
  tagQueue(address: QueueAddress, tags: ReadonlyMap<string, string>): void {
    const queue = this.queue(address);
    let added = 0;
    for (const key of tags.keys()) if (!queue.tags.has(key)) added++;
    if (queue.tags.size + added > limits.maxTagsPerQueue) throw tooManyTags();
    for (const [k, v] of tags) queue.tags.set(k, v);
    announceQueue(queue, 'queueUpdated');
  }

  /** Keys that are not there are a no-op (F160). */
  untagQueue(address: QueueAddress, keys: readonly string[]): void {
    const queue = this.queue(address);
    for (const key of keys) queue.tags.delete(key);
    announceQueue(queue, 'queueUpdated');
  }

  /** The tags, or undefined when the queue has none (F161). */
  listQueueTags(address: QueueAddress): Record<string, string> | undefined {
    const queue = this.queue(address);
    if (queue.tags.size === 0) return undefined;
    const tags: Record<string, string> = Object.create(null);
    for (const [k, v] of queue.tags) tags[k] = v;
    return tags;
  }

  /** The queue's Policy document ('' when none), for access checks. */
  queuePolicy(address: QueueAddress): string {
    return this.queue(address).settings.policy;
  }

  addPermission(address: QueueAddress, label: string, accountIds: readonly string[], actions: readonly string[]): void {
    const queue = this.queue(address);
    this.applySettings(queue, { Policy: policyWithPermission(queue.settings, queue.arn, label, accountIds, actions) });
  }

  removePermission(address: QueueAddress, label: string): void {
    const queue = this.queue(address);
    this.applySettings(queue, { Policy: policyWithoutPermission(queue.settings, queue.arn, label) });
  }

  purgeQueue(address: QueueAddress): void {
    const queue = this.queue(address);
    queue.purge();
    announceQueue(queue, 'queuePurged');
  }

  /** Queues whose RedrivePolicy names this one as their dead-letter queue, in ARN order. */
  listDeadLetterSourceQueues(address: QueueAddress): QueueInfo[] {
    const dlq = this.queue(address);
    return this.deadLetterSources(dlq.arn)
      .map((q) => q.info)
      .sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  }

  private deadLetterSources(arn: string): Queue[] {
    return [...this.table.all()].filter((q) => q.settings.redrive?.deadLetterTargetArn === arn);
  }

  // ---- messages -------------------------------------------------------------------------

  sendMessage(address: QueueAddress, input: MessageInput, options: SendOptions): SendResult {
    return sendOne(this.queue(address), input, options);
  }

  sendMessages(address: QueueAddress, entries: readonly (MessageInput & { Id: string })[], options: SendOptions): BatchOutcome<SendResult> {
    return sendBatch(this.queue(address), entries, options);
  }

  /**
   * ReceiveMessage, with long polling: answers at once when messages are visible, else the
   * moment one becomes visible, else empty after the wait or when `signal` aborts. A standard
   * short poll on a queue with 120,000 messages in flight is OverLimit; so is a long poll past
   * the emulator's cap. A poll whose client went away gives its messages back at once.
   * `abort` may be a function giving the signal, called only when the poll may wait.
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
   */
  async receiveMessages(address: QueueAddress, request: ReceiveRequest, abort?: PollSignal | (() => PollSignal)): Promise<ReceiveResult> {
    const queue = this.queue(address);
    const wait = request.waitTimeSeconds ?? queue.settings.receiveMessageWaitTimeSeconds;
    if (wait === 0 && !queue.fifo && queue.inflightLimitReached) {
      throw errors.overLimit(`Too many messages in flight: the queue already has ${limits.maxInflightMessages} in-flight messages.`);
    }
    // A signal given as a function is asked for only by a poll that may wait: a short poll
    // makes no signal (its lost answers are given back by the caller's delivery watch).
    const signal = typeof abort === 'function' ? (wait > 0 ? abort() : undefined) : abort;
    let received = queue.receiveNow(request);
    if (received.length === 0 && wait > 0 && !signal?.aborted && !queue.deleted) received = await queue.waiters.wait(request, wait, signal);
    if (received.length === 0) return NOTHING_RECEIVED;
    const result = new ReceiveResult(queue, received);
    if (signal?.aborted) {
      // Nobody will read this answer: the messages go back at once rather than after their timeout.
      result.giveBack();
      return NOTHING_RECEIVED;
    }
    return result;
  }

  deleteMessage(address: QueueAddress, receiptHandle: string): void {
    deleteByHandle(this.queue(address), receiptHandle);
  }

  deleteMessages(address: QueueAddress, entries: readonly { Id: string; ReceiptHandle: string }[]): BatchOutcome<{ Id: string }> {
    const queue = this.queue(address);
    return perEntry(entries, (e) => deleteByHandle(queue, e.ReceiptHandle));
  }

  changeVisibility(address: QueueAddress, receiptHandle: string, visibilityTimeout: number): void {
    changeVisibilityByHandle(this.queue(address), receiptHandle, visibilityTimeout);
  }

  changeVisibilities(address: QueueAddress, entries: readonly { Id: string; ReceiptHandle: string; VisibilityTimeout?: number }[]): BatchOutcome<{ Id: string }> {
    const queue = this.queue(address);
    return perEntry(entries, (e) => changeVisibilityByHandle(queue, e.ReceiptHandle, e.VisibilityTimeout));
  }

  // ---- move tasks -----------------------------------------------------------------------

  private moveSource(arn: string): Queue {
    this.scheduler.runDue();
    const source = this.table.byArn(arn);
    if (!source) throw errors.resourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.");
    return source;
  }

  /**
   * Starts moving a dead-letter queue's messages back to their sources (or to DestinationArn).
   * One active task per source (F145, F146, F150).
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html
   */
  startMoveTask(sourceArn: string, destinationArn: string | undefined, maxNumberOfMessagesPerSecond: number | undefined): MoveTaskRecord {
    const source = this.moveSource(sourceArn);
    if (destinationArn !== undefined && !this.table.byArn(destinationArn)) {
      throw errors.resourceNotFound("The resource that you specified for the DestinationArn parameter doesn't exist.");
    }
    if (this.deadLetterSources(source.arn).length === 0) throw errors.invalidParameterValue('Source queue must be configured as a Dead Letter Queue.');
    if (this.moveTasks.running(source.arn)) {
      throw errors.invalidParameterValue('There is already a task running. Only one active task is allowed for a source queue arn at a given time.');
    }
    return this.moveTasks.start(this.random.uuid(), source, destinationArn, maxNumberOfMessagesPerSecond).record();
  }

  /** Cancels a RUNNING move task (F147-F149); returns it as it stopped. */
  cancelMoveTask(sourceArn: string, taskId: string): MoveTaskRecord {
    this.moveSource(sourceArn);
    const task = this.moveTasks.list(sourceArn).find((t) => t.taskId === taskId);
    if (!task) throw errors.resourceNotFound('Task does not exist.');
    if (task.status !== 'RUNNING') throw errors.invalidParameterValue('Only active tasks can be cancelled.');
    task.cancel();
    return task.record();
  }

  /** The most recent move tasks of a source queue, newest first. */
  listMoveTasks(sourceArn: string, max: number): MoveTaskRecord[] {
    this.moveSource(sourceArn);
    return [...this.moveTasks.list(sourceArn)].reverse().slice(0, max).map((t) => t.record());
  }

  // ---- views (console, metrics, developer endpoints) ------------------------------------

  /** Stored messages oldest first, without touching their visibility or receive count. */
  peek(address: QueueAddress, options: PeekOptions = {}): PeekedMessage[] {
    return peek(this.queue(address), options);
  }

  /** Counts, the age of the oldest message, the redrive policy and the waiting long polls. */
  stats(address: QueueAddress): QueueStats {
    return stats(this.queue(address));
  }

  /** Fair queues (standard queues only): CloudWatch's metrics and who is noisy, why. */
  fairQueueMetrics(address: QueueAddress): FairQueueMetrics | undefined {
    const queue = this.queue(address);
    return queue.fifo ? undefined : queue.fair.metrics(this.clock.now(), { visible: queue.readyCount, inflight: queue.inflightCount, delayed: queue.delayedCount }, queue.age);
  }

  // ---- persistence and lifecycle --------------------------------------------------------

  /** The state for a snapshot (see views.ts). */
  snapshotParts(): SnapshotPart[] {
    return exportParts(this.table.all(), this.clock.now());
  }

  moveTaskRecords(): MoveTaskRecord[] {
    return this.moveTasks.records();
  }

  deletedRecords(): DeletedQueueRecord[] {
    return this.table.deletedRecords();
  }

  /** Rebuilds queues and messages from persisted state, then applies every passed deadline. */
  importState(state: EngineState): void {
    importQueues(this.table, state.queues);
    this.moveTasks.restore(state.moveTasks ?? []);
    this.table.restoreDeleted(state.deleted ?? []);
    this.scheduler.runDue();
  }

  /**
   * Developer reset (`POST /_emulator/reset`): deletes every queue (persistence hears each
   * deletion), forgets move tasks and strict mode's recently-deleted names. Returns the count.
   */
  reset(): number {
    const queues = [...this.table.all()];
    for (const queue of queues) this.deleteQueue(queue.address);
    this.table.clearDeleted();
    this.moveTasks.clear();
    return queues.length;
  }

  /** Shutdown: waiting long polls are answered empty and the timer stops. */
  stop(): void {
    for (const queue of this.table.all()) queue.waiters.releaseAll();
    this.scheduler.stop();
  }
}
