import type { ChangeStream } from './changes.js';
import type { Clock } from './clock.js';
import { plainData, type Message } from './message.js';
import type { Queue } from './queue.js';
import type { MoveTaskRecord, MoveTaskStatus } from './records.js';
import type { Scheduler, Task } from './scheduler.js';

/** A move task takes the next visible message out of its source queue. */
function takeForMove(source: Queue): Message | undefined {
  const message = source.fifo ? source.groups.first()?.messages.head : source.fair.next(source.env.clock.now());
  if (message) source.remove(message);
  return message;
}

/**
 * A message move task: moves the visible messages of a dead-letter queue back to each
 * message's source (or to one destination), at most MaxNumberOfMessagesPerSecond per second.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html
 */
export class MoveTask implements Task {
  version = 0;
  status: MoveTaskStatus = 'RUNNING';
  moved = 0;
  failureReason: string | undefined;

  constructor(
    readonly taskId: string,
    readonly source: Queue,
    readonly destinationArn: string | undefined,
    readonly maxNumberOfMessagesPerSecond: number | undefined,
    readonly toMove: number,
    readonly startedTimestamp: number,
    private readonly lookup: (arn: string) => Queue | undefined,
    private readonly scheduler: Scheduler,
    private readonly changes: ChangeStream,
  ) {}

  record(): MoveTaskRecord {
    const r: MoveTaskRecord = {
      taskId: this.taskId,
      sourceArn: this.source.arn,
      toMove: this.toMove,
      moved: this.moved,
      status: this.status,
      startedTimestamp: this.startedTimestamp,
    };
    if (this.destinationArn !== undefined) r.destinationArn = this.destinationArn;
    if (this.maxNumberOfMessagesPerSecond !== undefined) r.maxNumberOfMessagesPerSecond = this.maxNumberOfMessagesPerSecond;
    if (this.failureReason !== undefined) r.failureReason = this.failureReason;
    return r;
  }

  run(now: number): void {
    if (this.status !== 'RUNNING') return;
    this.step(now);
    this.announce();
  }

  private step(now: number): void {
    const budget = Math.min(this.maxNumberOfMessagesPerSecond ?? Infinity, this.toMove - this.moved);
    for (let i = 0; i < budget; i++) {
      const message = takeForMove(this.source);
      if (!message) break;
      const arn = this.destinationArn ?? message.data.deadLetterQueueSourceArn;
      const destination = arn ? this.lookup(arn) : undefined;
      if (!destination) {
        // The destination vanished: the message returns, visible.
        this.source.adopt(message, message.data, false);
        this.status = 'FAILED';
        this.failureReason = 'AWS.SimpleQueueService.NonExistentQueue';
        return;
      }
      destination.adopt(message, { ...plainData(message), deadLetterQueueSourceArn: undefined }, false);
      this.moved++;
    }
    if (this.moved >= this.toMove || this.source.approximateNumberOfMessages === 0 || this.source.deleted) {
      this.status = 'COMPLETED';
      return;
    }
    this.scheduler.schedule(now + 1000, this);
  }

  cancel(): void {
    this.status = 'CANCELLED';
    this.version++;
    this.announce();
  }

  /** Announces the task's new state (persistence). */
  announce(): void {
    if (this.changes.state) this.changes.emitState({ type: 'moveTask', task: this.record() });
  }
}

/** All move tasks, by source queue ARN, newest last. */
export class MoveTasks {
  private readonly bySource = new Map<string, MoveTask[]>();

  constructor(
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly lookup: (arn: string) => Queue | undefined,
    private readonly changes: ChangeStream,
  ) {}

  /** Cancels and forgets every task (developer reset). */
  clear(): void {
    for (const tasks of this.bySource.values()) for (const task of tasks) if (task.status === 'RUNNING') task.cancel();
    this.bySource.clear();
  }

  running(sourceArn: string): MoveTask | undefined {
    return this.bySource.get(sourceArn)?.find((t) => t.status === 'RUNNING');
  }

  list(sourceArn: string): readonly MoveTask[] {
    return this.bySource.get(sourceArn) ?? [];
  }

  start(taskId: string, source: Queue, destinationArn: string | undefined, maxPerSecond: number | undefined): MoveTask {
    const now = this.clock.now();
    const task = new MoveTask(
      taskId,
      source,
      destinationArn,
      maxPerSecond,
      source.approximateNumberOfMessages,
      now,
      this.lookup,
      this.scheduler,
      this.changes,
    );
    this.add(task);
    task.announce();
    this.scheduler.schedule(now, task);
    return task;
  }

  private add(task: MoveTask): void {
    const tasks = this.bySource.get(task.source.arn) ?? [];
    tasks.push(task);
    this.bySource.set(task.source.arn, tasks.slice(-10));
  }

  /** Every task of every source, oldest first per source. */
  records(): MoveTaskRecord[] {
    return [...this.bySource.values()].flatMap((tasks) => tasks.map((t) => t.record()));
  }

  /**
   * Restores persisted tasks (oldest first). A running task goes on moving at once; one whose
   * source queue no longer exists is dropped, as the source's task list went with the queue.
   */
  restore(records: readonly MoveTaskRecord[]): void {
    const now = this.clock.now();
    for (const r of records) {
      const source = this.lookup(r.sourceArn);
      if (!source) continue;
      const task = new MoveTask(
        r.taskId,
        source,
        r.destinationArn,
        r.maxNumberOfMessagesPerSecond,
        r.toMove,
        r.startedTimestamp,
        this.lookup,
        this.scheduler,
        this.changes,
      );
      task.moved = r.moved;
      task.status = r.status;
      task.failureReason = r.failureReason;
      this.add(task);
      if (task.status === 'RUNNING') this.scheduler.schedule(now, task);
    }
  }
}
