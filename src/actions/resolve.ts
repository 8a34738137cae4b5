import { errors } from '../api/errors.js';
import { parseQueueUrl } from '../api/queueUrl.js';
import type { Queue } from '../engine/queue.js';
import type { RequestContext } from './action.js';

/**
 * Finds the queue a QueueUrl names, in any historical URL shape: by the account in its path
 * (or the caller's), in the region its host names (or the caller's).
 */
export function resolveQueue(ctx: RequestContext, url: string): Queue {
  const address = parseQueueUrl(url);
  ctx.engine.tick();
  const queue = ctx.engine.getQueue(
    { region: address.region ?? ctx.region, accountId: address.accountId ?? ctx.accountId },
    address.name,
  );
  if (!queue) throw errors.queueDoesNotExist();
  return queue;
}
