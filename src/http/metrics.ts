import type { QueueInfo } from '../engine/address.js';
import type { Engine } from '../engine/engine.js';
import type { TallyRecord } from '../engine/changes.js';
import type { SqsEventType } from '../engine/events.js';
import type { FairQueueMetrics } from '../engine/fairQueue.js';
import type { Injection } from '../faults/injector.js';
import type { RequestHooks } from './dispatch.js';
import type { EventSourceMappings } from '../eventSources/registry.js';
import { BATCH_SIZE_BUCKETS } from '../eventSources/views.js';

/**
 * `GET /metrics` in the Prometheus text exposition format (version 0.0.4):
 *
 * - per queue (labels region, account, queue): gauges of visible, in-flight and delayed
 *   messages and the age of the oldest message, read at scrape time; counters of messages
 *   sent, received, deleted, moved to a dead-letter queue and expired, from the engine's events;
 * - per standard queue, the fair-queue gauges (CloudWatch's ApproximateNumberOfNoisyGroups and
 *   the *InQuietGroups metrics), read at scrape time;
 * - per action and protocol: request counts (with the HTTP status) and a latency histogram,
 *   from the dispatch `count` hook;
 * - fault injections by action, protocol and fault;
 * - per event-source mapping (labels mapping, function, queue): invocations, errors, batch item
 *   failures, records filtered out, the batch-size histogram, in-flight batches and the
 *   iterator age (the oldest record's age at the latest invocation), read at scrape time.
 */

const PREFIX = 'sqs_emulator_';
/** Seconds; long polls reach 20 s. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];

interface QueueCounters {
  readonly region: string;
  readonly accountId: string;
  readonly name: string;
  sent: number;
  received: number;
  deleted: number;
  movedToDeadLetterQueue: number;
  expired: number;
  purged: number;
}

interface RequestStats {
  readonly action: string;
  readonly protocol: string;
  /** Answers by HTTP status other than 200... */
  readonly byStatus: Map<number, number>;
  /** ...and the 200s, a plain counter. */
  ok: number;
  readonly buckets: Float64Array;
  sum: number;
  count: number;
}

const COUNTED: Partial<Record<SqsEventType, keyof QueueCounters>> = {
  sent: 'sent',
  received: 'received',
  deleted: 'deleted',
  movedToDeadLetterQueue: 'movedToDeadLetterQueue',
  expired: 'expired',
  purged: 'purged',
};

/** Label values escaped as the format asks: backslash, double quote, newline. */
const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (pairs: Record<string, string>): string =>
  `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${esc(v)}"`)
    .join(',')}}`;
const num = (n: number): string => (Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : '-Inf');

export class Metrics {
  private readonly queues = new Map<string, QueueCounters>();
  private readonly requests = new Map<string, RequestStats>();
  /** The same stats by action, one map per protocol: no key to build per request. */
  private readonly json = new Map<string, RequestStats>();
  private readonly query = new Map<string, RequestStats>();
  private readonly faults = new Map<string, { action: string; protocol: string; fault: string; count: number }>();
  /** Goes in the front door's hooks: observes every SQS answer. */
  readonly hook: RequestHooks = { count: (action, protocol, status, durationMs) => this.request(action, protocol, status, durationMs) };

  constructor(
    private readonly engine: Engine,
    private readonly mappings?: EventSourceMappings,
  ) {
    engine.changes.subscribe('tally', (record) => this.count(record));
  }

  /** Counts one fault injection (the injector's listener). */
  injection(i: Injection): void {
    const key = `${i.action}\u0000${i.protocol}\u0000${i.fault}`;
    const entry = this.faults.get(key);
    if (entry) entry.count++;
    else this.faults.set(key, { action: i.action, protocol: i.protocol, fault: i.fault, count: 1 });
  }

  private count({ event, queue, count }: TallyRecord): void {
    const field = COUNTED[event];
    if (!field) return;
    let c = this.queues.get(queue.arn);
    if (!c) {
      c = { region: queue.region, accountId: queue.accountId, name: queue.name, sent: 0, received: 0, deleted: 0, movedToDeadLetterQueue: 0, expired: 0, purged: 0 };
      this.queues.set(queue.arn, c);
    }
    (c[field] as number) += count;
  }

  private request(action: string, protocol: 'json' | 'query', status: number, durationMs: number): void {
    const byProtocol = protocol === 'json' ? this.json : this.query;
    let s = byProtocol.get(action);
    if (!s) {
      s = { action, protocol, byStatus: new Map(), ok: 0, buckets: new Float64Array(BUCKETS.length), sum: 0, count: 0 };
      byProtocol.set(action, s);
      this.requests.set(`${action}\u0000${protocol}`, s);
    }
    if (status === 200) s.ok++;
    else s.byStatus.set(status, (s.byStatus.get(status) ?? 0) + 1);
    const seconds = durationMs / 1000;
    s.sum += seconds;
    s.count++;
    for (let i = 0; i < BUCKETS.length; i++) {
      if (seconds <= BUCKETS[i]!) {
        s.buckets[i]!++;
        break;
      }
    }
  }

  /** The exposition text. Reading it applies passed deadlines first, like any SQS call. */
  render(): string {
    const now = this.engine.clock.now();
    const out: string[] = [];
    const family = (name: string, type: 'gauge' | 'counter' | 'histogram', help: string): void => {
      out.push(`# HELP ${PREFIX}${name} ${help}`, `# TYPE ${PREFIX}${name} ${type}`);
    };
    const queues = this.engine
      .queues()
      .sort((a, b) => a.arn.localeCompare(b.arn))
      .map((q) => ({ q, s: this.engine.stats(q) }));
    const queueLabels = (q: QueueInfo) => labels({ region: q.region, account: q.accountId, queue: q.name });

    family('queue_messages_visible', 'gauge', 'Messages available for retrieval (ApproximateNumberOfMessages).');
    for (const { q, s } of queues) out.push(`${PREFIX}queue_messages_visible${queueLabels(q)} ${s.visible}`);
    family('queue_messages_in_flight', 'gauge', 'Messages received but not yet deleted (ApproximateNumberOfMessagesNotVisible).');
    for (const { q, s } of queues) out.push(`${PREFIX}queue_messages_in_flight${queueLabels(q)} ${s.inflight}`);
    family('queue_messages_delayed', 'gauge', 'Messages not yet available because of a delay (ApproximateNumberOfMessagesDelayed).');
    for (const { q, s } of queues) out.push(`${PREFIX}queue_messages_delayed${queueLabels(q)} ${s.delayed}`);
    family('queue_oldest_message_age_seconds', 'gauge', 'Age of the oldest message stored in the queue, in seconds (0 when empty).');
    for (const { q, s } of queues) {
      const age = s.oldestEnqueuedAt === undefined ? 0 : Math.max(0, now - s.oldestEnqueuedAt) / 1000;
      out.push(`${PREFIX}queue_oldest_message_age_seconds${queueLabels(q)} ${num(age)}`);
    }

    // Fair queues: standard queues only.
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-fair-queues.html
    const fair = queues.flatMap(({ q }) => {
      const m = this.engine.fairQueueMetrics(q);
      return m ? [{ q, m }] : [];
    });
    const fairGauge = (name: string, help: string, value: (m: FairQueueMetrics) => number): void => {
      family(name, 'gauge', help);
      for (const { q, m } of fair) out.push(`${PREFIX}${name}${queueLabels(q)} ${num(value(m))}`);
    };
    fairGauge('queue_noisy_groups', 'Fair queues: message groups (tenants) that are noisy now (ApproximateNumberOfNoisyGroups).', (m) => m.ApproximateNumberOfNoisyGroups);
    fairGauge('queue_messages_visible_in_quiet_groups', 'Fair queues: visible messages outside noisy groups (ApproximateNumberOfMessagesVisibleInQuietGroups).', (m) => m.ApproximateNumberOfMessagesVisibleInQuietGroups);
    fairGauge('queue_messages_in_flight_in_quiet_groups', 'Fair queues: in-flight messages outside noisy groups (ApproximateNumberOfMessagesNotVisibleInQuietGroups).', (m) => m.ApproximateNumberOfMessagesNotVisibleInQuietGroups);
    fairGauge('queue_messages_delayed_in_quiet_groups', 'Fair queues: delayed messages outside noisy groups (ApproximateNumberOfMessagesDelayedInQuietGroups).', (m) => m.ApproximateNumberOfMessagesDelayedInQuietGroups);
    fairGauge('queue_oldest_message_age_in_quiet_groups_seconds', 'Fair queues: age of the oldest message outside noisy groups, in seconds (ApproximateAgeOfOldestMessageInQuietGroups).', (m) => m.ApproximateAgeOfOldestMessageInQuietGroups);

    const counters = [...this.queues.values()];
    const counter = (name: string, field: keyof QueueCounters, help: string): void => {
      family(name, 'counter', help);
      for (const c of counters) {
        out.push(`${PREFIX}${name}${labels({ region: c.region, account: c.accountId, queue: c.name })} ${c[field] as number}`);
      }
    };
    counter('messages_sent_total', 'sent', 'Messages stored by SendMessage and SendMessageBatch (FIFO duplicates not counted).');
    counter('messages_received_total', 'received', 'Messages handed out by ReceiveMessage.');
    counter('messages_deleted_total', 'deleted', 'Messages deleted by DeleteMessage and DeleteMessageBatch.');
    counter('messages_moved_to_dead_letter_queue_total', 'movedToDeadLetterQueue', 'Messages moved from this queue to its dead-letter queue (maxReceiveCount).');
    counter('messages_expired_total', 'expired', 'Messages removed at the end of the retention period.');
    counter('messages_purged_total', 'purged', 'Messages removed by PurgeQueue.');

    const requests = [...this.requests.values()].sort((a, b) => a.action.localeCompare(b.action) || a.protocol.localeCompare(b.protocol));
    family('requests_total', 'counter', 'SQS requests answered, by action, protocol and HTTP status.');
    for (const s of requests) {
      const byStatus: [number, number][] = [...s.byStatus];
      if (s.ok > 0) byStatus.push([200, s.ok]);
      for (const [status, n] of byStatus.sort((a, b) => a[0] - b[0])) {
        out.push(`${PREFIX}requests_total${labels({ action: s.action, protocol: s.protocol, status: String(status) })} ${n}`);
      }
    }
    family('request_duration_seconds', 'histogram', 'Time from decoding an SQS request to its answer, long-poll waits included.');
    for (const s of requests) {
      let cumulative = 0;
      for (let i = 0; i < BUCKETS.length; i++) {
        cumulative += s.buckets[i]!;
        out.push(`${PREFIX}request_duration_seconds_bucket${labels({ action: s.action, protocol: s.protocol, le: String(BUCKETS[i]) })} ${cumulative}`);
      }
      out.push(`${PREFIX}request_duration_seconds_bucket${labels({ action: s.action, protocol: s.protocol, le: '+Inf' })} ${s.count}`);
      out.push(`${PREFIX}request_duration_seconds_sum${labels({ action: s.action, protocol: s.protocol })} ${s.sum}`);
      out.push(`${PREFIX}request_duration_seconds_count${labels({ action: s.action, protocol: s.protocol })} ${s.count}`);
    }

    family('faults_injected_total', 'counter', 'Requests the fault-injection rules failed, slowed or dropped, by action, protocol and fault (error code, latency or drop).');
    for (const f of this.faults.values()) {
      out.push(`${PREFIX}faults_injected_total${labels({ action: f.action, protocol: f.protocol, fault: f.fault })} ${f.count}`);
    }
    this.renderMappings(family, out);
    return out.join('\n') + '\n';
  }

  /** Event-source mappings: what Lambda's CloudWatch metrics show (Invocations, Errors...), by mapping. */
  private renderMappings(family: (name: string, type: 'gauge' | 'counter' | 'histogram', help: string) => void, out: string[]): void {
    const all = this.mappings?.list() ?? [];
    const mapLabels = (m: (typeof all)[number], extra: Record<string, string> = {}): string =>
      labels({ mapping: m.uuid, function: m.functionName, region: m.queue.region, account: m.queue.accountId, queue: m.queue.name, ...extra });
    const counter = (name: string, help: string, value: (m: (typeof all)[number]) => number, type: 'counter' | 'gauge' = 'counter'): void => {
      family(name, type, help);
      for (const m of all) out.push(`${PREFIX}${name}${mapLabels(m)} ${num(value(m))}`);
    };
    counter('event_source_mapping_invocations_total', 'Event-source mappings: batches handed to the target.', (m) => m.counters.invocations);
    counter('event_source_mapping_errors_total', 'Event-source mappings: invocations that failed as a whole (error, timeout, crash, malformed response).', (m) => m.counters.errors);
    counter('event_source_mapping_batch_item_failures_total', 'Event-source mappings: messages reported in batchItemFailures (ReportBatchItemFailures).', (m) => m.counters.batchItemFailures);
    counter('event_source_mapping_filtered_out_total', 'Event-source mappings: messages no filter matched, deleted without an invocation.', (m) => m.counters.filteredOut);
    counter('event_source_mapping_in_flight_batches', 'Event-source mappings: batches being processed by the target now.', (m) => m.inFlightBatches, 'gauge');
    counter('event_source_mapping_iterator_age_seconds', "Event-source mappings: age of the oldest record of the latest batch when it was invoked.", (m) => m.counters.iteratorAgeSeconds, 'gauge');
    family('event_source_mapping_batch_size', 'histogram', 'Event-source mappings: records per invocation.');
    for (const m of all) {
      const c = m.counters;
      let cumulative = 0;
      for (let i = 0; i < BATCH_SIZE_BUCKETS.length; i++) {
        cumulative += c.batchSizeBuckets[i]!;
        out.push(`${PREFIX}event_source_mapping_batch_size_bucket${mapLabels(m, { le: String(BATCH_SIZE_BUCKETS[i]) })} ${cumulative}`);
      }
      out.push(`${PREFIX}event_source_mapping_batch_size_bucket${mapLabels(m, { le: '+Inf' })} ${c.invocations}`);
      out.push(`${PREFIX}event_source_mapping_batch_size_sum${mapLabels(m)} ${c.batchSizeSum}`);
      out.push(`${PREFIX}event_source_mapping_batch_size_count${mapLabels(m)} ${c.invocations}`);
    }
  }
}
