import express from 'express';
import type { Engine } from '../engine/engine.js';
import { localstackEndpoints } from './localstack.js';
import { metricsEndpoint, type Metrics } from './metrics.js';
import { toolkitEndpoints, type ToolkitHandles } from './toolkitEndpoints.js';

export interface AppSettings {
  readonly engine: Engine;
  readonly region: string;
  readonly accountId: string;
  readonly version: string;
  /** Testing toolkit: clock, faults (src/http/toolkitEndpoints.ts). */
  readonly toolkit?: ToolkitHandles;
  /** `GET /metrics` (src/http/metrics.ts); absent when switched off. */
  readonly metrics?: Metrics;
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

  return app;
}
