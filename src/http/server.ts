import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { errors } from '../api/errors.js';
import { limits } from '../api/limits.js';
import type { WireRequest, WireResponse } from '../protocols/protocol.js';
import type { PollSignal } from '../engine/waiters.js';
import { dispatch, DropConnection, errorResponse, type Caller, type DispatchSettings } from './dispatch.js';
import { delivered, watchDelivery } from './delivery.js';
import { ANSWERED, BrowserGuard, type BrowserGuardSettings, type Refusal } from './browserGuard.js';

/**
 * The front door. SQS requests (any method, `/` or a queue path) are served by a plain
 * node:http handler: Express's per-request machinery costs several times what the SQS work
 * does (issue 8). Paths whose first segment is reserved (health, developer endpoints,
 * console, metrics) go to the Express application. Both are behind the browser guard
 * (browserGuard.ts): web pages on other sites and rebound DNS names are refused first.
 */

/** First path segments that are never SQS: no queue URL is `/<one segment>` and none starts with `_`. */
export const RESERVED_SEGMENTS: ReadonlySet<string> = new Set(['health', 'metrics', 'console', '_emulator', '_aws', '_localstack']);

export interface FrontDoorSettings extends DispatchSettings {
  readonly maxRequestBody?: number;
  /** Resolves once the request's changes are durable (persistence); answers wait for it. */
  readonly commit?: () => Promise<void>;
  /** Who may call from a browser; default: listening on 127.0.0.1, no --allowed-hosts, no --cors-origins. */
  readonly browser?: BrowserGuardSettings;
}

export interface FrontDoor {
  readonly listener: RequestListener;
  /** From now on every answer closes its keep-alive connection. */
  closing: boolean;
}

class BodyTooLarge extends Error {}

/** The body until it is read (zero bytes: nobody can write to it). */
const NO_BODY = Buffer.alloc(0);

/** Reads the body, refusing it as soon as it passes `limit` bytes (not after buffering it all). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

/** The base URL last worked out for a connection, with the headers it came from. */
interface KnownBase {
  readonly host: string | undefined;
  readonly proto: string | string[] | undefined;
  readonly url: string;
}
const KNOWN_BASE = Symbol('baseUrl');
type WatchedSocket = Socket & { [KNOWN_BASE]?: KnownBase };

/**
 * `http://host:port` as the caller addressed us; a Host without a port gets the port the
 * request came in on. A keep-alive connection's requests carry the same Host, so the answer is
 * kept on the socket and reused while its headers match.
 */
function baseUrl(req: IncomingMessage): string {
  const socket = req.socket as WatchedSocket;
  const hostHeader = req.headers.host;
  const proto = req.headers['x-forwarded-proto'];
  const known = socket[KNOWN_BASE];
  if (known !== undefined && known.host === hostHeader && known.proto === proto) return known.url;
  const scheme = proto === 'https' ? 'https' : 'http';
  const port = socket.localPort;
  let host = hostHeader ?? `${socket.localAddress}:${port}`;
  const hasPort = /:\d+$/.test(host) && !/^\[[^\]]*\]$/.test(host);
  if (!hasPort && port !== undefined && port !== (scheme === 'https' ? 443 : 80)) host = `${host}:${port}`;
  const url = `${scheme}://${host}`;
  socket[KNOWN_BASE] = { host: hostHeader, proto, url };
  return url;
}

/**
 * A long poll's watch on its connection: aborted once the connection closes before the answer
 * is written. Lighter than an AbortController, whose signal and EventTarget cost about 25 µs a
 * poll in the long-poll profile (docs/performance.md).
 */
class ConnectionWatch implements PollSignal {
  aborted = false;
  private listeners: (() => void)[] = [];

  constructor(res: ServerResponse) {
    if (res.destroyed) this.aborted = true;
    else res.once('close', () => {
      if (!res.writableFinished) this.abort();
    });
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted && !this.listeners.includes(listener)) this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  private abort(): void {
    this.aborted = true;
    for (const listener of this.listeners.splice(0)) listener();
  }
}

/** The signal of a long poll, made only when an action asks for it. */
class HttpCaller implements Caller {
  private watch?: ConnectionWatch;
  /** Set by an action whose answer must not be lost silently (ReceiveMessage): see delivery.ts. */
  undelivered?: () => void;

  onUndelivered(fn: () => void): void {
    this.undelivered = fn;
  }

  constructor(
    readonly baseUrl: string,
    private readonly res: ServerResponse,
  ) {}

  get signal(): PollSignal {
    return (this.watch ??= new ConnectionWatch(this.res));
  }
}

function firstSegment(url: string): string {
  let end = 1;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 47 || c === 63) break; // '/' or '?'
    end++;
  }
  return url.slice(1, end);
}

export function createFrontDoor(settings: FrontDoorSettings, app: RequestListener): FrontDoor {
  const limit = settings.maxRequestBody ?? limits.maxRequestBody;
  const guard = new BrowserGuard(settings.browser ?? { listenHost: '127.0.0.1' });
  const door: FrontDoor = {
    closing: false,
    listener: (req, res) => {
      const url = req.url ?? '/';
      const reserved = url.length > 1 && url.charCodeAt(0) === 47 && RESERVED_SEGMENTS.has(firstSegment(url));
      const verdict = guard.admit(req, res);
      if (verdict !== undefined) {
        if (verdict !== ANSWERED) refuse(req, res, url, reserved, verdict);
        return;
      }
      if (reserved) {
        if (door.closing) res.setHeader('connection', 'close');
        app(req, res);
        return;
      }
      void serveSqs(req, res, url);
    },
  };

  /**
   * 403: AWS-shaped (AccessDenied) in the caller's protocol on SQS paths, small JSON elsewhere.
   * The body is never read and the connection is closed: nothing of a refused caller is kept.
   */
  const refuse = (req: IncomingMessage, res: ServerResponse, url: string, reserved: boolean, refusal: Refusal): void => {
    settings.log.warn(`${refusal.message} (${req.method ?? 'GET'} ${url.length > 200 ? url.slice(0, 200) + '…' : url})`);
    if (reserved) {
      const body = JSON.stringify({ error: 'Forbidden', message: refusal.message });
      res.writeHead(403, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        'x-content-type-options': 'nosniff',
        connection: 'close',
      });
      res.end(body);
      return;
    }
    const questionMark = url.indexOf('?');
    const wire: WireRequest = {
      method: req.method ?? 'GET',
      path: questionMark < 0 ? url : url.slice(0, questionMark),
      query: questionMark < 0 ? '' : url.slice(questionMark + 1),
      headers: req.headers,
      body: NO_BODY,
    };
    const response = errorResponse(wire, errors.browserRefused(refusal.message), settings.engine.random.uuid());
    response.headers.connection = 'close';
    send(res, response);
  };

  const send = (res: ServerResponse, response: WireResponse): void => {
    if (door.closing) response.headers.connection = 'close';
    // A known length: without it Node frames the answer as chunked, one more write per request.
    response.headers['content-length'] = String(Buffer.byteLength(response.body));
    res.writeHead(response.status, response.headers);
    res.end(response.body);
  };

  async function serveSqs(req: IncomingMessage, res: ServerResponse, url: string): Promise<void> {
    const questionMark = url.indexOf('?');
    const wire: { -readonly [K in keyof WireRequest]: WireRequest[K] } = {
      method: req.method ?? 'GET',
      path: questionMark < 0 ? url : url.slice(0, questionMark),
      query: questionMark < 0 ? '' : url.slice(questionMark + 1),
      headers: req.headers,
      body: NO_BODY,
    };
    try {
      wire.body = await readBody(req, limit);
      delivered(req.socket);
      const caller = new HttpCaller(baseUrl(req), res);
      const response = await dispatch(wire, caller, settings);
      if (settings.commit) await settings.commit();
      send(res, response);
      if (caller.undelivered) watchDelivery(res, caller.undelivered);
    } catch (e) {
      if (e instanceof DropConnection) {
        res.destroy();
        return;
      }
      if (e instanceof BodyTooLarge) {
        const response = errorResponse(wire, errors.requestEntityTooLarge(limit), settings.engine.random.uuid());
        response.headers.connection = 'close';
        send(res, response);
        return;
      }
      if (req.destroyed || res.destroyed) {
        // The client went away while sending its body: nobody to answer, nothing failed here.
        settings.log.debug(`Request abandoned by the client before its body was read (${(e as Error).message})`);
        return;
      }
      settings.log.error('Request failed before dispatch', e);
      if (!res.headersSent) send(res, errorResponse(wire, errors.internalFailure(), settings.engine.random.uuid()));
    }
  }

  return door;
}
