import type { StoredAttributes } from '../api/shapes.js';
import { md5Hex } from './md5.js';
import type { Task } from './scheduler.js';

export type MessageState = 'delayed' | 'ready' | 'inflight';

/** What a send stores; validated and digested before it reaches the engine. */
export interface MessageData {
  readonly id: string;
  readonly body: string;
  /** Kept for long bodies only; see `md5OfBody()`. */
  readonly md5OfBody?: string;
  readonly attributes?: StoredAttributes;
  readonly md5OfMessageAttributes?: string;
  /** The AWSTraceHeader system attribute. */
  readonly traceHeader?: string;
  readonly md5OfMessageSystemAttributes?: string;
  readonly sentTimestamp: number;
  readonly senderId: string;
  readonly groupId?: string;
  readonly deduplicationId?: string;
  readonly sequenceNumber?: string;
  /** Set when a redrive moved the message to a dead-letter queue. */
  readonly deadLetterQueueSourceArn?: string;
}

/** MD5OfBody: stored for long bodies, recomputed for short ones. */
export function md5OfBody(data: MessageData): string {
  return data.md5OfBody ?? md5Hex(data.body);
}

/** Anything that owns messages and reacts when one of their deadlines passes. */
export interface MessageOwner {
  onDeadline(message: Message, now: number): void;
}

/**
 * A stored message. It sits in at most one of its queue's ready lists (readyPrev/readyNext)
 * and always in its age list (agePrev/ageNext); both are intrusive, so removal is O(1).
 */
export class Message implements Task {
  version = 0;
  state: MessageState = 'ready';
  /** Epoch ms when a delayed or in-flight message becomes visible. */
  deadline = 0;
  receiveCount = 0;
  firstReceiveTimestamp = 0;
  /** Epoch ms of the latest receive: the 12-hour visibility limit counts from here. */
  receivedAt = 0;
  /** Nonce of the latest receipt handle. */
  receiptNonce = '';
  /** Epoch ms the message entered this queue: retention counts from here. */
  enqueuedAt = 0;
  /** Standard queues: when it last became visible, as an increasing number (fair-queue order, see fairQueue.ts). */
  readySeq = 0;

  readyPrev: Message | undefined;
  readyNext: Message | undefined;
  agePrev: Message | undefined;
  ageNext: Message | undefined;

  constructor(
    readonly owner: MessageOwner,
    readonly data: MessageData,
  ) {}

  run(now: number): void {
    this.owner.onDeadline(this, now);
  }
}

type Links = ['readyPrev', 'readyNext'] | ['agePrev', 'ageNext'];

/** An intrusive doubly linked list of messages over one pair of link fields. */
export class MessageList {
  head: Message | undefined;
  tail: Message | undefined;
  size = 0;

  private readonly age: boolean;

  constructor(private readonly links: Links) {
    this.age = links[0] === 'agePrev';
  }

  push(m: Message): void {
    const [prev, next] = this.links;
    m[prev] = this.tail;
    m[next] = undefined;
    if (this.tail) this.tail[next] = m;
    else this.head = m;
    this.tail = m;
    this.size++;
  }

  unshift(m: Message): void {
    const [prev, next] = this.links;
    m[prev] = undefined;
    m[next] = this.head;
    if (this.head) this.head[prev] = m;
    else this.tail = m;
    this.head = m;
    this.size++;
  }

  /**
   * Named field access, not `m[prev]`: the keyed loads and stores of the generic form made
   * this the drain's most expensive engine function (issue 19, round 2).
   */
  remove(m: Message): void {
    if (this.age) {
      const p = m.agePrev;
      const n = m.ageNext;
      if (p) p.ageNext = n;
      else this.head = n;
      if (n) n.agePrev = p;
      else this.tail = p;
      m.agePrev = undefined;
      m.ageNext = undefined;
    } else {
      const p = m.readyPrev;
      const n = m.readyNext;
      if (p) p.readyNext = n;
      else this.head = n;
      if (n) n.readyPrev = p;
      else this.tail = p;
      m.readyPrev = undefined;
      m.readyNext = undefined;
    }
    this.size--;
  }

  shift(): Message | undefined {
    const m = this.head;
    if (m) this.remove(m);
    return m;
  }

  clear(): void {
    this.head = undefined;
    this.tail = undefined;
    this.size = 0;
  }

  *[Symbol.iterator](): IterableIterator<Message> {
    const next = this.links[1];
    for (let m = this.head; m; m = m[next]) yield m;
  }
}
