import express from 'express';
import type { Request, Response } from 'express';
import type { RequestContext } from '../actions/action.js';
import { getQueueAttributes } from '../actions/getQueueAttributes.js';
import { listDeadLetterSourceQueues } from '../actions/listDeadLetterSourceQueues.js';
import { listMessageMoveTasks } from '../actions/listMessageMoveTasks.js';
import { listQueueTags } from '../actions/listQueueTags.js';
import { queueUrl, queueUrlBase } from '../api/queueUrl.js';
import type { Engine } from '../engine/engine.js';
import type { QueueInfo } from '../engine/address.js';
import type { FairQueueMetrics } from '../engine/fairQueue.js';
import type { PeekedMessage } from '../engine/views.js';
import type { EventSourceMappings } from '../eventSources/registry.js';

/**
 * Developer endpoints under `/_emulator/` — NOT part of the AWS API (no AWS URL starts with
 * `/_`). JSON only, for tests and the web console:
 *
 *   GET  /_emulator/health                                    liveness, version, defaults
 *   GET  /_emulator/queues                                    every queue of every region and account, with counts
 *   GET  /_emulator/queues/<region>/<account>/<name>          one queue: attributes, tags, DLQ links, move tasks,
 *                                                             fair-queue metrics and noisy groups (standard queues)
 *   GET  /_emulator/queues/<region>/<account>/<name>/messages peek (?limit=1..1000, ?state=ready|delayed|inflight)
 *   POST /_emulator/reset                                     delete every queue and message
 *   GET  /_emulator/state                                     JSON dump of the whole state
 *   GET  /_emulator/event-source-mappings                     every mapping: settings, state, last invocations (?queue=name|arn)
 *   GET  /_emulator/event-source-mappings/<uuid>              one mapping
 *   POST /_emulator/event-source-mappings/<uuid>/pause|resume  Enabled: false / true
 *
 * Peeks never change a message's visibility or receive count.
 */
export interface DevSettings {
  readonly engine: Engine;
  readonly region: string;
  readonly accountId: string;
  readonly version: string;
  /** Resolves once changes are durable (persistence): the reset is answered after it. */
  readonly commit?: () => Promise<void>;
  readonly eventSources?: EventSourceMappings;
}

const startedAt = Date.now();

/** `http://host:port` as the caller addressed us, like queue URLs of SQS answers. */
function baseUrlOf(req: Request): string {
  const host = req.headers.host ?? `${req.socket.localAddress}:${req.socket.localPort}`;
  return `${req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http'}://${host}`;
}

function contextFor(settings: DevSettings, queue: QueueInfo, baseUrl: string): RequestContext {
  return {
    engine: settings.engine,
    requestId: settings.engine.random.uuid(),
    region: queue.region,
    accountId: queue.accountId,
    baseUrl,
    signal: new AbortController().signal,
  };
}

/** The queue's URL as the API hands it out (region in the path outside the default region, F30). */
function urlOf(queue: QueueInfo, baseUrl: string, defaultRegion: string): string {
  return queueUrl(queueUrlBase(undefined, baseUrl, queue.region, defaultRegion), queue.accountId, queue.name);
}

function summary(engine: Engine, queue: QueueInfo, baseUrl: string, defaultRegion: string): Record<string, unknown> {
  const stats = engine.stats(queue);
  const redrive = stats.redrive;
  return {
    name: queue.name,
    region: queue.region,
    accountId: queue.accountId,
    url: urlOf(queue, baseUrl, defaultRegion),
    arn: queue.arn,
    fifo: queue.fifo,
    visible: stats.visible,
    inflight: stats.inflight,
    delayed: stats.delayed,
    ...(redrive ? { deadLetterTargetArn: redrive.deadLetterTargetArn, maxReceiveCount: redrive.maxReceiveCount } : {}),
  };
}

/** A stored message as JSON, without its receipt handle (a peek is not a receive). */
function peeked(m: PeekedMessage): Record<string, unknown> {
  const d = m.data;
  const out: Record<string, unknown> = {
    MessageId: d.id,
    Body: d.body,
    MD5OfBody: d.md5OfBody,
    state: m.state,
    receiveCount: m.receiveCount,
    sentTimestamp: d.sentTimestamp,
  };
  if (m.state !== 'ready') out.visibleAt = m.deadline;
  if (m.firstReceiveTimestamp) out.firstReceiveTimestamp = m.firstReceiveTimestamp;
  if (d.attributes) {
    // A null-prototype object: an attribute named `__proto__` stays plain data.
    const attributes: Record<string, unknown> = Object.create(null);
    for (const [name, v] of Object.entries(d.attributes)) {
      attributes[name] =
        v.BinaryValue !== undefined
          ? { DataType: v.DataType, BinaryValue: v.BinaryValue.toString('base64') }
          : { DataType: v.DataType, StringValue: v.StringValue };
    }
    out.MessageAttributes = attributes;
  }
  if (d.groupId !== undefined) out.MessageGroupId = d.groupId;
  if (d.deduplicationId !== undefined) out.MessageDeduplicationId = d.deduplicationId;
  if (d.sequenceNumber !== undefined) out.SequenceNumber = d.sequenceNumber;
  if (d.traceHeader !== undefined) out.AWSTraceHeader = d.traceHeader;
  if (d.deadLetterQueueSourceArn !== undefined) out.DeadLetterQueueSourceArn = d.deadLetterQueueSourceArn;
  return out;
}

function details(settings: DevSettings, queue: QueueInfo, baseUrl: string): Record<string, unknown> {
  const ctx = contextFor(settings, queue, baseUrl);
  const url = urlOf(queue, baseUrl, settings.region);
  // The action handlers themselves, so that the answer is exactly what the API reports.
  const attributes = getQueueAttributes.handler(ctx, { QueueUrl: url, AttributeNames: ['All'] }) as { Attributes?: Record<string, string> };
  const tags = listQueueTags.handler(ctx, { QueueUrl: url }) as { Tags?: Record<string, string> };
  const sources = listDeadLetterSourceQueues.handler(ctx, { QueueUrl: url }) as { queueUrls: string[] };
  const tasks = listMessageMoveTasks.handler(ctx, { SourceArn: queue.arn, MaxResults: 10 }) as { Results?: unknown[] };
  const fair = settings.engine.fairQueueMetrics(queue);
  return {
    ...summary(settings.engine, queue, baseUrl, settings.region),
    attributes: attributes.Attributes ?? {},
    tags: tags.Tags ?? {},
    deadLetterSourceQueues: sources.queueUrls,
    moveTasks: tasks.Results ?? [],
    // Standard queues: the fair-queue CloudWatch metrics (not queue attributes) and who is noisy, why.
    ...(fair ? { fairQueue: fairQueueView(fair) } : {}),
    eventSourceMappings: (settings.eventSources?.list() ?? []).filter((m) => m.queue.arn === queue.arn).map((m) => m.state()),
  };
}

/** CloudWatch's fair-queue metrics by their names (the age in whole seconds, as CloudWatch reports it). */
function fairQueueView(m: FairQueueMetrics): Record<string, unknown> {
  return {
    metrics: {
      ApproximateNumberOfNoisyGroups: m.ApproximateNumberOfNoisyGroups,
      ApproximateNumberOfMessagesVisibleInQuietGroups: m.ApproximateNumberOfMessagesVisibleInQuietGroups,
      ApproximateNumberOfMessagesNotVisibleInQuietGroups: m.ApproximateNumberOfMessagesNotVisibleInQuietGroups,
      ApproximateNumberOfMessagesDelayedInQuietGroups: m.ApproximateNumberOfMessagesDelayedInQuietGroups,
      ApproximateAgeOfOldestMessageInQuietGroups: Math.floor(m.ApproximateAgeOfOldestMessageInQuietGroups),
    },
    noisyGroups: m.noisyGroups.map((g) => ({
      MessageGroupId: g.groupId,
      reason: g.reason,
      inflight: g.inflight,
      queueInflight: g.queueInflight,
      processingTimeShare: g.processingTimeShare,
      visible: g.visible,
      delayed: g.delayed,
      lastSentAt: g.lastSentAt,
    })),
  };
}

function notFound(res: Response, what: string): void {
  res.status(404).json({ error: 'NotFound', message: what });
}

export function createDevRouter(settings: DevSettings): express.Router {
  const { engine } = settings;
  const router = express.Router();

  const findQueue = (req: Request): QueueInfo | undefined => {
    const { region, accountId, name } = req.params as Record<string, string>;
    return engine.describeQueue({ region: region!, accountId: accountId!, name: name! });
  };

  const sorted = (): QueueInfo[] =>
    engine
      .queues()
      .sort((a, b) => a.region.localeCompare(b.region) || a.accountId.localeCompare(b.accountId) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  router.get('/health', (_req, res) => {
    const queues = engine.queues().length;
    res.json({
      status: 'ok',
      version: settings.version,
      region: settings.region,
      accountId: settings.accountId,
      queues,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    });
  });

  router.get('/queues', (req, res) => {
    const base = baseUrlOf(req);
    res.json({ region: settings.region, accountId: settings.accountId, queues: sorted().map((q) => summary(engine, q, base, settings.region)) });
  });

  router.get('/queues/:region/:accountId/:name', (req, res) => {
    const queue = findQueue(req);
    if (!queue) return notFound(res, 'The specified queue does not exist.');
    res.json(details(settings, queue, baseUrlOf(req)));
  });

  router.get('/queues/:region/:accountId/:name/messages', (req, res) => {
    const queue = findQueue(req);
    if (!queue) return notFound(res, 'The specified queue does not exist.');
    const rawLimit = req.query.limit;
    const limit = rawLimit === undefined ? 100 : Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      res.status(400).json({ error: 'InvalidParameterValue', message: 'limit must be an integer from 1 to 1000' });
      return;
    }
    const state = req.query.state;
    if (state !== undefined && state !== 'ready' && state !== 'delayed' && state !== 'inflight') {
      res.status(400).json({ error: 'InvalidParameterValue', message: 'state must be ready, delayed or inflight' });
      return;
    }
    const messages = engine.peek(queue, { limit, state }).map(peeked);
    res.json({ queue: summary(engine, queue, baseUrlOf(req), settings.region), messages });
  });

  router.post('/reset', (_req, res, next) => {
    const deletedQueues = engine.reset();
    void (settings.commit ? settings.commit() : Promise.resolve()).then(() => res.json({ status: 'reset', deletedQueues }), next);
  });

  router.get('/state', (req, res) => {
    const queues = sorted();
    const base = baseUrlOf(req);
    res.json({
      version: settings.version,
      region: settings.region,
      accountId: settings.accountId,
      now: engine.clock.now(),
      queues: queues.map((q) => ({ ...details(settings, q, base), messages: engine.peek(q).map(peeked) })),
    });
  });

  router.get('/event-source-mappings', (req, res) => {
    const queue = typeof req.query.queue === 'string' ? req.query.queue : undefined;
    const all = settings.eventSources?.list() ?? [];
    const shown = queue === undefined ? all : all.filter((m) => m.queue.arn === queue || m.queue.name === queue);
    res.json({ eventSourceMappings: shown.map((m) => m.state()) });
  });

  router.get('/event-source-mappings/:uuid', (req, res) => {
    const mapping = settings.eventSources?.get(req.params.uuid!);
    if (!mapping) return notFound(res, 'No event-source mapping with this UUID.');
    res.json(mapping.state());
  });

  router.post('/event-source-mappings/:uuid/:verb', (req, res) => {
    const mapping = settings.eventSources?.get(req.params.uuid!);
    if (!mapping) return notFound(res, 'No event-source mapping with this UUID.');
    if (req.params.verb === 'pause') mapping.pause();
    else if (req.params.verb === 'resume') mapping.resume();
    else return notFound(res, 'Use /pause or /resume.');
    res.json(mapping.state());
  });

  router.use((_req, res) => notFound(res, 'No such developer endpoint; see the README ("Developer endpoints").'));
  return router;
}
