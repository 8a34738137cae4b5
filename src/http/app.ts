import express, { type Request, type Response } from 'express';
import { errors } from '../api/errors.js';
import { limits } from '../api/limits.js';
import type { WireRequest, WireResponse } from '../protocols/protocol.js';
import { dispatch, errorResponse, type DispatchSettings } from './dispatch.js';

export interface AppSettings extends DispatchSettings {
  readonly version: string;
  readonly maxRequestBody?: number;
  /** Resolves once the request's changes are durable (persistence); answers wait for it. */
  readonly commit?: () => Promise<void>;
}

class BodyTooLarge extends Error {}

/** Reads the body, refusing it as soon as it passes `limit` bytes (not after buffering it all). */
function readBody(req: Request, limit: number): Promise<Buffer> {
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
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

/** `http://host:port` as the caller addressed us; a Host without a port gets the port the request came in on. */
function baseUrl(req: Request): string {
  const scheme = req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  let host = req.headers.host ?? `${req.socket.localAddress}:${req.socket.localPort}`;
  const hasPort = /:\d+$/.test(host) && !/^\[[^\]]*\]$/.test(host);
  const port = req.socket.localPort;
  if (!hasPort && port !== undefined && port !== (scheme === 'https' ? 443 : 80)) host = `${host}:${port}`;
  return `${scheme}://${host}`;
}

function send(res: Response, response: WireResponse): void {
  res.status(response.status);
  for (const [k, v] of Object.entries(response.headers)) res.setHeader(k, v);
  res.end(response.body);
}

/**
 * Express wiring only: health, bounded raw body, and every other request to the dispatcher,
 * whatever its method or path (`/`, `/<account>/<queue>`, a path prefix of an endpoint).
 */
export function createApp(settings: AppSettings): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const limit = settings.maxRequestBody ?? limits.maxRequestBody;

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', version: settings.version, region: settings.region, accountId: settings.accountId });
  });

  app.use(async (req, res) => {
    const questionMark = req.originalUrl.indexOf('?');
    const wire = {
      method: req.method,
      path: questionMark < 0 ? req.originalUrl : req.originalUrl.slice(0, questionMark),
      query: questionMark < 0 ? '' : req.originalUrl.slice(questionMark + 1),
      headers: req.headers,
      body: Buffer.alloc(0),
    } satisfies WireRequest;
    try {
      const body = await readBody(req, limit);
      const controller = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) controller.abort();
      });
      const response = await dispatch({ ...wire, body }, { baseUrl: baseUrl(req), signal: controller.signal }, settings);
      if (settings.commit) await settings.commit();
      send(res, response);
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        res.setHeader('connection', 'close');
        send(res, errorResponse(wire, errors.requestEntityTooLarge(limit), settings.engine.random.uuid()));
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
  });

  return app;
}
