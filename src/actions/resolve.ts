import { errors } from '../api/errors.js';
import { parseQueueUrl, type QueueAddress } from '../api/queueUrl.js';
import type { Queue } from '../engine/queue.js';
import type { RequestContext } from './action.js';

/**
 * Finds the queue a QueueUrl names, in any historical URL shape: by the account in its path
 * (or the caller's), in the region its host names (or the caller's).
 */
/** Parsed URLs, bounded: clients send the same few URLs over and over. */
const addresses = new Map<string, QueueAddress>();

function addressOf(url: string): QueueAddress {
  let address = addresses.get(url);
  if (address === undefined) {
    address = parseQueueUrl(url);
    if (addresses.size >= 4096) addresses.clear();
    addresses.set(url, address);
  }
  return address;
}

export function resolveQueue(ctx: RequestContext, url: string): Queue {
  const address = addressOf(url);
  ctx.engine.tick();
  const queue = ctx.engine.getQueue(
    { region: address.region ?? ctx.region, accountId: address.accountId ?? ctx.accountId },
    address.name,
  );
  if (!queue) throw errors.queueDoesNotExist();
  return queue;
}
