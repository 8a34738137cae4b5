import { coerceInput } from '../api/coerce.js';
import { errors, ErrorTypes, SqsError } from '../api/errors.js';
import { parseQueuePath, queueUrlBase, type QueueUrlStrategy } from '../api/queueUrl.js';
import type { RequestContext } from '../actions/action.js';
import { loadAction, loadedAction } from '../actions/registry.js';
import type { Authenticator } from '../auth/index.js';
import type { Engine } from '../engine/engine.js';
import type { PollSignal } from '../engine/waiters.js';
import type { Logger } from '../log.js';
import { header, type Decoded, type Protocol, type WireRequest, type WireResponse } from '../protocols/protocol.js';
import { unknownOperationAtQueueUrl } from '../protocols/query/query.js';
import { protocolOf } from '../protocols/select.js';

export interface DispatchSettings {
  readonly engine: Engine;
  readonly region: string;
  readonly accountId: string;
  readonly log: Logger;
  /** Observers and interceptors of SQS requests (logs, metrics, fault injection). */
  readonly hooks?: readonly RequestHooks[];
  /** Shape of the queue URLs handed out (LocalStack's SQS_ENDPOINT_STRATEGY); default the emulator's. */
  readonly queueUrlStrategy?: QueueUrlStrategy;
  /** `--auth verify`: SigV4 signatures checked, callers confined to their account (src/auth). */
  readonly auth?: Authenticator;
}

/** An SQS request once its action and parameters are known. */
export interface RequestInfo {
  readonly action: string;
  readonly protocol: 'json' | 'query';
  /** The QueueUrl parameter (or the queue path the request was sent to), if any. */
  readonly queueUrl?: string;
  /** The QueueName parameter (CreateQueue, GetQueueUrl), if any. */
  readonly queueName?: string;
  readonly requestId: string;
}

export interface RequestRecord extends RequestInfo {
  readonly status: number;
  /** The AWS error code of an error answer. */
  readonly errorCode?: string;
  readonly durationMs: number;
}

export interface RequestHooks {
  /**
   * Runs before the action. It may wait (added latency), throw an SqsError (answered in the
   * caller's protocol, exactly like the action's own errors) or throw DropConnection.
   */
  before?(info: RequestInfo): void | Promise<void>;
  /** Runs once the answer is ready, before it is written. */
  after?(record: RequestRecord): void;
  /**
   * Like `after`, for hooks that only count: the action ('Unknown' when the request failed
   * before it was known), protocol, HTTP status and duration, with no record object built.
   */
  count?(action: string, protocol: 'json' | 'query', status: number, durationMs: number): void;
}

/** Thrown by a hook to close the connection without an answer. */
export class DropConnection extends Error {
  constructor() {
    super('connection dropped on purpose');
  }
}

export interface Caller {
  /** `http://host:port` as the client addressed us. */
  readonly baseUrl: string;
  readonly signal: PollSignal;
  /** Registers what to undo if the answer never reaches the client (delivery.ts). */
  onUndelivered?(fn: () => void): void;
}

/** `Credential=AKID/20260101/us-east-1/sqs/aws4_request` from the Authorization header or a presigned URL. */
const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([a-z0-9-]+)\//;

const ACCOUNT_ID = /^\d{12}$/;
const NO_SCOPE: { accessKeyId?: string; region?: string } = Object.freeze({});

/**
 * What an action may know of its request: one object, its members set once; the abort signal
 * and the undelivered-answer hook are asked of the caller only by the actions that use them.
 */
class Context implements RequestContext {
  constructor(
    readonly engine: Engine,
    readonly requestId: string,
    readonly region: string,
    readonly accountId: string,
    readonly accessKeyId: string | undefined,
    readonly baseUrl: string,
    readonly traceHeader: string | undefined,
    private readonly caller: Caller,
  ) {}

  /** Only a long poll asks for the signal: made lazily, it costs other requests nothing. */
  get signal(): PollSignal {
    return this.caller.signal;
  }

  get onUndelivered(): ((fn: () => void) => void) | undefined {
    const caller = this.caller;
    return caller.onUndelivered && ((fn) => caller.onUndelivered!(fn));
  }
}

function credentialScope(request: WireRequest): { accessKeyId?: string; region?: string } {
  const auth = header(request, 'authorization');
  let match = auth ? CREDENTIAL.exec(auth) : null;
  if (!match && request.query.includes('X-Amz-Credential')) {
    const credential = new URLSearchParams(request.query).get('X-Amz-Credential');
    if (credential) match = CREDENTIAL.exec(`Credential=${credential}`);
  }
  return match ? { accessKeyId: match[1], region: match[2] } : NO_SCOPE;
}

/**
 * One request, socket-free: picks the protocol, decodes, checks the input against the
 * action's shape, runs the action and encodes the answer. Catalog errors are rendered by the
 * protocol; anything else is a bug: logged with its stack, answered 500 InternalFailure.
 */
export async function dispatch(request: WireRequest, caller: Caller, settings: DispatchSettings): Promise<WireResponse> {
  const hooks = settings.hooks;
  if (!hooks || hooks.length === 0) return run(request, caller, settings, undefined);
  const started = performance.now();
  let full = false;
  for (const hook of hooks) if (hook.before || hook.after) full = true;
  const seen = new Seen(full);
  const response = await run(request, caller, settings, seen);
  const durationMs = performance.now() - started;
  for (const hook of hooks) hook.count?.(seen.action, seen.protocol ?? protocolOf(request).name, response.status, durationMs);
  if (!full) return response;
  const info = seen.info ?? {
    action: 'Unknown',
    protocol: protocolOf(request).name,
    requestId: response.headers['x-amzn-requestid'] ?? '',
  };
  const record: { -readonly [K in keyof RequestRecord]: RequestRecord[K] } = {
    action: info.action,
    protocol: info.protocol,
    requestId: info.requestId,
    status: response.status,
    durationMs,
  };
  if (info.queueUrl !== undefined) record.queueUrl = info.queueUrl;
  if (response.errorCode !== undefined) record.errorCode = response.errorCode;
  for (const hook of hooks) hook.after?.(record);
  return response;
}

/**
 * What dispatch learns of a request for its hooks. Counting hooks only (the metrics) need the
 * action and protocol: the info and record objects are built only when a hook reads them.
 */
class Seen {
  action = 'Unknown';
  protocol: 'json' | 'query' | undefined = undefined;
  info: RequestInfo | undefined = undefined;
  constructor(readonly full: boolean) {}
}

async function run(request: WireRequest, caller: Caller, settings: DispatchSettings, seen: Seen | undefined): Promise<WireResponse> {
  const { engine } = settings;
  const requestId = engine.random.uuid();
  const protocol: Protocol = protocolOf(request);
  const pathQueue = request.path === '/' ? undefined : parseQueuePath(request.path);
  try {
    const principal = settings.auth?.authenticate(request);
    let decoded: Decoded;
    try {
      decoded = protocol.decode(request);
    } catch (e) {
      // No Action at a queue URL: a bare UnknownOperationException document (F181).
      if (pathQueue && protocol.name === 'query' && e instanceof SqsError && e.errorType === ErrorTypes.UnknownOperation) {
        return unknownOperationAtQueueUrl(requestId);
      }
      throw e;
    }
    const action = loadedAction(decoded.action) ?? (await loadAction(decoded.action));
    if (!action) throw errors.invalidAction(decoded.action);
    const takesQueueUrl = 'QueueUrl' in action.input.members;
    // Over query, a queue URL takes the actions on a queue, and GetQueueUrl, which answers for
    // the queue it names whatever the path (F182); CreateQueue, ListQueues... are refused.
    if (pathQueue && !takesQueueUrl && action.name !== 'GetQueueUrl' && protocol.name === 'query') throw errors.invalidAction(decoded.action);
    const params = decoded.decode(action.input) as Record<string, unknown>;
    // A request sent to the queue URL itself names its queue by the path (kombu's async receive).
    if (pathQueue && takesQueueUrl && (params.QueueUrl === undefined || params.QueueUrl === '')) {
      params.QueueUrl = caller.baseUrl + request.path;
    }
    if (seen) {
      seen.action = action.name;
      seen.protocol = protocol.name;
    }
    if (seen?.full) {
      const queueUrl = typeof params.QueueUrl === 'string' ? params.QueueUrl : undefined;
      const info: { -readonly [K in keyof RequestInfo]: RequestInfo[K] } = { action: action.name, protocol: protocol.name, requestId };
      if (queueUrl) info.queueUrl = queueUrl;
      if (typeof params.QueueName === 'string') info.queueName = params.QueueName;
      seen.info = info;
      for (const hook of settings.hooks!) {
        // Only a hook that waits (added latency) costs a turn of the microtask queue.
        const waiting = hook.before?.(info);
        if (waiting) await waiting;
      }
    }
    if (principal) settings.auth!.authorize(principal, action.name, params, caller.baseUrl);
    const input = coerceInput(action.input, params);
    const scope = principal ?? credentialScope(request);
    const region = scope.region ?? settings.region;
    const ctx = new Context(
      engine,
      requestId,
      region,
      // With --auth verify the key's configured account; otherwise a 12-digit access key id
      // names its own account, so tests can act as several accounts, and any other key is
      // the default account.
      principal ? principal.accountId : scope.accessKeyId && ACCOUNT_ID.test(scope.accessKeyId) ? scope.accessKeyId : settings.accountId,
      scope.accessKeyId,
      queueUrlBase(settings.queueUrlStrategy, caller.baseUrl, region, settings.region),
      header(request, 'x-amzn-trace-id'),
      caller,
    );
    const output = await action.handler(ctx, input);
    return protocol.success(action.name, action.output, output as Record<string, unknown> | undefined, requestId);
  } catch (e) {
    if (e instanceof SqsError) return protocol.error(e, requestId);
    if (e instanceof DropConnection) throw e;
    settings.log.error(`InternalFailure in request ${requestId}`, e);
    return protocol.error(errors.internalFailure(), requestId);
  }
}

/** Used by the HTTP layer to answer a body that was too large in the caller's protocol. */
export function errorResponse(request: WireRequest, error: SqsError, requestId: string): WireResponse {
  return protocolOf(request).error(error, requestId);
}

