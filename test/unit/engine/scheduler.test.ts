import { ManualClock } from '../../../src/engine/clock.js';
import { Scheduler, type Task } from '../../../src/engine/scheduler.js';

const task = (log: number[], id: number): Task => ({ version: 0, run: () => log.push(id) });

test('runs tasks in deadline order when the clock passes them', () => {
  const clock = new ManualClock(0);
  const scheduler = new Scheduler(clock);
  const log: number[] = [];
  for (const [at, id] of [[300, 3], [100, 1], [200, 2], [100, 11]] as const) scheduler.schedule(at, task(log, id));
  clock.advance(150);
  expect(log).toEqual([1, 11]);
  clock.advance(1_000);
  expect(log).toEqual([1, 11, 2, 3]);
});

test('a version bump voids earlier deadlines (rescheduling is lazy)', () => {
  const clock = new ManualClock(0);
  const scheduler = new Scheduler(clock);
  const log: number[] = [];
  const t = task(log, 1);
  scheduler.schedule(100, t);
  t.version++;
  scheduler.schedule(500, t);
  clock.advance(200);
  expect(log).toEqual([]);
  clock.advance(300);
  expect(log).toEqual([1]);
});

test('runDue applies deadlines before the timer fires, and a heap of 100,000 stays ordered', () => {
  const clock = new ManualClock(0);
  const scheduler = new Scheduler(clock);
  const seen: number[] = [];
  const deadlines = Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 100_000);
  for (const at of deadlines) scheduler.schedule(at, { version: 0, run: () => seen.push(at) });
  scheduler.runDue(99_999);
  expect(seen).toHaveLength(100_000);
  for (let i = 1; i < seen.length; i++) expect(seen[i]! >= seen[i - 1]!).toBe(true);
  expect(scheduler.size).toBe(0);
});
