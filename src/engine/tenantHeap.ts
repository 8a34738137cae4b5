import { MessageList } from './message.js';
import type { NoisyReason } from './events.js';
import type { Task } from './scheduler.js';

/**
 * Fair-queue tenants (fairQueue.ts): a tenant's counts and processing-time window (two
 * rolling 30-second buckets), and the min-heap of quiet tenants by their oldest visible
 * message.
 */

/** Processing-time window: two buckets of this length (the current and the previous). */
export const PROCESSING_BUCKET_MS = 30_000;

/** Whom a tenant's 5-minute timer calls. */
export interface TenantOwner {
  onQuietTimer(t: Tenant, now: number): void;
}

/** Processing time (ms) in two rolling buckets. */
export interface Window {
  bucket: number;
  current: number;
  previous: number;
}

export function windowAdd(w: Window, now: number, ms: number): boolean {
  const bucket = Math.floor(now / PROCESSING_BUCKET_MS);
  const rotated = bucket !== w.bucket;
  if (rotated) {
    w.previous = bucket === w.bucket + 1 ? w.current : 0;
    w.current = 0;
    w.bucket = bucket;
  }
  w.current += ms;
  return rotated;
}

export function windowValue(w: Window, now: number): number {
  const bucket = Math.floor(now / PROCESSING_BUCKET_MS);
  if (bucket === w.bucket) return w.current + w.previous;
  return bucket === w.bucket + 1 ? w.current : 0;
}

export class Tenant implements Task, Window {
  version = 0;
  /** Its visible messages, oldest `readySeq` first. */
  readonly ready = new MessageList(['readyPrev', 'readyNext']);
  inflight = 0;
  delayed = 0;
  lastSentAt = -Infinity;
  /** Position in the quiet heap; -1 when not in it. */
  heapIndex = -1;
  noisy: NoisyReason | undefined;
  /** A 5-minute check is scheduled. */
  timerArmed = false;
  bucket = 0;
  current = 0;
  previous = 0;

  constructor(
    readonly id: string,
    private readonly owner: TenantOwner,
  ) {}

  run(now: number): void {
    this.timerArmed = false;
    this.owner.onQuietTimer(this, now);
  }
}

/** Quiet tenants with visible messages: a binary min-heap keyed by their head's `readySeq`. */
export class TenantHeap {
  private readonly items: Tenant[] = [];

  get top(): Tenant | undefined {
    return this.items[0];
  }

  clear(): void {
    this.items.length = 0;
  }

  private key(i: number): number {
    return this.items[i]!.ready.head!.readySeq;
  }

  private set(i: number, t: Tenant): void {
    this.items[i] = t;
    t.heapIndex = i;
  }

  insert(t: Tenant): void {
    this.set(this.items.length, t);
    this.siftUp(this.items.length - 1);
  }

  remove(t: Tenant): void {
    const i = t.heapIndex;
    const last = this.items.pop()!;
    t.heapIndex = -1;
    if (last !== t) {
      this.set(i, last);
      this.fix(i);
    }
  }

  fix(i: number): void {
    this.siftDown(this.siftUp(i));
  }

  private siftUp(i: number): number {
    const t = this.items[i]!;
    const k = t.ready.head!.readySeq;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.key(parent) <= k) break;
      this.set(i, this.items[parent]!);
      i = parent;
    }
    this.set(i, t);
    return i;
  }

  private siftDown(i: number): void {
    const heap = this.items;
    const t = heap[i]!;
    const k = t.ready.head!.readySeq;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) break;
      const r = l + 1;
      const c = r < heap.length && this.key(r) < this.key(l) ? r : l;
      if (this.key(c) >= k) break;
      this.set(i, heap[c]!);
      i = c;
    }
    this.set(i, t);
  }
}
