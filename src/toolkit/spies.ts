import { parseQueueUrl } from '../api/queueUrl.js';
import type { ChangeStream } from '../engine/changes.js';
import type { Engine } from '../engine/engine.js';
import type { GroupEventType, InvocationEventType, MessageEventType, QueueIdentity, SpiedGroup, SpiedInvocation, SpiedMessage, SqsEvent, SqsEventListener } from '../engine/events.js';

/** The event stream as the programmatic handle exposes it (`handle.events`). */
export interface EventStream {
  /** Calls `listener` for every event from now on; returns the unsubscribe function. */
  subscribe(listener: SqsEventListener): () => void;
  unsubscribe(listener: SqsEventListener): void;
  /** The recent events kept (option `eventHistory`, default 1000), oldest first. */
  history(): SqsEvent[];
  /** Forgets the kept events (e.g. between tests sharing one emulator). */
  clear(): void;
}

/** What every `waitFor` takes. */
interface WaitForCommon {
  /** A queue name, URL (any shape) or ARN. Default: any queue. */
  queue?: string;
  /** Real milliseconds before giving up (the manual clock does not count). Default 5000. */
  timeoutMs?: number;
  /** Also look at kept past events (oldest first). Default true. */
  history?: boolean;
}

export interface WaitForOptions extends WaitForCommon {
  /** Which event(s). Default `'sent'`. */
  event?: MessageEventType | readonly MessageEventType[];
  /** Only messages for which this returns true. Default: any. */
  match?: (message: SpiedMessage) => boolean;
}

/**
 * Waiting for a fair-queue tenant to turn noisy (`groupNoisy`, with the reason: concurrency or
 * processing-time share) or quiet again (`groupQuiet`); resolves with the tenant's figures.
 */
export interface WaitForGroupOptions extends WaitForCommon {
  event: GroupEventType | readonly GroupEventType[];
  /** Only this MessageGroupId. Default: any. */
  groupId?: string;
  /** Only tenants for which this returns true. Default: any. */
  match?: (group: SpiedGroup) => boolean;
}

/**
 * Waiting for an event-source mapping's invocation: `invoked` (the batch was handed to the
 * target), `succeeded` or `failed`; resolves with the invocation (its records, failures, error).
 */
export interface WaitForInvocationOptions extends WaitForCommon {
  /** The mapping's source queue. */
  queue?: string;
  event: InvocationEventType | readonly InvocationEventType[];
  /** Only this mapping (its UUID). Default: any. */
  mappingId?: string;
  /** Only invocations for which this returns true. Default: any. */
  match?: (invocation: SpiedInvocation) => boolean;
}

export class WaitForTimeout extends Error {
  constructor(
    message: string,
    /** Events seen while waiting (and in the history) that did not match, latest last. */
    readonly seen: readonly SqsEvent[],
  ) {
    super(message);
    this.name = 'WaitForTimeout';
  }
}

/**
 * The engine's spy-visible events (its change stream's `events` topic) plus a bounded history
 * of recent ones (a ring), so that a test can ask for an event that happened before it started
 * waiting. With history 0 and no subscriber nothing listens, so the engine builds no event.
 */
export class EventRecorder implements EventStream {
  private ring: (SqsEvent | undefined)[] = [];
  private next = 0;
  private readonly capacity: number;
  private readonly subscriptions = new Map<SqsEventListener, (() => void)[]>();

  constructor(
    private readonly changes: ChangeStream,
    historySize: number,
  ) {
    this.capacity = Math.max(0, Math.floor(historySize));
    if (this.capacity > 0) changes.subscribe('events', (e) => this.keep(e));
  }

  subscribe(listener: SqsEventListener): () => void {
    const unsubscribe = this.changes.subscribe('events', listener);
    this.subscriptions.set(listener, [...(this.subscriptions.get(listener) ?? []), unsubscribe]);
    return unsubscribe;
  }

  unsubscribe(listener: SqsEventListener): void {
    for (const unsubscribe of this.subscriptions.get(listener) ?? []) unsubscribe();
    this.subscriptions.delete(listener);
  }

  history(): SqsEvent[] {
    const out: SqsEvent[] = [];
    const n = this.ring.length;
    for (let i = 0; i < n; i++) {
      const e = this.ring[(this.next + i) % n];
      if (e) out.push(e);
    }
    return out;
  }

  clear(): void {
    this.ring = [];
    this.next = 0;
  }

  private keep(event: SqsEvent): void {
    if (this.ring.length < this.capacity) this.ring.push(event);
    else {
      this.ring[this.next] = event;
      this.next = (this.next + 1) % this.capacity;
    }
  }
}

export interface WaitForLongPollOptions {
  /** A queue name, URL (any shape) or ARN. Default: any queue. */
  queue?: string;
  /** How many waiting ReceiveMessage calls. Default 1. */
  count?: number;
  /** Real milliseconds before giving up. Default 5000. */
  timeoutMs?: number;
}

/**
 * Resolves once `count` long polls wait on the queue: with a manual clock, advance time only
 * after the receive you mean to wake (or time out) has reached the emulator.
 */
export async function waitForLongPoll(engine: Engine, options: WaitForLongPollOptions = {}): Promise<void> {
  let inQueue: (q: QueueIdentity) => boolean;
  try {
    inQueue = queueMatcher(options.queue);
  } catch (e) {
    throw new Error(`waitForLongPoll: ${JSON.stringify(options.queue)} is neither a queue name, URL nor ARN (${(e as Error).message})`);
  }
  const count = options.count ?? 1;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const waiting = (): number => {
    let n = 0;
    for (const q of engine.queues()) {
      if (inQueue(q)) n += engine.stats(q).waitingReceives;
    }
    return n;
  };
  const started = performance.now();
  for (;;) {
    const n = waiting();
    if (n >= count) return;
    if (performance.now() - started > timeoutMs) {
      throw new Error(`waitForLongPoll: ${n} of ${count} long poll(s) waiting${options.queue ? ` on ${JSON.stringify(options.queue)}` : ''} after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 1));
  }
}

function queueMatcher(spec: string | undefined): (q: QueueIdentity) => boolean {
  if (spec === undefined || spec === '') return () => true;
  if (spec.startsWith('arn:')) return (q) => q.arn === spec;
  if (spec.includes('/')) {
    const address = parseQueueUrl(spec);
    return (q) =>
      q.name === address.name &&
      (address.accountId === undefined || q.accountId === address.accountId) &&
      (address.region === undefined || q.region === address.region);
  }
  return (q) => q.name === spec;
}

const MAX_LISTED = 10;

function describe(e: SqsEvent): string {
  const where = `on ${e.queue.name}`;
  if (e.group) return `${e.type} ${where}: group ${JSON.stringify(e.group.groupId)} (${e.group.reason})`;
  if (e.invocation) return `${e.type} ${where}: ${e.invocation.functionName}, ${e.invocation.records.length} record(s)${e.invocation.error ? ` (${e.invocation.error})` : ''}`;
  if (!e.message) return `${e.type} ${where} (${e.count ?? 0} messages)`;
  const body = e.message.body.length > 60 ? `${JSON.stringify(e.message.body.slice(0, 60))}…` : JSON.stringify(e.message.body);
  return `${e.type} ${where}: ${body} (MessageId ${e.message.messageId})`;
}

/**
 * Resolves with the first message of a matching event (for `groupNoisy` / `groupQuiet`, its
 * tenant): a kept past one (oldest first) or the next one to happen. Rejects after
 * `timeoutMs` with a message listing what was seen instead.
 */
export function waitFor(events: EventStream, options: WaitForGroupOptions): Promise<SpiedGroup>;
export function waitFor(events: EventStream, options: WaitForInvocationOptions): Promise<SpiedInvocation>;
export function waitFor(events: EventStream, options?: WaitForOptions): Promise<SpiedMessage>;
export function waitFor(events: EventStream, options: WaitForOptions | WaitForGroupOptions | WaitForInvocationOptions = {}): Promise<SpiedMessage | SpiedGroup | SpiedInvocation> {
  type Subject = SpiedMessage | SpiedGroup | SpiedInvocation;
  const types = new Set<string>(options.event === undefined ? ['sent'] : typeof options.event === 'string' ? [options.event] : options.event);
  let inQueue: (q: QueueIdentity) => boolean;
  try {
    inQueue = queueMatcher(options.queue);
  } catch (e) {
    return Promise.reject(new Error(`waitFor: ${JSON.stringify(options.queue)} is neither a queue name, URL nor ARN (${(e as Error).message})`));
  }
  const match = options.match as ((subject: Subject) => boolean) | undefined;
  const groupId = 'groupId' in options ? options.groupId : undefined;
  const mappingId = 'mappingId' in options ? options.mappingId : undefined;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const seen: SqsEvent[] = [];
  let matchError: unknown;
  const subject = (e: SqsEvent): Subject | undefined => e.message ?? e.group ?? e.invocation;
  const matches = (e: SqsEvent): boolean => {
    const s = subject(e);
    if (!types.has(e.type) || !s || !inQueue(e.queue)) return false;
    if (groupId !== undefined && e.group?.groupId !== groupId) return false;
    if (mappingId !== undefined && e.invocation?.mappingId !== mappingId) return false;
    if (!match) return true;
    try {
      return match(s);
    } catch (err) {
      matchError ??= err;
      return false;
    }
  };
  if (options.history !== false) {
    for (const e of events.history()) {
      if (matches(e)) return Promise.resolve(subject(e)!);
      seen.push(e);
    }
  }
  return new Promise<Subject>((resolve, reject) => {
    const listener = (e: SqsEvent): void => {
      if (matches(e)) {
        done();
        resolve(subject(e)!);
      } else seen.push(e);
    };
    const unsubscribe = events.subscribe(listener);
    const timer = setTimeout(() => {
      done();
      const wanted = `${[...types].join('/')} event${options.queue ? ` on queue ${JSON.stringify(options.queue)}` : ''}${groupId !== undefined ? ` of group ${JSON.stringify(groupId)}` : ''}${mappingId !== undefined ? ` of mapping ${mappingId}` : ''}${match ? ' matching the predicate' : ''}`;
      const relevant = seen.filter((e) => inQueue(e.queue));
      const listed = (relevant.length > 0 ? relevant : seen).slice(-MAX_LISTED);
      const lines = listed.map((e) => `  - ${describe(e)}`);
      const more = (relevant.length > 0 ? relevant : seen).length - listed.length;
      const seenText =
        seen.length === 0
          ? 'No events were seen at all.'
          : `Seen instead${relevant.length > 0 || !options.queue ? '' : ' (on other queues)'}${more > 0 ? ` (latest ${listed.length}, ${more} earlier not shown)` : ''}:\n${lines.join('\n')}`;
      const predicateNote = matchError ? `\nThe match function threw: ${(matchError as Error).message ?? String(matchError)}` : '';
      reject(new WaitForTimeout(`waitFor: no ${wanted} within ${timeoutMs} ms. ${seenText}${predicateNote}`, seen));
    }, timeoutMs);
    function done(): void {
      clearTimeout(timer);
      unsubscribe();
    }
  });
}
