import { errors } from '../api/errors.js';
import { limits } from '../api/limits.js';
import { parseQueueArn, type QueueAddress } from './address.js';
import { Queue, type QueueEnvironment } from './queue.js';
import type { DeletedQueueRecord } from './records.js';

/**
 * Every queue, per region and account, by name (case-sensitive); and strict mode's rule that
 * a deleted queue's name may not be reused for 60 seconds.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteQueue.html
 */

const scopeKey = (region: string, accountId: string): string => `${region}\u0000${accountId}`;
const nameKey = (a: QueueAddress): string => `${a.region}\u0000${a.accountId}\u0000${a.name}`;

export class QueueTable {
  private readonly scopes = new Map<string, Map<string, Queue>>();
  private readonly deletedAt = new Map<string, number>();
  /** Each queue by its info object: a caller holding the info finds the queue without building a key. */
  private readonly byInfo = new WeakMap<QueueAddress, Queue>();

  constructor(
    readonly env: QueueEnvironment,
    private readonly strictNames: boolean,
  ) {}

  get(a: QueueAddress): Queue | undefined {
    return this.scopes.get(scopeKey(a.region, a.accountId))?.get(a.name);
  }

  /**
   * The queue or AWS's QueueDoesNotExist. An address that is a live queue's info (what the
   * facade hands out) is found directly; a deleted queue's info is looked up by name (a
   * queue created since under the same name answers).
   */
  require(a: QueueAddress): Queue {
    const known = this.byInfo.get(a);
    if (known !== undefined && !known.deleted) return known;
    const queue = this.get(a);
    if (!queue) throw errors.queueDoesNotExist();
    return queue;
  }

  /** `arn:aws:sqs:<region>:<account>:<name>`, in any account of this emulator. */
  byArn(arn: string): Queue | undefined {
    const address = parseQueueArn(arn);
    return address && this.get(address);
  }

  /** A new queue (strict mode: not a name deleted less than 60 s ago). */
  create(a: QueueAddress, fifo: boolean): Queue {
    const key = nameKey(a);
    const deletedAt = this.deletedAt.get(key);
    if (deletedAt !== undefined) {
      if (this.strictNames && this.env.clock.now() - deletedAt < limits.queueNameReuseMs) throw errors.queueDeletedRecently();
      this.deletedAt.delete(key);
    }
    return this.add(new Queue({ region: a.region, accountId: a.accountId, name: a.name }, fifo, this.env));
  }

  add(queue: Queue): Queue {
    const key = scopeKey(queue.address.region, queue.address.accountId);
    let queues = this.scopes.get(key);
    if (!queues) {
      queues = new Map();
      this.scopes.set(key, queues);
    }
    queues.set(queue.name, queue);
    this.byInfo.set(queue.info, queue);
    return queue;
  }

  /** Removes the queue; returns when it was deleted if strict mode remembers it. */
  delete(queue: Queue): number | undefined {
    this.scopes.get(scopeKey(queue.address.region, queue.address.accountId))?.delete(queue.name);
    queue.close();
    if (!this.strictNames) return undefined;
    const at = this.env.clock.now();
    this.deletedAt.set(nameKey(queue.address), at);
    return at;
  }

  /** Queues of one region and account whose names start with `prefix`, in name order. */
  list(region: string, accountId: string, prefix: string): Queue[] {
    const queues = this.scopes.get(scopeKey(region, accountId));
    if (!queues) return [];
    const names = [...queues.keys()].filter((n) => n.startsWith(prefix)).sort();
    return names.map((n) => queues.get(n)!);
  }

  *all(): IterableIterator<Queue> {
    for (const queues of this.scopes.values()) yield* queues.values();
  }

  /** Names deleted less than 60 s ago (strict mode), for persistence. */
  deletedRecords(): DeletedQueueRecord[] {
    const now = this.env.clock.now();
    const out: DeletedQueueRecord[] = [];
    for (const [key, at] of this.deletedAt) {
      if (now - at >= limits.queueNameReuseMs) continue;
      const [region, accountId, name] = key.split('\u0000') as [string, string, string];
      out.push([region, accountId, name, at]);
    }
    return out;
  }

  restoreDeleted(records: readonly DeletedQueueRecord[]): void {
    const now = this.env.clock.now();
    for (const [region, accountId, name, at] of records) {
      if (now - at < limits.queueNameReuseMs && !this.get({ region, accountId, name })) this.deletedAt.set(nameKey({ region, accountId, name }), at);
    }
  }

  clearDeleted(): void {
    this.deletedAt.clear();
  }
}
