import { readFileSync } from 'node:fs';
import express from 'express';

/**
 * The web console at /console: three static files (HTML, CSS, plain JavaScript; no build
 * step, no framework), read once at start-up. The page reads state from the developer
 * endpoints under /_emulator/ and makes changes through the SQS JSON protocol itself.
 * Switched off with --no-console / SQS_EMULATOR_CONSOLE=false / "console": false.
 */
const FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
};

let cache: Map<string, Buffer> | undefined;

function assets(): Map<string, Buffer> {
  cache ??= new Map(Object.keys(FILES).map((name) => [name, readFileSync(new URL(`./assets/${name}`, import.meta.url))]));
  return cache;
}

export function createConsoleRouter(): express.Router {
  const files = assets();
  const router = express.Router({ strict: true });
  const serve = (name: string) => (_req: express.Request, res: express.Response) => {
    res.setHeader('content-type', FILES[name]!);
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'");
    res.end(files.get(name));
  };
  // `/console` → `/console/`, so that the page's relative links stay under /console/.
  router.get('/', (req, res, next) => {
    if (!req.originalUrl.split('?')[0]!.endsWith('/')) {
      res.redirect(301, '/console/');
      return;
    }
    next();
  });
  router.get('/', serve('index.html'));
  router.get('/index.html', serve('index.html'));
  router.get('/console.css', serve('console.css'));
  router.get('/console.js', serve('console.js'));
  router.use((_req, res) => {
    res.status(404).json({ error: 'NotFound', message: 'No such console file.' });
  });
  return router;
}
