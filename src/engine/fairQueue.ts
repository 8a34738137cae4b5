import type { ChangeStream } from './changes.js';
import type { Clock } from './clock.js';
import type { GroupFigures, NoisyReason, QueueIdentity, QuietReason } from './events.js';
import { MessageList, type Message } from './message.js';
import type { Scheduler } from './scheduler.js';
export { PROCESSING_BUCKET_MS } from './tenantHeap.js';
import { Tenant, TenantHeap, windowAdd, windowValue, type TenantOwner, type Window } from './tenantHeap.js';

/**
 * Fair queues: on a standard queue every MessageGroupId is a tenant, and a receive returns
 * the messages of quiet tenants before those of noisy ones. Nothing is configured; FIFO
 * queues are unaffected (their groups keep order instead).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-fair-queues.html
 *
 * A tenant is noisy while its backlog (visible + delayed) is not empty, it sent within the
 * last 5 minutes, and either it has more than 10% of the queue's in-flight messages and at
 * least 30 of its own (concurrency share), or more than 10% of the consumers' recent
 * processing time, receive to delete (processing-time share). AWS applies the thresholds
 * approximately; here they are exact, and "recent" is the current 30-second bucket plus the
 * previous one (30 to 60 seconds of history). Processing times live in memory only: after a
 * restart every tenant starts with none.
 *
 * Order: every visible message gets an increasing `readySeq` when it becomes visible.
 * Ungrouped messages stay on one global list, exactly as before fair queues: a message
 * without MessageGroupId is a tenant of its own, and such a tenant can never be noisy (once
 * its one message is in flight its backlog is empty), so the global list is the merge of
 * those quiet one-message tenants at no cost. Each grouped message sits in its tenant's own
 * list; quiet tenants with visible messages sit in a min-heap keyed by their head's
 * `readySeq`. A receive takes the older of the global head and the heap top, so with no
 * noisy tenant the order is the same as a single list. Noisy tenants (few: each holds more
 * than 10% of something) wait in a set and are served, fewest in flight first, only when no
 * quiet message is visible. Every step is O(log tenants); nothing scans the backlog.
 *
 * Re-evaluation is lazy but never stale where it is observed: a tenant is re-evaluated on
 * its own sends, receives, releases and deletes, when it reaches the heap top, on every
 * receive while noisy, 5 minutes after its last send (a scheduler task), and for readers of
 * the metrics (`settle`).
 */

/** A tenant is noisy above this share (10%): compared as `part * 10 > whole`. */
const SHARE_DIVISOR = 10;
const NOISY_MIN_INFLIGHT = 30;
/** A tenant that sent nothing for 5 minutes is quiet again. */
export const QUIET_AFTER_MS = 5 * 60_000;

/** What the fair queue needs of its queue. */
export interface FairOwner {
  readonly identity: QueueIdentity;
  readonly approximateNumberOfMessagesNotVisible: number;
}

export interface FairEnvironment {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly changes: ChangeStream;
}

/** A noisy tenant as readers see it. */
export interface NoisyGroup extends GroupFigures {
  readonly reason: NoisyReason;
}

/** The fair-queue CloudWatch metrics of one standard queue, plus who is noisy and why. */
export interface FairQueueMetrics {
  readonly ApproximateNumberOfNoisyGroups: number;
  readonly ApproximateNumberOfMessagesVisibleInQuietGroups: number;
  readonly ApproximateNumberOfMessagesNotVisibleInQuietGroups: number;
  readonly ApproximateNumberOfMessagesDelayedInQuietGroups: number;
  /** Seconds (fractional); 0 when no quiet tenant has a message. */
  readonly ApproximateAgeOfOldestMessageInQuietGroups: number;
  readonly noisyGroups: readonly NoisyGroup[];
}

export class FairQueue implements TenantOwner {
  /** Ungrouped visible messages in the order they became visible: the pre-fair-queue list. */
  readonly ready = new MessageList(['readyPrev', 'readyNext']);
  private readonly tenants = new Map<string, Tenant>();
  /** Quiet tenants with visible messages, by their head's `readySeq`. */
  private readonly heap = new TenantHeap();
  private readonly noisy = new Set<Tenant>();
  /** Tenants with at least 30 in flight: the only ones the concurrency share can make noisy. */
  private readonly heavy = new Set<Tenant>();
  /** Tenants with processing time in the window (kept while it counts). */
  private readonly timed = new Set<Tenant>();
  private readonly total: Window = { bucket: 0, current: 0, previous: 0 };
  private seq = 0;
  private frontSeq = 0;

  constructor(
    private readonly owner: FairOwner,
    private readonly env: FairEnvironment,
  ) {}

  /** A new message, or a delayed one whose delay ended, becomes visible. */
  push(m: Message): void {
    m.readySeq = ++this.seq;
    const groupId = m.data.groupId;
    if (groupId === undefined) {
      this.ready.push(m);
      return;
    }
    const t = this.tenant(groupId);
    t.ready.push(m);
    this.evaluate(t, this.env.clock.now());
  }

  /** A delay ends (the message is pushed next). */
  undelayed(m: Message): void {
    const groupId = m.data.groupId;
    if (groupId !== undefined) this.tenants.get(groupId)!.delayed--;
  }

  /** An in-flight message becomes visible again ahead of everything (its receive was given back). */
  releaseFront(m: Message): void {
    m.readySeq = --this.frontSeq;
    this.requeue(m, true);
  }

  /** An in-flight message becomes visible again, behind the visible ones. */
  release(m: Message): void {
    m.readySeq = ++this.seq;
    this.requeue(m, false);
  }

  private requeue(m: Message, front: boolean): void {
    const groupId = m.data.groupId;
    if (groupId === undefined) {
      if (front) this.ready.unshift(m);
      else this.ready.push(m);
      return;
    }
    const t = this.tenant(groupId);
    if (front) t.ready.unshift(m);
    else t.ready.push(m);
    this.inflightDelta(t, -1);
    this.evaluate(t, this.env.clock.now());
  }

  /** A visible message goes in flight. */
  take(m: Message): void {
    const groupId = m.data.groupId;
    if (groupId === undefined) {
      this.ready.remove(m);
      return;
    }
    const t = this.tenants.get(groupId)!;
    t.ready.remove(m);
    this.inflightDelta(t, 1);
    this.evaluate(t, this.env.clock.now());
  }

  /** A grouped message arrives (send, move, restore): the 5-minute rule counts from the latest. */
  sent(m: Message, at: number): void {
    const groupId = m.data.groupId;
    if (groupId === undefined) return;
    const t = this.tenant(groupId);
    if (at > t.lastSentAt) t.lastSentAt = at;
  }

  /** A delayed or in-flight message is stored (send with a delay, restore). */
  hold(m: Message): void {
    const groupId = m.data.groupId;
    if (groupId === undefined) return;
    const t = this.tenant(groupId);
    if (m.state === 'delayed') t.delayed++;
    else this.inflightDelta(t, 1);
    this.evaluate(t, this.env.clock.now());
  }

  /** A message leaves the queue (deleted, expired, moved), from the state it is in. */
  removed(m: Message): void {
    const groupId = m.data.groupId;
    if (groupId === undefined) {
      if (m.state === 'ready') this.ready.remove(m);
      return;
    }
    const t = this.tenants.get(groupId)!;
    if (m.state === 'ready') t.ready.remove(m);
    else if (m.state === 'delayed') t.delayed--;
    else this.inflightDelta(t, -1);
    this.evaluate(t, this.env.clock.now());
    this.forgetIfIdle(t, this.env.clock.now());
  }

  /** A consumer deleted an in-flight message: its processing time (receive to delete) counts. */
  processed(m: Message, now: number): void {
    const ms = Math.max(0, now - m.receivedAt);
    if (windowAdd(this.total, now, ms)) this.sweepTimed(now);
    const groupId = m.data.groupId;
    if (groupId === undefined) return;
    const t = this.tenants.get(groupId)!;
    windowAdd(t, now, ms);
    if (ms > 0) this.timed.add(t);
  }

  /** Before a receive: noisy tenants are re-checked (there are few). */
  beginReceive(now: number): void {
    for (const t of this.noisy) this.evaluate(t, now);
  }

  /**
   * The next message a receive returns: the older of the global list's head and the quiet
   * heap's top (re-checked first), else the head of the noisy tenant with fewest in flight.
   */
  next(now: number): Message | undefined {
    for (;;) {
      const global = this.ready.head;
      const top = this.heap.top;
      if (top && (!global || top.ready.head!.readySeq < global.readySeq)) {
        if (this.evaluate(top, now)) continue;
        return top.ready.head;
      }
      if (global) return global;
      let best: Tenant | undefined;
      for (const t of this.noisy) {
        if (t.ready.size > 0 && (!best || t.inflight < best.inflight)) best = t;
      }
      return best?.ready.head;
    }
  }

  /** PurgeQueue or DeleteQueue: everything goes; noisy tenants turn quiet (announced when `announce`). */
  clear(announce: boolean): void {
    const now = this.env.clock.now();
    if (announce && this.env.changes.messages) {
      for (const t of this.noisy) this.emitQuiet(t, 'backlogEmpty', now, { visible: 0, delayed: 0, inflight: 0 });
    }
    for (const t of this.tenants.values()) t.version++;
    this.ready.clear();
    this.tenants.clear();
    this.heap.clear();
    this.noisy.clear();
    this.heavy.clear();
    this.timed.clear();
  }

  /** After a restart: every tenant is evaluated once against the restored queue. */
  restored(): void {
    const now = this.env.clock.now();
    for (const t of this.tenants.values()) this.evaluate(t, now);
  }

  /**
   * Brings every tenant's status up to date (for readers of the metrics): the noisy ones,
   * those with 30 or more in flight and those with recent processing time are the only
   * candidates.
   */
  settle(now: number): void {
    for (const t of this.noisy) this.evaluate(t, now);
    for (const t of this.heavy) this.evaluate(t, now);
    this.sweepTimed(now);
    for (const t of this.timed) this.evaluate(t, now);
  }

  isNoisy(groupId: string | undefined): boolean {
    return groupId !== undefined && this.tenants.get(groupId)?.noisy !== undefined;
  }

  /**
   * The fair-queue CloudWatch metrics, settled first. Ungrouped messages are quiet tenants'.
   * The age walks the queue's messages oldest first, past the noisy tenants' ones.
   */
  metrics(now: number, counts: { visible: number; inflight: number; delayed: number }, oldestFirst: Iterable<Message>): FairQueueMetrics {
    this.settle(now);
    let visible = counts.visible;
    let inflight = counts.inflight;
    let delayed = counts.delayed;
    const noisyGroups: NoisyGroup[] = [];
    for (const t of this.noisy) {
      visible -= t.ready.size;
      inflight -= t.inflight;
      delayed -= t.delayed;
      noisyGroups.push({ ...this.figures(t, now), reason: t.noisy! });
    }
    let age = 0;
    if (visible + inflight + delayed > 0) {
      let lastGroup: string | undefined;
      let lastNoisy = false;
      for (const m of oldestFirst) {
        const groupId = m.data.groupId;
        if (groupId !== lastGroup || groupId === undefined) {
          lastGroup = groupId;
          lastNoisy = this.isNoisy(groupId);
        }
        if (!lastNoisy) {
          age = Math.max(0, now - m.enqueuedAt) / 1000;
          break;
        }
      }
    }
    return {
      ApproximateNumberOfNoisyGroups: this.noisy.size,
      ApproximateNumberOfMessagesVisibleInQuietGroups: visible,
      ApproximateNumberOfMessagesNotVisibleInQuietGroups: inflight,
      ApproximateNumberOfMessagesDelayedInQuietGroups: delayed,
      ApproximateAgeOfOldestMessageInQuietGroups: age,
      noisyGroups: noisyGroups.sort((a, b) => b.inflight - a.inflight || (a.groupId < b.groupId ? -1 : 1)),
    };
  }

  /** The scheduler's 5-minute check of a tenant's last send. */
  onQuietTimer(t: Tenant, now: number): void {
    if (this.tenants.get(t.id) !== t) return;
    if (this.evaluate(t, now)) this.armQuietTimer(t);
    else this.forgetIfIdle(t, now);
  }

  // ---- the rule ------------------------------------------------------------------------

  private reasonOf(t: Tenant, now: number): NoisyReason | undefined {
    if (t.ready.size + t.delayed === 0 || now - t.lastSentAt >= QUIET_AFTER_MS) return undefined;
    if (t.inflight >= NOISY_MIN_INFLIGHT && t.inflight * SHARE_DIVISOR > this.owner.approximateNumberOfMessagesNotVisible) return 'concurrency';
    const total = windowValue(this.total, now);
    if (total > 0 && windowValue(t, now) * SHARE_DIVISOR > total) return 'processingTime';
    return undefined;
  }

  /** Applies the rule to one tenant, moves it between the heap and the noisy set, announces a change. */
  private evaluate(t: Tenant, now: number): boolean {
    const reason = this.reasonOf(t, now);
    if (reason !== undefined) {
      if (t.noisy === undefined) {
        t.noisy = reason;
        if (t.heapIndex >= 0) this.heap.remove(t);
        this.noisy.add(t);
        this.armQuietTimer(t);
        if (this.env.changes.messages) this.env.changes.group('groupNoisy', this.owner.identity, { ...this.figures(t, now), reason });
      } else t.noisy = reason;
      return true;
    }
    if (t.noisy !== undefined) {
      t.noisy = undefined;
      this.noisy.delete(t);
      if (this.env.changes.messages) {
        const why: QuietReason = t.ready.size + t.delayed === 0 ? 'backlogEmpty' : now - t.lastSentAt >= QUIET_AFTER_MS ? 'noRecentSends' : 'sharesFell';
        this.emitQuiet(t, why, now);
      }
    }
    if (t.ready.size === 0) {
      if (t.heapIndex >= 0) this.heap.remove(t);
    } else if (t.heapIndex < 0) this.heap.insert(t);
    else this.heap.fix(t.heapIndex);
    return false;
  }

  private emitQuiet(t: Tenant, reason: QuietReason, now: number, counts?: { visible: number; delayed: number; inflight: number }): void {
    this.env.changes.group('groupQuiet', this.owner.identity, { ...this.figures(t, now), ...counts, reason });
  }

  private figures(t: Tenant, now: number): GroupFigures {
    const total = windowValue(this.total, now);
    return {
      groupId: t.id,
      inflight: t.inflight,
      queueInflight: this.owner.approximateNumberOfMessagesNotVisible,
      processingTimeShare: total > 0 ? windowValue(t, now) / total : 0,
      visible: t.ready.size,
      delayed: t.delayed,
      lastSentAt: t.lastSentAt,
    };
  }

  private armQuietTimer(t: Tenant): void {
    if (t.timerArmed) return;
    t.timerArmed = true;
    this.env.scheduler.schedule(t.lastSentAt + QUIET_AFTER_MS, t);
  }

  private tenant(groupId: string): Tenant {
    let t = this.tenants.get(groupId);
    if (!t) {
      t = new Tenant(groupId, this);
      this.tenants.set(groupId, t);
    }
    return t;
  }

  private inflightDelta(t: Tenant, delta: number): void {
    t.inflight += delta;
    if (t.inflight >= NOISY_MIN_INFLIGHT) this.heavy.add(t);
    else this.heavy.delete(t);
  }

  /** A tenant with no message and no processing time left in the window is dropped. */
  private forgetIfIdle(t: Tenant, now: number): void {
    if (t.ready.size + t.inflight + t.delayed > 0 || t.noisy !== undefined) return;
    if (windowValue(t, now) > 0) return;
    this.tenants.delete(t.id);
    this.timed.delete(t);
    t.version++;
  }

  /** Drops tenants whose processing time left the window (runs when a bucket turns, or for readers). */
  private sweepTimed(now: number): void {
    for (const t of this.timed) {
      if (windowValue(t, now) > 0) continue;
      this.timed.delete(t);
      if (this.tenants.get(t.id) === t) this.forgetIfIdle(t, now);
    }
  }
}
