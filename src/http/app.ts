import express from 'express';
import type { Engine } from '../engine/engine.js';
import { localstackEndpoints } from './localstack.js';
import type { Metrics } from './metrics.js';
import { toolkitEndpoints, type ToolkitHandles } from './toolkitEndpoints.js';
import type { Logger } from '../log.js';
import { createConsoleRouter } from '../console/console.js';
import { createDevRouter } from './devEndpoints.js';
import type { EventSourceMappings } from '../eventSources/registry.js';

export interface AppSettings {
  readonly engine: Engine;
  readonly region: string;
  readonly accountId: string;
  readonly version: string;
  /** Testing toolkit: clock, faults (src/http/toolkitEndpoints.ts). */
  readonly toolkit?: ToolkitHandles;
  /** `GET /metrics` (src/http/metrics.ts); absent when switched off. */
  readonly metrics?: Metrics;
  /** Serve the web console at /console (default true). */
  readonly console?: boolean;
  readonly log?: Logger;
  /** Persistence: resolves once changes are durable. */
  readonly commit?: () => Promise<void>;
  /** Event-source mappings, shown under `/_emulator/event-source-mappings` and in the console. */
  readonly eventSources?: EventSourceMappings;
}

/**
 * The Express application: everything that is not the SQS protocol (health, and the
 * endpoints under the reserved first path segments of `server.ts`). SQS requests never reach it.
 */
export function createApp(settings: AppSettings): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', version: settings.version, region: settings.region, accountId: settings.accountId });
  });

  if (settings.toolkit) app.use(toolkitEndpoints(settings.toolkit));
  if (settings.metrics) app.use(metricsEndpoint(settings.metrics));
  app.use(localstackEndpoints(settings));
  app.use('/_emulator', createDevRouter(settings));
  if (settings.console !== false) app.use('/console', createConsoleRouter());

  app.use((_req, res) => {
    res.status(404).json({ error: 'NotFound', message: 'Not an SQS request and no such endpoint.' });
  });
  // Errors of the reserved paths (a malformed %-escape, a bug) answer JSON, never an HTML page.
  app.use((err: { status?: number; message?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) settings.log?.error('Developer endpoint failed', err);
    if (!res.headersSent) res.status(status).json({ error: status === 500 ? 'InternalFailure' : 'BadRequest', message: status === 500 ? 'internal error' : err.message });
  });
  return app;
}

/** GET /metrics: here, not in metrics.ts, so that counting requests does not load Express. */
function metricsEndpoint(metrics: Metrics): express.Router {
  const router = express.Router();
  router.get('/metrics', (_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    res.send(metrics.render());
  });
  return router;
}
