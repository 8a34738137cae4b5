import { errors } from './errors.js';

/**
 * Queue URLs: every historical shape is accepted and resolved by account and name;
 * the host is never checked against our own (clients rewrite it freely).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-message-identifiers.html
 */

export interface QueueAddress {
  /** Region named by an AWS-style host (`sqs.<region>.amazonaws.com`…), if any. */
  readonly region?: string;
  /** Account id from the path; undefined for a bare `/<name>` path. */
  readonly accountId?: string;
  readonly name: string;
}

const REGION_HOSTS: readonly RegExp[] = [
  /^sqs(?:-fips)?\.([a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|api\.aws)$/,
  /^([a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?$/,
  /^sqs\.([a-z0-9-]+)\.localhost\.localstack\.cloud$/,
  // LocalStack's shapes on any host (its SQS_ENDPOINT_STRATEGY standard and domain, with
  // LOCALSTACK_HOST set to anything): the label must look like an AWS region, so that a host
  // merely named `sqs.example.internal` keeps the caller's region.
  /^sqs\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.[^/]+$/,
  /^([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.queue\.[^/]+$/,
];

/** LocalStack's domain strategy names us-east-1 by leaving the region out. */
const DEFAULT_REGION_HOSTS = new Set(['queue.amazonaws.com', 'queue.localhost.localstack.cloud']);

const NAME = /^[A-Za-z0-9_-]{1,80}(?:\.fifo)?$/;
const ACCOUNT = /^[0-9]{12}$/;

/** Parses a queue URL path: `/<account>/<name>`, `/queue/<region>/<account>/<name>` or `/<name>`. */
export function parseQueuePath(path: string): QueueAddress | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  let decoded: string[];
  try {
    decoded = parts.map((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }
  if (decoded.length === 2 && ACCOUNT.test(decoded[0]!) && NAME.test(decoded[1]!)) {
    return { accountId: decoded[0]!, name: decoded[1]! };
  }
  if (decoded.length === 4 && decoded[0] === 'queue' && ACCOUNT.test(decoded[2]!) && NAME.test(decoded[3]!)) {
    return { region: decoded[1]!, accountId: decoded[2]!, name: decoded[3]! };
  }
  return undefined;
}

/**
 * The common shapes, `<scheme>://<host>[:port]/<account>/<name>` and `.../queue/<region>/<account>/<name>`,
 * with nothing to decode: the path is taken as is, the region its host names is kept per
 * origin once the URL parser accepted that origin. Anything else takes the full parse.
 */
const PLAIN = /^(https?:\/\/[A-Za-z0-9.-]+(?::[0-9]{1,5})?)(?:\/queue\/([A-Za-z0-9-]+))?\/([0-9]{12})\/([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/;
/** Origin → the region its host names ('' when none); bounded, origins are caller-chosen. */
const originRegions = new Map<string, string>();

function originRegion(origin: string): string | undefined {
  let region = originRegions.get(origin);
  if (region === undefined) {
    let host: string;
    try {
      host = new URL(origin).hostname.toLowerCase();
    } catch {
      return undefined;
    }
    region = hostRegion(host) ?? '';
    if (originRegions.size >= 256) originRegions.clear();
    originRegions.set(origin, region);
  }
  return region;
}

function hostRegion(host: string): string | undefined {
  let region: string | undefined;
  if (DEFAULT_REGION_HOSTS.has(host)) region = 'us-east-1';
  for (const pattern of REGION_HOSTS) region ??= pattern.exec(host)?.[1];
  return region;
}

export function parseQueueUrl(url: string): QueueAddress {
  const plain = PLAIN.exec(url);
  if (plain !== null) {
    const fromHost = originRegion(plain[1]!);
    if (fromHost !== undefined) return { accountId: plain[3]!, name: plain[4]!, region: plain[2] ?? (fromHost || undefined) };
  }
  let host = '';
  let path = url;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw errors.invalidAddress(url);
    }
    host = parsed.hostname.toLowerCase();
    path = parsed.pathname;
  }
  const address = parseQueuePath(path);
  let region = address?.region;
  if (!region && host) region = hostRegion(host);
  if (address) return { ...address, region };
  const single = path.split('/').filter((p) => p !== '');
  if (single.length === 1 && NAME.test(single[0]!)) return { region, name: single[0]! };
  // A URL naming no queue at all (`http://whatever-incorrect-queue-address`) is a queue that
  // does not exist, not InvalidAddress (aws-behaviours F184).
  if (host && single.length === 0) throw errors.queueDoesNotExist();
  throw errors.invalidAddress(url);
}

/**
 * The shape of the queue URLs handed out (CreateQueue, GetQueueUrl, ListQueues...):
 * `emulator` (default) and LocalStack's `off`: `<base>/<account>/<name>`, on the host the
 * caller used; LocalStack's SQS_ENDPOINT_STRATEGY values `path`: `<base>/queue/<region>/<account>/<name>`,
 * `standard`: `http://sqs.<region>.localhost.localstack.cloud:<port>/<account>/<name>`,
 * `domain`: `http://<region>.queue.localhost.localstack.cloud:<port>/...` (no region for us-east-1).
 */
export type QueueUrlStrategy = 'emulator' | 'off' | 'path' | 'standard' | 'domain';
export const QUEUE_URL_STRATEGIES: readonly QueueUrlStrategy[] = ['emulator', 'off', 'path', 'standard', 'domain'];

const LOCALSTACK_HOSTNAME = 'localhost.localstack.cloud';

/**
 * The base that `queueUrl()` appends `/<account>/<name>` to, for a strategy and the queue's
 * region. The emulator's own shape is `<endpoint>/<account>/<name>` in the default region and
 * `<endpoint>/queue/<region>/<account>/<name>` in any other, so that the same name in two
 * regions has two URLs, as on AWS (F30), and each URL finds its queue whatever the signature says.
 */
export function queueUrlBase(strategy: QueueUrlStrategy | undefined, callerBase: string, region: string, defaultRegion: string): string {
  switch (strategy) {
    case undefined:
    case 'emulator':
      return region === defaultRegion ? callerBase : `${callerBase}/queue/${region}`;
    case 'off':
      return callerBase;
    case 'path':
      return `${callerBase}/queue/${region}`;
    case 'standard':
    case 'domain': {
      const m = /^(https?):\/\/(?:\[[^\]]*\]|[^:/]*)(:\d+)?$/.exec(callerBase);
      const scheme = m?.[1] ?? 'http';
      const port = m?.[2] ?? '';
      const host = strategy === 'standard' ? `sqs.${region}.${LOCALSTACK_HOSTNAME}` : `${region === 'us-east-1' ? '' : `${region}.`}queue.${LOCALSTACK_HOSTNAME}`;
      return `${scheme}://${host}${port}`;
    }
  }
}

export function queueUrl(baseUrl: string, accountId: string, name: string): string {
  return `${baseUrl}/${accountId}/${name}`;
}
