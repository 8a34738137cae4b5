import { SqsError } from './api/errors.js';
import type { RequestContext } from './actions/action.js';
import { createQueue } from './actions/createQueue.js';
import { setQueueAttributes } from './actions/setQueueAttributes.js';
import { tagQueue } from './actions/tagQueue.js';
import type { QueueConfig } from './config.js';
import type { Engine } from './engine/engine.js';

/**
 * Creates the config file's queues before the port opens, dead-letter queues first, through
 * the same actions a client would call (so the same rules apply). A queue that already exists
 * (restored from the data directory) gets the file's attributes and tags set on it.
 */
export function createStartupQueues(engine: Engine, region: string, accountId: string, queues: readonly QueueConfig[]): void {
  const byName = new Map(queues.map((q) => [q.name, q]));
  const ordered: QueueConfig[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (q: QueueConfig, path: string[]): void => {
    if (state.get(q.name) === 'done') return;
    if (state.get(q.name) === 'visiting') throw new Error(`config: dead-letter links form a cycle: ${[...path, q.name].join(' -> ')}`);
    state.set(q.name, 'visiting');
    if (q.deadLetterQueue) visit(byName.get(q.deadLetterQueue.name)!, [...path, q.name]);
    state.set(q.name, 'done');
    ordered.push(q);
  };
  for (const q of queues) visit(q, []);

  const ctx: RequestContext = {
    engine,
    requestId: 'startup',
    region,
    accountId,
    baseUrl: 'http://localhost',
    signal: new AbortController().signal,
  };
  for (const q of ordered) {
    const attributes: Record<string, string> = { ...q.attributes };
    if (q.name.endsWith('.fifo')) attributes.FifoQueue ??= 'true';
    if (q.deadLetterQueue) {
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: `arn:aws:sqs:${region}:${accountId}:${q.deadLetterQueue.name}`,
        maxReceiveCount: q.deadLetterQueue.maxReceiveCount,
      });
    }
    try {
      const existing = engine.describeQueue({ region, accountId, name: q.name });
      if (existing) {
        const { FifoQueue: _ignored, ...settable } = attributes;
        if (Object.keys(settable).length > 0) setQueueAttributes.handler(ctx, { QueueUrl: `/${accountId}/${q.name}`, Attributes: settable });
        if (q.tags && Object.keys(q.tags).length > 0) tagQueue.handler(ctx, { QueueUrl: `/${accountId}/${q.name}`, Tags: q.tags });
      } else {
        createQueue.handler(ctx, { QueueName: q.name, Attributes: attributes, tags: q.tags });
      }
    } catch (e) {
      if (e instanceof SqsError) throw new Error(`config: queue ${q.name}: ${e.message}`);
      throw e;
    }
  }
}
