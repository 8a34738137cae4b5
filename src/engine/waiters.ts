import { errors } from '../api/errors.js';
import type { Clock } from './clock.js';
import type { ReceivedMessage } from './receipts.js';

/**
 * Long polling (WaitTimeSeconds): a receive that finds nothing waits until a message becomes
 * visible, its wait ends, or its client goes away; waiting polls are served oldest first. How
 * many may wait at once across all queues is capped (`--max-long-polls`): past it, OverLimit.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html
 */

/** What a receive asks for. */
export interface ReceiveOptions {
  readonly maxNumberOfMessages: number;
  /** FIFO only: a retried receive with the same id returns the same messages. */
  readonly receiveRequestAttemptId?: string;
  /** Seconds; undefined = the queue's VisibilityTimeout. */
  readonly visibilityTimeout?: number;
}

/**
 * What tells a waiting long poll that its caller went away. An AbortSignal is one; the HTTP
 * layer passes a lighter one (no AbortController or EventTarget per poll).
 */
export interface PollSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** Long polls waiting across all queues, and how many may wait at once. */
export class LongPolls {
  active = 0;
  constructor(readonly max: number) {}
}

/** What the waiters need of their queue. */
export interface WaiterOwner {
  /** Whether a receive would find something now. */
  hasVisible(): boolean;
  /** Receives now, without waiting. */
  receiveNow(options: ReceiveOptions): ReceivedMessage[];
}

interface Waiter {
  readonly options: ReceiveOptions;
  readonly resolve: (messages: ReceivedMessage[]) => void;
  timer: { cancel(): void } | undefined;
}

export class Waiters {
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly owner: WaiterOwner,
    private readonly polls: LongPolls,
    private readonly clock: Clock,
  ) {}

  get size(): number {
    return this.waiting.length;
  }

  /** Waits up to `waitSeconds` for messages (the caller found none); OverLimit past the cap. */
  wait(options: ReceiveOptions, waitSeconds: number, signal?: PollSignal): Promise<ReceivedMessage[]> {
    const polls = this.polls;
    if (polls.active >= polls.max) {
      throw errors.overLimit(`Too many long polls are waiting: this emulator allows ${polls.max} at once (--max-long-polls).`);
    }
    polls.active++;
    let done = false;
    return new Promise((resolve) => {
      const waiter: Waiter = {
        options,
        timer: undefined,
        resolve: (messages) => {
          if (!done) {
            done = true;
            polls.active--;
          }
          waiter.timer?.cancel();
          signal?.removeEventListener('abort', onAbort);
          // Messages handed to a waiting poll: let the event loop first deliver a close of
          // its connection that is already in (the messages are then given back at once)
          // rather than answer a dead socket and leave them in flight.
          if (messages.length > 0 && signal) setImmediate(() => resolve(messages));
          else resolve(messages);
        },
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        waiter.resolve([]);
      };
      waiter.timer = this.clock.setTimer(this.clock.now() + waitSeconds * 1000, onAbort);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Hands newly visible messages to waiting long polls, oldest waiter first. */
  wake(): void {
    while (this.waiting.length > 0 && this.owner.hasVisible()) {
      const waiter = this.waiting.shift()!;
      waiter.resolve(this.owner.receiveNow(waiter.options));
    }
  }

  /** Answers every waiting long poll empty (queue deleted, shutdown). */
  releaseAll(): void {
    for (const waiter of this.waiting.splice(0)) waiter.resolve([]);
  }
}
