import { errors } from '../api/errors.js';
import { limits } from '../api/limits.js';
import { type Clock, SystemClock } from './clock.js';
import { EngineEvents } from './events.js';
import { cryptoRandom, type Random } from './random.js';
import { MoveTasks, type MoveTaskRecord } from './moveTasks.js';
import { Scheduler } from './scheduler.js';
import { Queue, type AttemptRecord, type ChangeSink, type MessageRecord, type QueueEnvironment, type QueueRecord, type QueueScope } from './queue.js';
import type { Message, MessageData } from './message.js';

/** The engine's whole durable state, as plain JSON-able data. */
export interface EngineState {
  queues: {
    queue: QueueRecord;
    messages: MessageRecord[];
    deduplication: [string, number, MessageData][];
    /** ReceiveRequestAttemptIds in their window; absent in snapshots of earlier versions. */
    attempts?: AttemptRecord[];
  }[];
  /** Absent in snapshots written before move tasks were persisted. */
  moveTasks?: MoveTaskRecord[];
  /** Queues deleted lately, for strict mode's 60-second name rule: [region, account, name, deletedAt]. */
  deleted?: DeletedQueueRecord[];
}

export type DeletedQueueRecord = [region: string, accountId: string, name: string, deletedAt: number];

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
  /** Message events kept for the toolkit's waitFor (0 = none, the default). */
  eventHistory?: number;
  /** Long polls that may wait at once across all queues; past it ReceiveMessage answers OverLimit. Default 10000. */
  maxLongPolls?: number;
}

export interface CreateQueueInput {
  readonly name: string;
  readonly fifo: boolean;
  /** Validated, normalized settable attributes. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly tags: ReadonlyMap<string, string>;
}

const scopeKey = (scope: QueueScope): string => `${scope.region}\u0000${scope.accountId}`;

/**
 * The queue engine: all queue state, no HTTP and no disk. Queues are kept per region and
 * account; names are case-sensitive.
 */
export class Engine {
  readonly clock: Clock;
  readonly random: Random;
  readonly scheduler: Scheduler;
  readonly strict: boolean;
  readonly moveTasks: MoveTasks;
  private readonly env: QueueEnvironment;
  private readonly scopes = new Map<string, Map<string, Queue>>();
  /** Persistence plugs in here to hear every durable change. */
  readonly changes: { sink: ChangeSink | undefined } = { sink: undefined };
  private readonly deletedAt = new Map<string, number>();
  private readonly strictNames: boolean;
  /** What happens to messages (sent, received, deleted...): spies and metrics listen here. */
  readonly events: EngineEvents;

  constructor(options: EngineOptions = {}) {
    this.clock = options.clock ?? new SystemClock();
    this.random = options.random ?? cryptoRandom;
    this.strict = options.strict ?? false;
    this.strictNames = options.strictQueueNameReuse ?? this.strict;
    this.scheduler = new Scheduler(this.clock);
    this.events = new EngineEvents(() => this.clock.now(), options.eventHistory ?? 0);
    this.env = {
      clock: this.clock,
      random: this.random,
      scheduler: this.scheduler,
      strict: options.strictPurge ?? this.strict,
      retention: options.messageRetention ?? true,
      queueByArn: (arn) => this.queueByArn(arn),
      changes: this.changes,
      longPolls: { active: 0, max: options.maxLongPolls ?? 10_000 },
      events: this.events,
    };
    this.moveTasks = new MoveTasks(this.clock, this.scheduler, (arn) => this.queueByArn(arn), this.changes);
  }

  /** Applies every deadline that has passed; called before each operation. */
  tick(): void {
    this.scheduler.runDue();
  }

  getQueue(scope: QueueScope, name: string): Queue | undefined {
    return this.scopes.get(scopeKey(scope))?.get(name);
  }

  /** The queue or AWS's QueueDoesNotExist. */
  requireQueue(scope: QueueScope, name: string): Queue {
    const queue = this.getQueue(scope, name);
    if (!queue) throw errors.queueDoesNotExist();
    return queue;
  }

  /**
   * CreateQueue is idempotent: an existing queue is returned when every given attribute
   * matches its current value (F16-F23); a differing value names the attribute (F20).
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
   */
  createQueue(scope: QueueScope, input: CreateQueueInput): Queue {
    const existing = this.getQueue(scope, input.name);
    if (existing) {
      for (const [name, value] of Object.entries(input.attributes)) {
        if ((existing.attribute(name) ?? '') !== value) throw errors.queueNameExists(name);
      }
      return existing;
    }
    const key = `${scopeKey(scope)}\u0000${input.name}`;
    const deletedAt = this.deletedAt.get(key);
    if (deletedAt !== undefined) {
      if (this.strictNames && this.clock.now() - deletedAt < limits.queueNameReuseMs) throw errors.queueDeletedRecently();
      this.deletedAt.delete(key);
    }
    const queue = new Queue(scope, input.name, input.fifo, this.env);
    queue.applySettings(input.attributes);
    queue.lockCreationSettings();
    for (const [k, v] of input.tags) queue.tags.set(k, v);
    let queues = this.scopes.get(scopeKey(scope));
    if (!queues) {
      queues = new Map();
      this.scopes.set(scopeKey(scope), queues);
    }
    queues.set(input.name, queue);
    this.changes.sink?.queue(queue);
    return queue;
  }

  deleteQueue(queue: Queue): void {
    const queues = this.scopes.get(scopeKey(queue.scope));
    if (queues?.get(queue.name) !== queue) throw errors.queueDoesNotExist();
    queues.delete(queue.name);
    queue.close();
    if (this.strictNames) this.deletedAt.set(`${scopeKey(queue.scope)}\u0000${queue.name}`, this.clock.now());
    this.changes.sink?.queueDeleted(queue);
  }

  /** Names deleted less than 60 s ago (strict mode), for persistence. */
  deletedRecords(): DeletedQueueRecord[] {
    const now = this.clock.now();
    const out: DeletedQueueRecord[] = [];
    for (const [key, at] of this.deletedAt) {
      if (now - at >= limits.queueNameReuseMs) continue;
      const [region, accountId, name] = key.split('\u0000') as [string, string, string];
      out.push([region, accountId, name, at]);
    }
    return out;
  }

  /** When a queue was deleted (strict mode keeps it for 60 s), for the journal. */
  deletedAtOf(queue: Queue): number | undefined {
    return this.deletedAt.get(`${scopeKey(queue.scope)}\u0000${queue.name}`);
  }

  /** Queues of one region and account whose names start with `prefix`, in name order. */
  listQueues(scope: QueueScope, prefix = ''): Queue[] {
    const queues = this.scopes.get(scopeKey(scope));
    if (!queues) return [];
    const names = [...queues.keys()].filter((n) => n.startsWith(prefix)).sort();
    return names.map((n) => queues.get(n)!);
  }

  /** Queues whose RedrivePolicy names `dlq` as their dead-letter queue. */
  deadLetterSources(dlq: Queue): Queue[] {
    return [...this.allQueues()].filter((q) => q.settings.redrive?.deadLetterTargetArn === dlq.arn);
  }

  /** `arn:aws:sqs:<region>:<account>:<name>`, in any account of this emulator. */
  queueByArn(arn: string): Queue | undefined {
    const match = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]+)$/.exec(arn);
    return match ? this.getQueue({ region: match[1]!, accountId: match[2]! }, match[3]!) : undefined;
  }

  /** Every queue in every region and account. */
  *allQueues(): IterableIterator<Queue> {
    for (const queues of this.scopes.values()) yield* queues.values();
  }

  /**
   * The state for a snapshot: each queue's record and deduplication entries, taken now, and a
   * live iterator over its messages, read later, slice by slice, by persistence. A Map's
   * iterator survives changes: a message removed before it is reached is skipped, one added
   * is visited. Every change made meanwhile is also in the journal that follows the snapshot.
   */
  exportParts(): { queue: QueueRecord; deduplication: [string, number, MessageData][]; attempts: AttemptRecord[]; messages: Iterator<Message> }[] {
    return [...this.allQueues()].map((q) => ({
      queue: q.record(),
      deduplication: [...q.deduplicationRecords()],
      attempts: q.attemptRecords(),
      messages: q.liveMessages(),
    }));
  }

  /** Rebuilds queues and messages from persisted state, then applies every passed deadline. */
  importState(state: EngineState): void {
    for (const entry of state.queues) {
      const r = entry.queue;
      const scope = { region: r.region, accountId: r.accountId };
      const queue = new Queue(scope, r.name, r.fifo, this.env);
      queue.restoreRecord(r);
      let queues = this.scopes.get(scopeKey(scope));
      if (!queues) {
        queues = new Map();
        this.scopes.set(scopeKey(scope), queues);
      }
      queues.set(r.name, queue);
      for (const [key, expiresAt, data] of entry.deduplication) queue.restoreDeduplication(key, expiresAt, data);
      queue.restoreMessages(entry.messages);
      queue.restoreAttempts(entry.attempts ?? []);
    }
    this.moveTasks.restore(state.moveTasks ?? []);
    const now = this.clock.now();
    for (const [region, accountId, name, at] of state.deleted ?? []) {
      if (now - at < limits.queueNameReuseMs && !this.getQueue({ region, accountId }, name)) {
        this.deletedAt.set(`${scopeKey({ region, accountId })}\u0000${name}`, at);
      }
    }
    this.tick();
  }

  /**
   * Developer reset (`POST /_emulator/reset`): deletes every queue (persistence hears each
   * deletion), forgets move tasks and strict mode's recently-deleted names. Returns the count.
   */
  reset(): number {
    const queues = [...this.allQueues()];
    for (const queue of queues) this.deleteQueue(queue);
    this.deletedAt.clear();
    this.moveTasks.clear();
    return queues.length;
  }

  /** Shutdown: waiting long polls are answered empty and the timer stops. */
  stop(): void {
    for (const queue of this.allQueues()) queue.releaseWaiters();
    this.scheduler.stop();
  }
}
