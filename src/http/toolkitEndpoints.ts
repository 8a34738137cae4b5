import express from 'express';
import type { FaultInjector } from '../faults/injector.js';
import { FaultRuleError } from '../faults/rules.js';
import { ClockError, type EmulatorClock } from '../toolkit/clock.js';

/**
 * Developer endpoints of the testing toolkit, under `/_emulator/` (not part of AWS):
 *
 *   GET  /_emulator/clock            {"mode":"manual","now":1767225600000,"iso":"2026-01-01T00:00:00.000Z"}
 *   POST /_emulator/clock/advance    {"ms": 43200000}     (or ?ms=43200000)
 *   POST /_emulator/clock/set        {"epochMs": 1767312000000}
 *
 * Advancing answers once every deadline on the way has fired (long polls woken included).
 *
 *   GET    /_emulator/faults         {"faults":[{id, action, queue, protocol, error, ..., injected}]}
 *   POST   /_emulator/faults         a rule, a list of rules, or {"faults":[...]}  -> 201 {"faults":[added]}
 *   DELETE /_emulator/faults         removes every rule
 *   DELETE /_emulator/faults/<id>    removes one (404 if unknown)
 */
export interface ToolkitHandles {
  readonly clock: EmulatorClock;
  readonly faults?: FaultInjector;
}

type Handler = (req: express.Request, res: express.Response) => void;

/** A JSON body (optional) merged over the query string; malformed JSON is a 400, not a 500. */
const jsonBody = express.json({ limit: '1mb', strict: true, type: () => true });

function input(req: express.Request): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') out[k] = v;
  const body: unknown = req.body;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) out[k] = v;
  }
  return out;
}

function numberField(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

export function clockState(clock: EmulatorClock): { mode: string; now: number; iso: string } {
  const now = clock.now();
  return { mode: clock.mode, now, iso: new Date(now).toISOString() };
}

export function toolkitEndpoints(handles: ToolkitHandles): express.Router {
  const router = express.Router();
  const { clock } = handles;

  const guarded =
    (fn: Handler): Handler =>
    (req, res) => {
      try {
        fn(req, res);
      } catch (e) {
        if (e instanceof FaultRuleError) {
          res.status(400).json({ error: e.message });
          return;
        }
        if (e instanceof ClockError) {
          res.status(e.message.includes('system clock') ? 409 : 400).json({ error: e.message });
          return;
        }
        throw e;
      }
    };

  router.get('/_emulator/clock', (_req, res) => {
    res.json(clockState(clock));
  });

  router.post(
    '/_emulator/clock/advance',
    jsonBody,
    guarded((req, res) => {
      const ms = numberField(input(req).ms);
      if (ms === undefined) throw new ClockError('advance needs "ms": a number of milliseconds >= 0');
      clock.advance(ms);
      res.json(clockState(clock));
    }),
  );

  router.post(
    '/_emulator/clock/set',
    jsonBody,
    guarded((req, res) => {
      const fields = input(req);
      let epochMs = numberField(fields.epochMs);
      if (epochMs === undefined && typeof fields.iso === 'string') {
        const parsed = Date.parse(fields.iso);
        if (!Number.isNaN(parsed)) epochMs = parsed;
      }
      if (epochMs === undefined) throw new ClockError('set needs "epochMs" (epoch milliseconds) or "iso" (an ISO 8601 time)');
      clock.set(epochMs);
      res.json(clockState(clock));
    }),
  );

  const faults = handles.faults;
  if (faults) {
    router.get('/_emulator/faults', (_req, res) => {
      res.json({ faults: faults.list() });
    });
    router.post(
      '/_emulator/faults',
      jsonBody,
      guarded((req, res) => {
        const body: unknown = req.body;
        const wrapped = body !== null && typeof body === 'object' && !Array.isArray(body) && Object.hasOwn(body, 'faults');
        const list: unknown = wrapped ? (body as { faults: unknown }).faults : body;
        const items = Array.isArray(list) ? list : [list];
        const prefix = wrapped ? 'faults' : Array.isArray(list) ? '' : 'fault';
        if (items.length === 0) throw new FaultRuleError(`${prefix || 'faults'}: no rules given`);
        // All or nothing: every rule is validated before any is added.
        const parsed = items.map((r, i) => faults.parse(r, prefix === 'fault' ? 'fault' : `${prefix}[${i}]`));
        res.status(201).json({ faults: faults.addParsed(parsed) });
      }),
    );
    router.delete('/_emulator/faults', (_req, res) => {
      const removed = faults.list().length;
      faults.clear();
      res.json({ removed });
    });
    router.delete('/_emulator/faults/:id', (req, res) => {
      const id = String(req.params.id);
      if (!faults.remove(id)) {
        res.status(404).json({ error: `no fault rule with id ${JSON.stringify(id)}` });
        return;
      }
      res.json({ removed: 1 });
    });
  }

  // Malformed JSON bodies on these routes: a plain 400 with a JSON error.
  router.use('/_emulator', ((err, _req, res, next) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e && (e.type === 'entity.parse.failed' || e.type === 'entity.too.large')) {
      res.status(e.status ?? 400).json({ error: `malformed request body: ${e.message ?? 'invalid JSON'}` });
      return;
    }
    if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ error: `bad request: ${e.message ?? ''}` });
      return;
    }
    next(err);
  }) as express.ErrorRequestHandler);

  return router;
}
