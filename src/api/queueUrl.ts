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
];

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

export function parseQueueUrl(url: string): QueueAddress {
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
  if (!region && host) {
    if (host === 'queue.amazonaws.com') region = 'us-east-1';
    for (const pattern of REGION_HOSTS) region ??= pattern.exec(host)?.[1];
  }
  if (address) return { ...address, region };
  const single = path.split('/').filter((p) => p !== '');
  if (single.length === 1 && NAME.test(single[0]!)) return { region, name: single[0]! };
  throw errors.invalidAddress(url);
}

export function queueUrl(baseUrl: string, accountId: string, name: string): string {
  return `${baseUrl}/${accountId}/${name}`;
}
