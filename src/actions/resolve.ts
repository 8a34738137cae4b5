import { parseQueueUrl, type QueueAddress } from '../api/queueUrl.js';
import type { QueueInfo } from '../engine/address.js';
import type { RequestContext } from './action.js';

/**
 * Finds the queue a QueueUrl names, in any historical URL shape: by the account in its path
 * (or the caller's), in the region its host names (or the caller's).
 *
 * Per QueueUrl: its parsed address and the queue it named last, for the caller scope (region,
 * account) it was resolved in. Clients send the same few URLs over and over: a request on a
 * known URL in the same scope goes straight to the queue (the engine checks it still exists,
 * and looks it up by name again if it was deleted). Bounded: URLs are caller-chosen.
 */
interface Resolved {
  readonly address: QueueAddress;
  region?: string;
  accountId?: string;
  info?: QueueInfo;
}

const resolved = new Map<string, Resolved>();

/**
 * The queue (QueueDoesNotExist when there is none): its info is also its address for the engine.
 * `remember` false: a URL not seen before is not kept (DeleteQueue: its queue is about to go).
 */
export function resolveQueue(ctx: RequestContext, url: string, remember = true): QueueInfo {
  let r = resolved.get(url);
  if (r === undefined) {
    r = { address: parseQueueUrl(url) };
    if (!remember) return ctx.engine.requireQueue(scoped(ctx, r.address));
    if (resolved.size >= 4096) resolved.clear();
    resolved.set(url, r);
  }
  if (r.info !== undefined && r.region === ctx.region && r.accountId === ctx.accountId) {
    const info = ctx.engine.requireQueue(r.info);
    r.info = info;
    return info;
  }
  const info = ctx.engine.requireQueue(scoped(ctx, r.address));
  r.region = ctx.region;
  r.accountId = ctx.accountId;
  r.info = info;
  return info;
}

/** The address in the caller's region and account where the URL names none. */
function scoped(ctx: RequestContext, address: QueueAddress): { region: string; accountId: string; name: string } {
  return { region: address.region ?? ctx.region, accountId: address.accountId ?? ctx.accountId, name: address.name };
}
