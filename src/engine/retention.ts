import type { Message, MessageList } from './message.js';
import type { Scheduler, Task } from './scheduler.js';

/**
 * MessageRetentionPeriod: messages older than it are deleted, in flight or not (F159).
 * The age list is in send order, so only its head needs a deadline. With retention off
 * (LocalStack's default) nothing ever expires.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 */

/** What expiry needs of its queue. */
export interface RetentionOwner {
  readonly age: MessageList;
  readonly deleted: boolean;
  readonly settings: { readonly messageRetentionPeriod: number };
  /** Removes an expired message (and announces it). */
  expired(message: Message): void;
  /** After a sweep: hand what became possible to waiting polls. */
  afterExpiry(): void;
}

export class Retention implements Task {
  version = 0;

  constructor(
    private readonly owner: RetentionOwner,
    private readonly scheduler: Scheduler,
    private readonly enabled: boolean,
  ) {}

  /** (Re)schedules the deadline of the oldest message; earlier deadlines become void. */
  schedule(): void {
    this.version++;
    if (!this.enabled) return;
    const oldest = this.owner.age.head;
    if (oldest) this.scheduler.schedule(oldest.enqueuedAt + this.owner.settings.messageRetentionPeriod * 1000, this);
  }

  /** Forgets the deadline (the queue emptied at once). */
  cancel(): void {
    this.version++;
  }

  run(now: number): void {
    const owner = this.owner;
    if (owner.deleted) return;
    const retentionMs = owner.settings.messageRetentionPeriod * 1000;
    for (let m = owner.age.head; m && m.enqueuedAt + retentionMs <= now; m = owner.age.head) owner.expired(m);
    this.schedule();
    owner.afterExpiry();
  }
}
