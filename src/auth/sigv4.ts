/**
 * AWS Signature Version 4 verification (`--auth verify`), on node:crypto alone.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 *
 * Checks a header-signed request (`Authorization: AWS4-HMAC-SHA256 Credential=…,
 * SignedHeaders=…, Signature=…`) or a presigned one (`X-Amz-Algorithm`, `X-Amz-Credential`,
 * `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Signature` in the query
 * string) against the configured secret of its access key, and answers AWS's errors.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { errors } from '../api/errors.js';
import type { WireRequest } from '../protocols/protocol.js';

export interface Credential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly accountId: string;
}

/** Who signed a request that verified. */
export interface Principal {
  readonly accessKeyId: string;
  readonly accountId: string;
  readonly region: string;
}

export const SERVICE = 'sqs';
const ALGORITHM = 'AWS4-HMAC-SHA256';
/** Allowed clock skew between the signature's date and ours, as AWS: 5 minutes. */
export const MAX_SKEW_MS = 5 * 60_000;
/** The longest presigned URL lifetime SigV4 allows: 7 days. */
const MAX_EXPIRES_S = 604_800;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it: only A-Z a-z 0-9 - _ . ~ stay as they are. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** `20260101T000000Z` → epoch ms, or NaN. */
export function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function headerValue(request: WireRequest, name: string): string | undefined {
  const v = request.headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

/** The query string as [name, value] pairs, decoded. */
function queryPairs(query: string): [string, string][] {
  if (query === '') return [];
  const pairs: [string, string][] = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    pairs.push(eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
  }
  return pairs;
}

function canonicalQuery(pairs: readonly [string, string][]): string {
  return pairs
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** The canonical URIs a client may have signed: SDKs encode the path's segments once more (not S3). */
function canonicalPaths(path: string): string[] {
  const raw = path === '' ? '/' : path;
  const encoded = raw
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/');
  const once = raw
    .split('/')
    .map((segment) => uriEncode(decode(segment)))
    .join('/');
  return [...new Set([encoded, once, raw])];
}

interface Parsed {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
  readonly signedHeaders: string[];
  readonly signature: string;
  readonly amzDate: string;
  readonly presigned: boolean;
  /** Presigned only: seconds the URL stays valid. */
  readonly expires?: number;
  readonly pairs: [string, string][];
}

const incomplete = (message: string) => errors.incompleteSignature(message);

function parseCredential(value: string, where: string): Pick<Parsed, 'accessKeyId' | 'date' | 'region' | 'service' | 'terminator'> {
  const parts = value.split('/');
  if (parts.length !== 5 || parts.some((p) => p === '')) {
    throw incomplete(`${where} Credential parameter is malformed: expected "<AccessKeyId>/<YYYYMMDD>/<region>/<service>/aws4_request", got "${value}".`);
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  return { accessKeyId, date, region, service, terminator };
}

function parseRequest(request: WireRequest): Parsed | undefined {
  const authorization = headerValue(request, 'authorization');
  const pairs = queryPairs(request.query);
  if (authorization !== undefined && authorization !== '') {
    const text = authorization.trim();
    if (!text.startsWith(ALGORITHM + ' ')) {
      throw incomplete(`Authorization header requires the ${ALGORITHM} algorithm (Signature Version 4). Authorization=${text.slice(0, 200)}`);
    }
    const fields = new Map<string, string>();
    for (const item of text.slice(ALGORITHM.length + 1).split(',')) {
      const eq = item.indexOf('=');
      if (eq > 0) fields.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
    }
    const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((f) => !fields.get(f));
    if (missing.length > 0) {
      throw incomplete(`${missing.map((f) => `Authorization header requires '${f}' parameter.`).join(' ')} Authorization=${text.slice(0, 200)}`);
    }
    const amzDate = headerValue(request, 'x-amz-date');
    if (amzDate === undefined) throw incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    return {
      ...parseCredential(fields.get('Credential')!, 'Authorization header'),
      signedHeaders: fields.get('SignedHeaders')!.split(';'),
      signature: fields.get('Signature')!,
      amzDate: amzDate.trim(),
      presigned: false,
      pairs,
    };
  }
  const get = (name: string): string | undefined => pairs.find(([k]) => k === name)?.[1];
  if (get('X-Amz-Algorithm') === undefined && get('X-Amz-Signature') === undefined && get('X-Amz-Credential') === undefined) return undefined;
  const names = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'];
  const missing = names.filter((n) => !get(n));
  if (missing.length > 0) {
    throw incomplete(`${missing.map((n) => `AWS query-string parameters must include '${n}'.`).join(' ')} Re-examine the query-string parameters.`);
  }
  if (get('X-Amz-Algorithm') !== ALGORITHM) throw incomplete(`X-Amz-Algorithm must be ${ALGORITHM}.`);
  const expiresRaw = get('X-Amz-Expires');
  let expires: number | undefined;
  if (expiresRaw !== undefined) {
    if (!/^\d{1,7}$/.test(expiresRaw) || Number(expiresRaw) > MAX_EXPIRES_S) {
      throw incomplete(`X-Amz-Expires must be a number of seconds from 0 to ${MAX_EXPIRES_S}, got "${expiresRaw.slice(0, 40)}".`);
    }
    expires = Number(expiresRaw);
  }
  return {
    ...parseCredential(get('X-Amz-Credential')!, 'X-Amz-Credential:'),
    signedHeaders: get('X-Amz-SignedHeaders')!.split(';'),
    signature: get('X-Amz-Signature')!,
    amzDate: get('X-Amz-Date')!,
    presigned: true,
    ...(expires !== undefined ? { expires } : {}),
    pairs: pairs.filter(([k]) => k !== 'X-Amz-Signature'),
  };
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

function canonicalHeaders(request: WireRequest, signed: readonly string[]): string | undefined {
  let out = '';
  for (const name of signed) {
    const value = headerValue(request, name);
    if (value === undefined) return undefined;
    out += `${name}:${value.trim().replace(/\s+/g, ' ')}\n`;
  }
  return out;
}

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/**
 * Verifies a request's signature. Returns the principal, or throws the SqsError AWS answers:
 * MissingAuthenticationToken, IncompleteSignature, InvalidClientTokenId,
 * SignatureDoesNotMatch, RequestExpired.
 */
export function verifySignature(request: WireRequest, credentials: ReadonlyMap<string, Credential>, now: number): Principal {
  const parsed = parseRequest(request);
  if (!parsed) throw errors.missingAuthenticationToken();
  const { accessKeyId, date, region, service, terminator, amzDate } = parsed;
  if (terminator !== 'aws4_request') {
    throw errors.signatureDoesNotMatch(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  }
  const signedAt = parseAmzDate(amzDate);
  if (Number.isNaN(signedAt)) {
    throw incomplete(`Date must be in ISO-8601 'basic format'. Got '${amzDate.slice(0, 40)}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  }
  const credential = credentials.get(accessKeyId);
  if (!credential) throw errors.invalidClientTokenId();
  if (date !== amzDate.slice(0, 8)) {
    throw errors.signatureDoesNotMatch(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (service !== SERVICE) throw errors.signatureDoesNotMatch(`Credential should be scoped to correct service: '${SERVICE}'.`);
  if (!parsed.signedHeaders.includes('host')) {
    throw errors.signatureDoesNotMatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (parsed.presigned) {
    const expires = parsed.expires ?? MAX_EXPIRES_S;
    if (now > signedAt + expires * 1000) throw errors.requestExpired(`Request has expired. X-Amz-Date ${amzDate} plus X-Amz-Expires ${expires} is before ${formatAmzDate(now)}.`);
    if (signedAt > now + MAX_SKEW_MS) {
      throw errors.signatureDoesNotMatch(
        `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + MAX_SKEW_MS)} (${formatAmzDate(now)} + 5 min.)`,
      );
    }
  } else if (signedAt < now - MAX_SKEW_MS) {
    throw errors.signatureDoesNotMatch(
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - MAX_SKEW_MS)} (${formatAmzDate(now)} - 5 min.)`,
    );
  } else if (signedAt > now + MAX_SKEW_MS) {
    throw errors.signatureDoesNotMatch(
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + MAX_SKEW_MS)} (${formatAmzDate(now)} + 5 min.)`,
    );
  }
  const headers = canonicalHeaders(request, parsed.signedHeaders);
  if (headers === undefined) throw errors.signatureDoesNotMatch(SIGNATURE_MISMATCH);
  const bodyHash = request.body.length === 0 ? EMPTY_SHA256 : sha256Hex(request.body);
  const declared = headerValue(request, 'x-amz-content-sha256');
  if (declared !== undefined && declared !== 'UNSIGNED-PAYLOAD' && declared !== bodyHash) {
    throw errors.signatureDoesNotMatch('The provided x-amz-content-sha256 header does not match what was computed.');
  }
  const payloadHashes = parsed.presigned || declared === 'UNSIGNED-PAYLOAD' ? [bodyHash, 'UNSIGNED-PAYLOAD'] : [bodyHash];
  const scope = `${date}/${region}/${service}/aws4_request`;
  const key = signingKey(credential.secretAccessKey, date, region, service);
  const query = canonicalQuery(parsed.pairs);
  const signedHeaders = parsed.signedHeaders.join(';');
  for (const path of canonicalPaths(request.path)) {
    for (const payloadHash of payloadHashes) {
      const canonical = [request.method.toUpperCase(), path, query, headers, signedHeaders, payloadHash].join('\n');
      const toSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
      const expected = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
      if (sameSignature(expected, parsed.signature)) return { accessKeyId, accountId: credential.accountId, region };
    }
  }
  throw errors.signatureDoesNotMatch(SIGNATURE_MISMATCH);
}

/** Signs a request (tests, the soak benchmark): the Authorization header value and the headers to send. */
export function signRequest(
  request: { method: string; path: string; query: string; headers: Record<string, string>; body: string | Buffer },
  credential: Pick<Credential, 'accessKeyId' | 'secretAccessKey'>,
  region: string,
  now: number,
): Record<string, string> {
  const amzDate = formatAmzDate(now);
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...request.headers, 'x-amz-date': amzDate };
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const names = Object.keys(lower).sort();
  const canonHeaders = names.map((n) => `${n}:${lower[n]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonical = [
    request.method,
    canonicalPaths(request.path)[0],
    canonicalQuery(queryPairs(request.query)),
    canonHeaders,
    names.join(';'),
    sha256Hex(request.body),
  ].join('\n');
  const scope = `${date}/${region}/${SERVICE}/aws4_request`;
  const signature = createHmac('sha256', signingKey(credential.secretAccessKey, date, region, SERVICE))
    .update(`${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`, 'utf8')
    .digest('hex');
  return { ...headers, authorization: `${ALGORITHM} Credential=${credential.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}
