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

/** The members of MessageData a message may lack; most have none of them. */
type Extras = Omit<MessageData, 'id' | 'body' | 'sentTimestamp'>;

/**
 * Messages with nothing optional share one extras object per sender (there are few senders:
 * access key ids and accounts), so SenderId costs no field of its own. Bounded: past it, a
 * message gets its own.
 */
const senders = new Map<string, Extras>();
const MAX_SHARED_SENDERS = 1000;

function senderExtras(senderId: string): Extras {
  let extras = senders.get(senderId);
  if (extras) return extras;
  extras = Object.freeze({ senderId });
  if (senders.size < MAX_SHARED_SENDERS) senders.set(senderId, extras);
  return extras;
}

/** Whether the data has any optional member. */
export function hasExtras(d: MessageData): boolean {
  return (
    d.md5OfBody !== undefined || d.attributes !== undefined || d.md5OfMessageAttributes !== undefined || d.traceHeader !== undefined ||
    d.md5OfMessageSystemAttributes !== undefined || d.groupId !== undefined || d.deduplicationId !== undefined ||
    d.sequenceNumber !== undefined || d.deadLetterQueueSourceArn !== undefined
  );
}

/** A message's data as a plain object, with only the members it has (to copy, spread or serialise). */
export function plainData(d: MessageData): MessageData {
  const out: { -readonly [K in keyof MessageData]: MessageData[K] } = { id: d.id, body: d.body, sentTimestamp: d.sentTimestamp, senderId: d.senderId };
  if (d.md5OfBody !== undefined) out.md5OfBody = d.md5OfBody;
  if (d.attributes !== undefined) out.attributes = d.attributes;
  if (d.md5OfMessageAttributes !== undefined) out.md5OfMessageAttributes = d.md5OfMessageAttributes;
  if (d.traceHeader !== undefined) out.traceHeader = d.traceHeader;
  if (d.md5OfMessageSystemAttributes !== undefined) out.md5OfMessageSystemAttributes = d.md5OfMessageSystemAttributes;
  if (d.groupId !== undefined) out.groupId = d.groupId;
  if (d.deduplicationId !== undefined) out.deduplicationId = d.deduplicationId;
  if (d.sequenceNumber !== undefined) out.sequenceNumber = d.sequenceNumber;
  if (d.deadLetterQueueSourceArn !== undefined) out.deadLetterQueueSourceArn = d.deadLetterQueueSourceArn;
  return out;
}

/** Anything that owns messages and reacts when one of their deadlines passes. */
export interface MessageOwner {
  onDeadline(message: Message, now: number): void;
}

/**
 * A stored message. It sits in at most one of its queue's ready lists (readyPrev/readyNext)
 * and always in its age list (agePrev/ageNext); both are intrusive, so removal is O(1).
 */
/**
 * Timestamps are kept as offsets from this origin (the module's load time): within ±24 days of
 * it they are small integers, which V8 stores in the object itself, where epoch milliseconds
 * would each take a 16-byte heap number (issue 19's memory target). Values outside that range
 * still work: V8 then stores the field as a double, for every message, costing memory only.
 * 0 ("not yet") is stored as UNSET.
 */
const ORIGIN = Date.now();
const UNSET = -0x80000000;
function toOffset(t: number): number {
  if (t === 0) return UNSET;
  const offset = t - ORIGIN;
  // `| 0` hands V8 an integer it keeps as a small integer; a subtraction's result is a double.
  return offset === (offset | 0) ? offset | 0 : offset;
}
const fromOffset = (o: number): number => (o === UNSET ? 0 : o + ORIGIN);

/** The state in the two low bits of `bits`, then the removed flag, the receive count above them. */
const STATES: readonly MessageState[] = ['ready', 'delayed', 'inflight'];
const STATE_BITS: Readonly<Record<MessageState, number>> = { ready: 0, delayed: 1, inflight: 2 };

/**
 * A stored message. It sits in at most one of its queue's ready lists (readyPrev/readyNext)
 * and always in its age list (agePrev/ageNext); both are intrusive, so removal is O(1).
 * Every stored message pays for each field: small state is packed, timestamps are offsets, and
 * the message is its own MessageData (`data` is the message itself; the optional members and
 * SenderId live in `extras`: the object it was built from, or for most messages one shared per
 * sender), so one object per message instead of two. Copy it with `plainData()`, never spread it.
 */
export class Message implements Task, MessageData {
  readonly id: string;
  readonly body: string;
  private readonly sentOffset: number;
  /** The optional members and the SenderId: the object it was built from, or its sender's shared one. */
  private readonly extras: Extras;
  version = 0;
  /** State (2 bits), removed (1 bit) and receive count. */
  private bits = 0;
  private deadlineOffset = UNSET;
  private firstReceiveOffset = UNSET;
  private receivedOffset = UNSET;
  private enqueuedOffset = UNSET;
  /** Nonce of the latest receipt handle. */
  receiptNonce = '';
  /** Standard queues: when it last became visible, as an increasing number (fair-queue order, see fairQueue.ts). */
  readySeq = 0;

  readyPrev: Message | undefined;
  readyNext: Message | undefined;
  agePrev: Message | undefined;
  ageNext: Message | undefined;

  constructor(
    readonly owner: MessageOwner,
    data: MessageData,
  ) {
    this.id = data.id;
    this.body = data.body;
    this.sentOffset = toOffset(data.sentTimestamp);
    this.extras = hasExtras(data) ? data : senderExtras(data.senderId);
  }

  /** The stored data: the message itself (immutable members only). */
  get data(): MessageData {
    return this;
  }

  get senderId(): string {
    return this.extras.senderId;
  }

  get sentTimestamp(): number {
    return fromOffset(this.sentOffset);
  }

  get md5OfBody(): string | undefined {
    return this.extras.md5OfBody;
  }

  get attributes(): StoredAttributes | undefined {
    return this.extras.attributes;
  }

  get md5OfMessageAttributes(): string | undefined {
    return this.extras.md5OfMessageAttributes;
  }

  get traceHeader(): string | undefined {
    return this.extras.traceHeader;
  }

  get md5OfMessageSystemAttributes(): string | undefined {
    return this.extras.md5OfMessageSystemAttributes;
  }

  get groupId(): string | undefined {
    return this.extras.groupId;
  }

  get deduplicationId(): string | undefined {
    return this.extras.deduplicationId;
  }

  get sequenceNumber(): string | undefined {
    return this.extras.sequenceNumber;
  }

  get deadLetterQueueSourceArn(): string | undefined {
    return this.extras.deadLetterQueueSourceArn;
  }

  /** JSON of a message is its data: never its links, owner or state. */
  toJSON(): MessageData {
    return plainData(this);
  }

  get state(): MessageState {
    return STATES[this.bits & 3]!;
  }

  set state(state: MessageState) {
    this.bits = (this.bits & ~3) | STATE_BITS[state];
  }

  /** No longer stored: deleted, expired, purged, moved away or its queue deleted. */
  get removed(): boolean {
    return (this.bits & 4) !== 0;
  }

  markRemoved(): void {
    this.bits |= 4;
  }

  get receiveCount(): number {
    return this.bits >>> 3;
  }

  set receiveCount(count: number) {
    this.bits = (count << 3) | (this.bits & 7);
  }

  /** Epoch ms when a delayed or in-flight message becomes visible. */
  get deadline(): number {
    return fromOffset(this.deadlineOffset);
  }

  set deadline(t: number) {
    this.deadlineOffset = toOffset(t);
  }

  get firstReceiveTimestamp(): number {
    return fromOffset(this.firstReceiveOffset);
  }

  set firstReceiveTimestamp(t: number) {
    this.firstReceiveOffset = toOffset(t);
  }

  /** Epoch ms of the latest receive: the 12-hour visibility limit counts from here. */
  get receivedAt(): number {
    return fromOffset(this.receivedOffset);
  }

  set receivedAt(t: number) {
    this.receivedOffset = toOffset(t);
  }

  /** Epoch ms the message entered this queue: retention counts from here. */
  get enqueuedAt(): number {
    return fromOffset(this.enqueuedOffset);
  }

  set enqueuedAt(t: number) {
    this.enqueuedOffset = toOffset(t);
  }

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
  /** Open `walk()`s: the last message each was given (none yet: it goes on from the head). */
  private cursors: Set<{ last: Message | undefined }> | undefined;

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
    if (this.cursors) for (const c of this.cursors) if (c.last === m) c.last = m.agePrev;
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
    if (this.cursors) for (const c of this.cursors) c.last = undefined;
  }

  /**
   * Age lists: every message oldest first, read lazily and live as a Map's iterator is: one
   * removed before it is reached is skipped, one added is visited (snapshots).
   */
  *walk(): Generator<Message> {
    const cursor: { last: Message | undefined } = { last: undefined };
    const cursors = (this.cursors ??= new Set());
    cursors.add(cursor);
    try {
      for (;;) {
        const m = cursor.last ? cursor.last.ageNext : this.head;
        if (!m) return;
        cursor.last = m;
        yield m;
      }
    } finally {
      cursors.delete(cursor);
      if (cursors.size === 0 && this.cursors === cursors) this.cursors = undefined;
    }
  }

  *[Symbol.iterator](): IterableIterator<Message> {
    const next = this.links[1];
    for (let m = this.head; m; m = m[next]) yield m;
  }
}
