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
  /** Queues by scope key, in the order the scopes appeared (iteration order). */
  private readonly scopes = new Map<string, Map<string, Queue>>();
  /** The same maps by region, then account: a lookup builds no key. */
  private readonly byRegion = new Map<string, Map<string, Map<string, Queue>>>();
  private readonly deletedAt = new Map<string, number>();

  constructor(
    readonly env: QueueEnvironment,
    private readonly strictNames: boolean,
  ) {}

  get(a: QueueAddress): Queue | undefined {
    return this.byRegion.get(a.region)?.get(a.accountId)?.get(a.name);
  }

  /** The queue or AWS's QueueDoesNotExist (a deleted queue's info finds a queue created since under its name). */
  require(a: QueueAddress): Queue {
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
    // Names deleted lately are remembered only in strict mode: usually none, and no key to build.
    if (this.deletedAt.size > 0) {
      const key = nameKey(a);
      const deletedAt = this.deletedAt.get(key);
      if (deletedAt !== undefined) {
        if (this.strictNames && this.env.clock.now() - deletedAt < limits.queueNameReuseMs) throw errors.queueDeletedRecently();
        this.deletedAt.delete(key);
      }
    }
    return this.add(new Queue({ region: a.region, accountId: a.accountId, name: a.name }, fifo, this.env));
  }

  add(queue: Queue): Queue {
    const { region, accountId } = queue.address;
    let accounts = this.byRegion.get(region);
    if (!accounts) {
      accounts = new Map();
      this.byRegion.set(region, accounts);
    }
    let queues = accounts.get(accountId);
    if (!queues) {
      queues = new Map();
      accounts.set(accountId, queues);
      this.scopes.set(scopeKey(region, accountId), queues);
    }
    queues.set(queue.name, queue);
    return queue;
  }

  /** Removes the queue; returns when it was deleted if strict mode remembers it. */
  delete(queue: Queue): number | undefined {
    this.byRegion.get(queue.address.region)?.get(queue.address.accountId)?.delete(queue.name);
    queue.close();
    if (!this.strictNames) return undefined;
    const at = this.env.clock.now();
    this.deletedAt.set(nameKey(queue.address), at);
    return at;
  }

  /** Queues of one region and account whose names start with `prefix`, in name order. */
  list(region: string, accountId: string, prefix: string): Queue[] {
    const queues = this.byRegion.get(region)?.get(accountId);
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
