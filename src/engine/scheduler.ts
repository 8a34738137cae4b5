import type { Clock, Timer } from './clock.js';

/** Something with deadlines. `version` changes whenever earlier scheduled deadlines become void. */
export interface Task {
  version: number;
  run(now: number): void;
}

interface Entry {
  at: number;
  seq: number;
  task: Task;
  version: number;
}

/**
 * The one scheduler: a binary min-heap of deadlines (delay ends, visibility expiries,
 * retention) behind a single timer. Superseded entries are skipped lazily by version,
 * so rescheduling is O(log n) and nothing ever scans a queue.
 */
export class Scheduler {
  private heap: Entry[] = [];
  private seq = 0;
  private timer: Timer | undefined;
  private armedAt = Infinity;
  private stopped = false;

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.heap.length;
  }

  schedule(at: number, task: Task): void {
    this.push({ at, seq: this.seq++, task, version: task.version });
    if (at < this.armedAt) this.arm();
  }

  /** Runs every task whose deadline has passed. Called by the timer and before each operation. */
  runDue(now = this.clock.now()): void {
    const heap = this.heap;
    while (heap.length > 0 && heap[0]!.at <= now) {
      const entry = this.pop();
      if (entry.version === entry.task.version) entry.task.run(now);
    }
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer?.cancel();
    this.timer = undefined;
    this.armedAt = Infinity;
    const top = this.heap[0];
    if (!top) return;
    this.armedAt = top.at;
    this.timer = this.clock.setTimer(top.at, () => {
      this.timer = undefined;
      this.armedAt = Infinity;
      this.runDue();
      this.arm();
    });
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): Entry {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && this.less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}
