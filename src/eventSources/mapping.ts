import type { SqsBatchResponse, SqsRecord } from '../api/lambdaEvent.js';
import type { QueueInfo } from '../engine/address.js';
import type { Engine } from '../engine/engine.js';
import type { InvocationEventType, InvocationFigures } from '../engine/events.js';
import type { ReceivedMessage } from '../engine/receipts.js';
import type { MappingSpec } from './config.js';
import { MAX_PAYLOAD_BYTES, recordSize, toRecord } from './event.js';
import { RecordFilter } from './filter.js';
import { invoke, type Outcome } from './targets.js';
import { BATCH_SIZE_BUCKETS, type EventSourceMappingHandle, type EventSourceMappingView, type InvocationSummary, type MappingCounters } from './views.js';

/**
 * Local event-source mappings: Lambda's SQS poller, run against the engine's facade.
 *
 * Each mapping runs up to `maximumConcurrency` pollers. A poller long-polls the queue (20 s,
 * as Lambda does), fills a batch up to `batchSize`, the batching window or the 6 MB payload
 * limit, deletes the records no filter matches, invokes the target and then:
 * - success: deletes the batch;
 * - failure (an error, a timeout, a crash, a malformed response): deletes nothing, so the
 *   messages come back after their visibility timeout, their receive count grows and the
 *   queue's RedrivePolicy moves them to the dead-letter queue as on AWS;
 * - with ReportBatchItemFailures: deletes all but the reported messageIds (an empty list: all
 *   succeeded; an unknown or empty itemIdentifier: the whole batch failed); on a FIFO queue a
 *   group's messages after its first failed one are kept too, so that the group's order holds.
 * FIFO queues lock a group while any of its messages is in flight, so a group has one batch at
 * a time. Time (windows, timeouts, visibility) is the engine's clock: a manual clock drives it.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */

/** Lambda's long-poll wait. */
const POLL_WAIT_SECONDS = 20;
/** Real milliseconds before a poller retries after the queue was missing or refused a receive. */
const RETRY_MS = 250;
/** Invocations kept for the console and `/_emulator/event-source-mappings`. */
const KEPT_INVOCATIONS = 20;

interface Collected {
  readonly messages: ReceivedMessage[];
  readonly records: SqsRecord[];
}

export class EventSourceMapping implements EventSourceMappingHandle {
  readonly uuid: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly counters: MappingCounters = { invocations: 0, errors: 0, batchItemFailures: 0, filteredOut: 0, deleted: 0, batchSizeBuckets: BATCH_SIZE_BUCKETS.map(() => 0), batchSizeSum: 0, iteratorAgeSeconds: 0 };
  private enabled: boolean;
  private removed = false;
  private inFlight = 0;
  private lastModified: number;
  private lastProcessingResult = 'No records processed';
  private readonly recent: InvocationSummary[] = [];
  private readonly filter: RecordFilter;
  /** Aborts the waiting polls of the current run (pause, remove, stop). */
  private run: AbortController | undefined;
  private pollers: Promise<void>[] = [];
  private readonly batches = new Set<Promise<void>>();
  /** Records received past the 6 MB limit of a batch, first in the next one. */
  private carry: { message: ReceivedMessage; record: SqsRecord }[] = [];
  /** Aborted at emulator shutdown: invocations under way are abandoned (pause lets them finish). */
  private readonly stopping = new AbortController();

  constructor(
    private readonly engine: Engine,
    readonly queue: QueueInfo,
    readonly spec: MappingSpec,
    private readonly onRemove: (m: EventSourceMapping) => void,
  ) {
    this.uuid = engine.random.uuid();
    this.functionName = spec.functionName ?? `${queue.name.replace(/\.fifo$/, '').replace(/[^A-Za-z0-9_-]/g, '-')}-consumer`.slice(0, 64);
    this.functionArn = `arn:aws:lambda:${queue.region}:${queue.accountId}:function:${this.functionName}`;
    this.filter = new RecordFilter(spec.filters);
    this.enabled = spec.enabled;
    this.lastModified = engine.clock.now();
    if (this.enabled) this.start();
  }

  pause(): void {
    if (!this.enabled || this.removed) return;
    this.enabled = false;
    this.lastModified = this.engine.clock.now();
    this.halt();
  }

  resume(): void {
    if (this.enabled || this.removed) return;
    this.enabled = true;
    this.lastModified = this.engine.clock.now();
    this.start();
  }

  remove(): void {
    if (this.removed) return;
    this.removed = true;
    this.enabled = false;
    this.halt();
    this.onRemove(this);
  }

  /** Stops polling and waits for the batches under way (emulator shutdown). */
  async stop(): Promise<void> {
    this.removed = true;
    this.halt();
    this.stopping.abort();
    await Promise.all([...this.pollers, ...this.batches]);
  }

  state(): EventSourceMappingView {
    const s = this.spec;
    const t = s.target;
    return {
      UUID: this.uuid,
      EventSourceArn: this.queue.arn,
      FunctionArn: this.functionArn,
      FunctionName: this.functionName,
      State: this.enabled ? 'Enabled' : 'Disabled',
      StateTransitionReason: 'USER_INITIATED',
      BatchSize: s.batchSize,
      MaximumBatchingWindowInSeconds: s.maximumBatchingWindowInSeconds,
      FunctionResponseTypes: s.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
      ScalingConfig: { MaximumConcurrency: s.maximumConcurrency },
      ...(s.filters.length > 0 ? { FilterCriteria: { Filters: s.filters.map((Pattern) => ({ Pattern })) } } : {}),
      LastModified: Math.floor(this.lastModified / 1000),
      LastProcessingResult: this.lastProcessingResult,
      Target: 'url' in t ? { type: 'url', url: t.url } : 'command' in t ? { type: 'command', command: t.command, args: [...(t.args ?? [])] } : { type: 'function' },
      FunctionTimeout: s.functionTimeout,
      InFlightBatches: this.inFlight,
      Invocations: this.counters.invocations,
      Errors: this.counters.errors,
      LastInvocations: [...this.recent].reverse(),
    };
  }

  get inFlightBatches(): number {
    return this.inFlight;
  }

  private start(): void {
    const run = new AbortController();
    this.run = run;
    this.pollers = Array.from({ length: this.spec.maximumConcurrency }, () => this.poll(run.signal));
  }

  private halt(): void {
    this.run?.abort();
    this.run = undefined;
  }

  /** One poller: collect a batch, invoke, settle, until its run is aborted. */
  private async poll(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let batch: Collected;
      try {
        batch = await this.collect(signal);
      } catch (e) {
        this.lastProcessingResult = `PROBLEM: ${(e as Error).message}`;
        await new Promise((r) => setTimeout(r, RETRY_MS).unref());
        continue;
      }
      if (batch.records.length === 0) continue;
      if (signal.aborted) {
        // Paused or stopped while the batch filled: its messages go back at once.
        this.release(batch.messages);
        return;
      }
      const settled = this.process(batch);
      this.batches.add(settled);
      await settled;
      this.batches.delete(settled);
    }
  }

  /**
   * Fills a batch: up to batchSize records, until the batching window (from the first record)
   * ends or the next record would pass the 6 MB payload limit (it is kept for the next batch).
   * Records no filter matches are deleted here, as Lambda deletes them.
   */
  private async collect(signal: AbortSignal): Promise<Collected> {
    const { batchSize, maximumBatchingWindowInSeconds: window } = this.spec;
    const messages: ReceivedMessage[] = [];
    const records: SqsRecord[] = [];
    let bytes = 20;
    let windowEnds: number | undefined;
    const take = (message: ReceivedMessage, record: SqsRecord): boolean => {
      const size = recordSize(record);
      if (records.length > 0 && bytes + size > MAX_PAYLOAD_BYTES) {
        this.carry.push({ message, record });
        return false;
      }
      bytes += size;
      messages.push(message);
      records.push(record);
      return true;
    };
    for (const { message, record } of this.carry.splice(0)) take(message, record);
    if (records.length > 0 && window > 0) windowEnds = this.engine.clock.now() + window * 1000;
    for (;;) {
      if (records.length >= batchSize || this.carry.length > 0 || signal.aborted) break;
      const now = this.engine.clock.now();
      if (windowEnds !== undefined && now >= windowEnds) break;
      if (records.length > 0 && window === 0) break;
      const wait = windowEnds === undefined ? POLL_WAIT_SECONDS : (windowEnds - now) / 1000;
      const result = await this.engine.receiveMessages(this.queue, { maxNumberOfMessages: Math.min(10, batchSize - records.length), waitTimeSeconds: wait }, signal);
      if (result.messages.length === 0) continue;
      const filteredOut: ReceivedMessage[] = [];
      for (const m of result.messages) {
        const record = toRecord(this.queue, m);
        if (!this.filter.matches(record)) filteredOut.push(m);
        else take(m, record);
      }
      if (filteredOut.length > 0) {
        this.counters.filteredOut += filteredOut.length;
        this.delete(filteredOut);
      }
      if (records.length > 0 && windowEnds === undefined && window > 0) windowEnds = this.engine.clock.now() + window * 1000;
    }
    return { messages, records };
  }

  private async process(batch: Collected): Promise<void> {
    this.inFlight++;
    const at = this.engine.clock.now();
    const oldest = Math.min(...batch.records.map((r) => Number(r.attributes.SentTimestamp)));
    const c = this.counters;
    c.invocations++;
    c.iteratorAgeSeconds = Math.max(0, at - oldest) / 1000;
    c.batchSizeSum += batch.records.length;
    const bucket = BATCH_SIZE_BUCKETS.findIndex((b) => batch.records.length <= b);
    c.batchSizeBuckets[bucket < 0 ? BATCH_SIZE_BUCKETS.length - 1 : bucket]!++;
    this.emit('invoked', { records: batch.records });
    const started = performance.now();
    const outcome = await invoke(this.spec.target, {
      event: { Records: batch.records },
      functionName: this.functionName,
      functionArn: this.functionArn,
      region: this.queue.region,
      requestId: this.engine.random.uuid(),
      timeoutMs: this.spec.functionTimeout * 1000,
      clock: this.engine.clock,
      signal: this.stopping.signal,
    });
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    const verdict = this.judge(outcome, batch);
    this.inFlight--;
    if ('error' in verdict) {
      c.errors++;
      this.lastProcessingResult = `PROBLEM: Function call failed (${verdict.error})`;
      this.remember({ at, records: batch.records.length, outcome: 'failed', durationMs, error: verdict.error });
      this.emit('failed', { records: batch.records, error: verdict.error, durationMs });
      return;
    }
    const failed = new Set(verdict.failed);
    const keep = this.queue.fifo ? this.fifoKept(batch.records, failed) : failed;
    this.delete(batch.messages.filter((m) => !keep.has(m.data.id)));
    c.batchItemFailures += verdict.failed.length;
    this.lastProcessingResult = 'OK';
    const summary: InvocationSummary = { at, records: batch.records.length, outcome: 'succeeded', durationMs };
    this.remember(verdict.failed.length > 0 ? { ...summary, batchItemFailures: verdict.failed } : summary);
    this.emit('succeeded', { records: batch.records, durationMs, ...(this.spec.reportBatchItemFailures ? { batchItemFailures: verdict.failed } : {}) });
  }

  /**
   * The invocation's verdict: failed as a whole, or the messageIds reported as failed (none
   * without ReportBatchItemFailures: the response is not read, as Lambda does not read it).
   */
  private judge(outcome: Outcome, batch: Collected): { error: string } | { failed: string[] } {
    if (!outcome.ok) return { error: outcome.error };
    if (!this.spec.reportBatchItemFailures) return { failed: [] };
    const r = outcome.response;
    // A null or empty response, or a null or empty list: every message succeeded.
    if (r === null || r === undefined) return { failed: [] };
    if (typeof r !== 'object' || Array.isArray(r)) return { error: 'malformed response: not a JSON object with batchItemFailures' };
    const list = (r as Partial<SqsBatchResponse>).batchItemFailures;
    if (list === null || list === undefined) return { failed: [] };
    if (!Array.isArray(list)) return { error: 'malformed response: batchItemFailures is not a list' };
    const ids = new Set(batch.records.map((rec) => rec.messageId));
    const failed: string[] = [];
    for (const item of list as unknown[]) {
      const id = item !== null && typeof item === 'object' ? (item as { itemIdentifier?: unknown }).itemIdentifier : undefined;
      if (typeof id !== 'string' || id === '') return { error: `malformed response: itemIdentifier ${JSON.stringify(id ?? null)}` };
      if (!ids.has(id)) return { error: `itemIdentifier ${JSON.stringify(id)} is not a messageId of the batch` };
      if (!failed.includes(id)) failed.push(id);
    }
    return { failed };
  }

  /** FIFO: a group's processing stops at its first failed message; it and the rest of the group stay. */
  private fifoKept(records: readonly SqsRecord[], failed: ReadonlySet<string>): Set<string> {
    const keep = new Set<string>();
    const stopped = new Set<string>();
    for (const r of records) {
      const group = r.attributes.MessageGroupId ?? '';
      if (stopped.has(group) || failed.has(r.messageId)) {
        stopped.add(group);
        keep.add(r.messageId);
      }
    }
    return keep;
  }

  private delete(messages: readonly ReceivedMessage[]): void {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.receiptHandle }));
      try {
        const out = this.engine.deleteMessages(this.queue, chunk);
        this.counters.deleted += out.successful.length;
      } catch {
        // The queue was deleted meanwhile: nothing left to delete.
      }
    }
  }

  /** Messages received but not invoked: visible again at once. */
  private release(messages: readonly ReceivedMessage[]): void {
    for (const m of [...messages, ...this.carry.splice(0).map((c) => c.message)]) {
      try {
        this.engine.changeVisibility(this.queue, m.receiptHandle, 0);
      } catch {
        // Already gone or received again: nothing to give back.
      }
    }
  }

  private remember(summary: InvocationSummary): void {
    this.recent.push(summary);
    if (this.recent.length > KEPT_INVOCATIONS) this.recent.shift();
  }

  private emit(type: InvocationEventType, figures: Omit<InvocationFigures, 'mappingId' | 'functionName'>): void {
    if (this.engine.changes.messages) this.engine.changes.invocation(type, this.queue, { mappingId: this.uuid, functionName: this.functionName, ...figures });
  }
}
