import { parseQueueUrl, type QueueAddress } from '../api/queueUrl.js';
import type { QueueInfo } from '../engine/address.js';
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

/** The queue (QueueDoesNotExist when there is none): its info is also its address for the engine. */
export function resolveQueue(ctx: RequestContext, url: string): QueueInfo {
  const address = addressOf(url);
  return ctx.engine.requireQueue({ region: address.region ?? ctx.region, accountId: address.accountId ?? ctx.accountId, name: address.name });
}
