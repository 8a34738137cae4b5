/**
 * Time is injected: the engine never calls Date.now() or setTimeout itself, so visibility
 * timeouts, delays and retention are tested by advancing a ManualClock, not by sleeping.
 */

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` once at (or as soon as possible after) epoch-ms `at`. */
  setTimer(at: number, fn: () => void): Timer;
}

/** setTimeout cannot wait longer than 2^31-1 ms; longer waits are re-armed. */
const MAX_TIMEOUT = 2 ** 31 - 1;

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimer(at: number, fn: () => void): Timer {
    let handle: NodeJS.Timeout;
    const arm = (): void => {
      const delay = at - Date.now();
      if (delay > MAX_TIMEOUT) {
        handle = setTimeout(arm, MAX_TIMEOUT);
      } else {
        handle = setTimeout(fn, Math.max(0, delay));
      }
      handle.unref();
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  }
}

interface ManualTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A clock that moves only when told: advance(ms), set(epochMs). Due timers fire in order. */
export class ManualClock implements Clock {
  private current: number;
  private timers: ManualTimer[] = [];
  private seq = 0;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(at: number, fn: () => void): Timer {
    const timer: ManualTimer = { at, seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  advance(ms: number): void {
    this.set(this.current + ms);
  }

  set(epochMs: number): void {
    if (epochMs < this.current) throw new RangeError('ManualClock cannot go backwards');
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      let next: ManualTimer | undefined;
      for (const t of this.timers) {
        if (t.at <= epochMs && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      this.current = Math.max(this.current, next.at);
      next.cancelled = true;
      next.fn();
    }
    this.current = epochMs;
  }
}
