import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaults } from './api/limits.js';
import type { Clock } from './engine/clock.js';
import { Engine } from './engine/engine.js';
import type { Random } from './engine/random.js';
import type { AppSettings } from './http/app.js';
import { createFrontDoor } from './http/server.js';
import { parseAllowedHosts, parseCorsOrigins } from './http/browserGuard.js';
import { createLogger, type LogFormat, type Logger, type LogLevel } from './log.js';
import type { RequestHooks } from './http/dispatch.js';
import { VERSION } from './version.js';
import type { PersistenceMode } from './persistence/store.js';
import type { QueueConfig } from './config.js';
import { clockControl, makeClock, type EmulatorClock } from './toolkit/clock.js';
import { EventRecorder, waitFor, waitForLongPoll, type EventStream, type WaitForGroupOptions, type WaitForInvocationOptions, type WaitForLongPollOptions, type WaitForOptions } from './toolkit/spies.js';
import type { SpiedGroup, SpiedInvocation, SpiedMessage } from './engine/events.js';
import { FaultInjector, type FaultControl } from './faults/injector.js';
import type { FaultRuleInput } from './faults/rules.js';
import type { QueueUrlStrategy } from './api/queueUrl.js';
import { Metrics } from './http/metrics.js';
import type { AuthMode, Credential } from './auth/index.js';
import { EventSourceMappings } from './eventSources/registry.js';
import type { EventSourceMappingHandle } from './eventSources/views.js';
import type { EventSourceMappingInput, MappingSpec } from './eventSources/config.js';

export { ManualClock, SystemClock, type Clock } from './engine/clock.js';
export type { Random } from './engine/random.js';
export { VERSION } from './version.js';
export type { EmulatorClock } from './toolkit/clock.js';
export type { EventStream, WaitForGroupOptions, WaitForInvocationOptions, WaitForLongPollOptions, WaitForOptions } from './toolkit/spies.js';
export { EventSourceMappingError, type EventSourceMappingInput, type LambdaContext, type LambdaHandler, type TargetInput } from './eventSources/config.js';
export type { EventSourceMappingHandle, EventSourceMappingView, InvocationSummary } from './eventSources/views.js';
export type { SqsBatchResponse, SqsLambdaEvent, SqsRecord, SqsRecordAttributes, SqsRecordMessageAttribute } from './api/lambdaEvent.js';
export { WaitForTimeout } from './toolkit/spies.js';
export type { FaultControl, FaultRuleView } from './faults/injector.js';
export { FaultRuleError, type FaultErrorName, type FaultRuleInput } from './faults/rules.js';
export type {
  GroupEventType,
  GroupFigures,
  InvocationEventType,
  InvocationFigures,
  MessageEventType,
  NoisyReason,
  QueueIdentity,
  QuietReason,
  SpiedGroup,
  SpiedInvocation,
  SpiedAttribute,
  SpiedMessage,
  SqsEvent,
  SqsEventListener,
  SqsEventType,
} from './engine/events.js';
export type { QueueAddress, QueueInfo } from './engine/address.js';
export type { ChangeListener, ChangeRecord, ChangeTopic, StateRecord, TallyRecord } from './engine/changes.js';
export type {
  AttemptRecord,
  DeduplicationRecord,
  DeletedQueueRecord,
  EngineState,
  MessageLine,
  MessageRecord,
  MoveTaskRecord,
  MoveTaskStatus,
  QueueRecord,
  StoredMessage,
} from './engine/records.js';

export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. Default 9324. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Region used when a request is not SigV4-signed. Default us-east-1. */
  region?: string;
  /** Account id of the queues. Default 000000000000. */
  accountId?: string;
  /** Default `info` (one line per request), but `warn` when NODE_ENV is `test` (jest): quiet in tests. */
  logLevel?: LogLevel;
  /** `text` (default) or `json` (one JSON object per line). */
  logFormat?: LogFormat;
  /** Serve the web console at /console. Default true. */
  console?: boolean;
  /** AWS's 60-second rules: queue-name reuse after delete, one PurgeQueue per minute. */
  strict?: boolean;
  /**
   * Time: `'system'` (default), `'manual'` (moves only through `handle.clock.advance/set` or
   * `POST /_emulator/clock/advance`), or any Clock object (e.g. a ManualClock).
   */
  clock?: Clock | 'manual' | 'system';
  /** Start time of a `'manual'` clock, epoch ms. Default: the real time at start. */
  clockStart?: number;
  /**
   * How many recent message events `handle.events.history()` and `waitFor` keep. Default 1000;
   * 0 keeps none (and costs nothing when nobody subscribes).
   */
  eventHistory?: number;
  /** The 60 s queue-name reuse rule alone (default: `strict`). */
  strictQueueNameReuse?: boolean;
  /** The one-PurgeQueue-per-60-seconds rule alone (default: `strict`). */
  strictPurge?: boolean;
  /** Expire messages after MessageRetentionPeriod. Default true. */
  messageRetention?: boolean;
  /** Shape of the queue URLs handed out: `emulator` (default), or LocalStack's `standard`, `domain`, `path`, `off`. */
  queueUrlStrategy?: QueueUrlStrategy;
  /** Serve `GET /metrics` (Prometheus text format) and count for it. Default true. */
  metrics?: boolean;
  /** Fault-injection rules active from the start (see the README, "Fault injection"). Default none. */
  faults?: FaultRuleInput[];
  /** Randomness (ids, receipt handles). */
  random?: Random;
  logger?: Logger;
  /** Persist the state in this directory (restored before the port opens). Default: memory only. */
  dataDir?: string;
  /** `durable` (default): every success is fsynced before it is answered; `snapshot`: periodic snapshots only. */
  persistence?: PersistenceMode;
  /** Snapshot interval of the `snapshot` mode, ms. Default 5000. */
  snapshotIntervalMs?: number;
  /** Queues to create (or update) before the port opens. */
  queues?: QueueConfig[];
  /** `verify`: SigV4 signatures are checked against `credentials`, callers see their own account (README "Security"). Default `off`. */
  auth?: AuthMode;
  /** Access keys accepted by `auth: 'verify'`, each acting in its account. */
  credentials?: Credential[];
  /** Long polls that may wait at once; past it ReceiveMessage with a wait answers OverLimit. Default 10000. */
  maxLongPolls?: number;
  /**
   * Host names, besides loopback ones, that requests may address (DNS rebinding; README
   * "Security"). Default: any when listening on 0.0.0.0 or ::, else the listen address.
   */
  allowedHosts?: string[];
  /** Origins of browser apps allowed to call the emulator (CORS), `*` for any. Default none: cross-site browser requests are refused. */
  corsOrigins?: string[];
  /**
   * Lambda-style consumers started with the emulator (README "Running a Lambda consumer
   * locally"); their queues must exist (e.g. in `queues`). More with `handle.addEventSourceMapping`.
   */
  eventSourceMappings?: (EventSourceMappingInput | MappingSpec)[];
  /** A client must send its request headers within this time (slow clients). Default 60000 ms. */
  headersTimeoutMs?: number;
  /** ... and its whole request (headers and body) within this one. Default 120000 ms. */
  requestTimeoutMs?: number;
}

export interface RunningEmulator {
  /** `http://host:port`, the real port when 0 was asked. */
  readonly url: string;
  readonly port: number;
  /** The engine's facade (queues by address, views, the change stream). */
  readonly engine: Engine;
  /** The emulator's clock: `now()`, and `advance(ms)` / `set(epochMs)` when it is manual. */
  readonly clock: EmulatorClock;
  /** What happens to messages: sent, received, deleted, visibilityChanged, movedToDeadLetterQueue, expired, purged; fair queues: groupNoisy, groupQuiet. */
  readonly events: EventStream;
  /**
   * Resolves with the message of the first matching event (`event` default `'sent'`), from the
   * kept history or as it happens; rejects after `timeoutMs` (default 5000, real time) with
   * a message listing what was seen instead.
   */
  waitFor(options?: WaitForOptions): Promise<SpiedMessage>;
  /** Fair queues: resolves with the tenant of the first `groupNoisy` / `groupQuiet` event that matches. */
  waitFor(options: WaitForGroupOptions): Promise<SpiedGroup>;
  /** Resolves once `count` (default 1) long polls wait on the queue: advance a manual clock after it. */
  waitForLongPoll(options?: WaitForLongPollOptions): Promise<void>;
  /** Event-source mappings: resolves with the invocation of the first matching `invoked` / `succeeded` / `failed` event. */
  waitFor(options: WaitForInvocationOptions): Promise<SpiedInvocation>;
  /** Fault injection: add, list, remove and clear rules that make chosen requests fail or slow down. */
  readonly faults: FaultControl;
  /**
   * Starts a Lambda-style consumer of a queue (Lambda's CreateEventSourceMapping checks apply;
   * an invalid one throws EventSourceMappingError naming the setting). Returns its handle.
   */
  addEventSourceMapping(input: EventSourceMappingInput): EventSourceMappingHandle;
  /** The mappings running now. */
  eventSourceMappings(): EventSourceMappingHandle[];
  /** Answers waiting long polls empty, finishes requests under way, closes the port. */
  stop(): Promise<void>;
}

/** Starts the emulator in this process; resolves once the port is open. */
/**
 * Express and the console/developer endpoints load on their first request, not at start: an
 * SQS client's first answer does not need them (issue 19's start-up target).
 */
function lazyApp(settings: AppSettings): RequestListener {
  let app: Promise<RequestListener> | undefined;
  return (req, res) => {
    app ??= import('./http/app.js').then((m) => m.createApp(settings) as RequestListener);
    app.then(
      (listener) => listener(req, res),
      (e: unknown) => {
        settings.log?.error('Could not load the HTTP endpoints', e);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      },
    );
  };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? defaults.host;
  // Checked before anything is opened, and written as browsers send them
  // (`HTTP://Localhost:3000/` → `http://localhost:3000`), as the CLI's are.
  const browser = {
    listenHost: host,
    allowedHosts: options.allowedHosts && parseAllowedHosts(options.allowedHosts.join(','), 'allowedHosts'),
    corsOrigins: options.corsOrigins && parseCorsOrigins(options.corsOrigins.join(','), 'corsOrigins'),
  };
  const log =
    options.logger ?? createLogger(options.logLevel ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'), undefined, options.logFormat ?? 'text');
  const clock = makeClock(options.clock, options.clockStart);
  const engine = new Engine({
    clock,
    random: options.random,
    strict: options.strict,
    strictQueueNameReuse: options.strictQueueNameReuse,
    strictPurge: options.strictPurge,
    messageRetention: options.messageRetention,
    maxLongPolls: options.maxLongPolls,
  });
  if (options.auth === 'verify' && !options.credentials?.length) {
    throw new Error('auth verify needs at least one credential (--credentials AKID:SECRET:ACCOUNT or the config file key "credentials")');
  }
  const events = new EventRecorder(engine.changes, options.eventHistory ?? 1_000);
  // Persistence, the signature checks and the startup queues' actions load only when asked for.
  const auth = options.auth === 'verify' ? new (await import('./auth/index.js')).Authenticator(engine, options.credentials ?? []) : undefined;
  const clockHandle = clockControl(clock);
  /** Request hooks of the front door; the fault injector is in it only while it has rules. */
  const hooks: RequestHooks[] = [];
  const region = options.region ?? defaults.region;
  const accountId = options.accountId ?? defaults.accountId;
  const mappings = new EventSourceMappings(engine, region, accountId);
  const metrics = options.metrics === false ? undefined : new Metrics(engine, mappings);
  if (metrics) hooks.push(metrics.hook);
  const faults = new FaultInjector(hooks, log);
  if (metrics) faults.onInjection((i) => metrics.injection(i));
  if (options.faults?.length) faults.add(...options.faults);
  const store = options.dataDir
    ? await (await import('./persistence/store.js')).Store.open(options.dataDir, engine, {
        mode: options.persistence ?? 'durable',
        snapshotIntervalMs: options.snapshotIntervalMs ?? 5_000,
        log,
      })
    : undefined;
  if (options.queues?.length) {
    try {
      (await import('./startupQueues.js')).createStartupQueues(engine, options.region ?? defaults.region, options.accountId ?? defaults.accountId, options.queues);
      await store?.commit();
    } catch (e) {
      await store?.close();
      throw e;
    }
  }
  try {
    options.eventSourceMappings?.forEach((m, i) => mappings.add(m, `eventSourceMappings[${i}]`));
  } catch (e) {
    await mappings.stop();
    await store?.close();
    throw e;
  }
  const app = lazyApp({
    engine,
    region,
    accountId,
    version: VERSION,
    toolkit: { clock: clockHandle, faults },
    metrics,
    console: options.console ?? true,
    log,
    commit: store && (() => store.commit()),
    eventSources: mappings,
  });
  // The per-request log line is a hook, installed only when `info` lines are written: with a
  // quieter level the SQS path runs without it.
  if (log.enabled?.('info') !== false) hooks.push(requestLogHook(log));
  const door = createFrontDoor({ commit: store && (() => store.commit()), engine, region, accountId, log, hooks, queueUrlStrategy: options.queueUrlStrategy, auth, browser }, app);
  // Slow clients: Node checks these timeouts every connectionsCheckingInterval (30 s by default).
  const headersTimeout = options.headersTimeoutMs ?? 60_000;
  const server: Server = createServer({ keepAliveTimeout: 65_000, connectionsCheckingInterval: Math.min(1_000, headersTimeout) }, door.listener);
  server.headersTimeout = headersTimeout;
  server.requestTimeout = options.requestTimeoutMs ?? 120_000;
  await new Promise<void>((resolve, reject) => {
    const fail = (e: Error): void => {
      void mappings.stop();
      void store?.close();
      reject(e);
    };
    server.once('error', fail);
    server.listen(options.port ?? defaults.port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    engine,
    clock: clockHandle,
    events,
    waitFor: ((o?: WaitForOptions | WaitForGroupOptions | WaitForInvocationOptions) => waitFor(events, o as WaitForOptions)) as RunningEmulator['waitFor'],
    waitForLongPoll: (o) => waitForLongPoll(engine, o),
    faults,
    addEventSourceMapping: (input) => mappings.add(input),
    eventSourceMappings: () => [...mappings.list()],
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        // Answers written from now on (long polls answered empty, requests under way) close
        // their keep-alive connection, so that no idle connection holds the port open.
        door.closing = true;
        // Pollers stop first (their long polls end, invocations under way are abandoned).
        void mappings.stop();
        engine.stop();
        server.close(() => {
          void (store ? store.close() : Promise.resolve()).then(resolve, (e: unknown) => {
            log.error('Could not write the final snapshot', e);
            resolve();
          });
        });
        server.closeIdleConnections();
        // Connections still busy after a grace period are cut.
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
      });
      return stopping;
    },
  };
}

/** One line per SQS request: action, queue, status (and error code), duration, request id. */
function requestLogHook(log: Logger): RequestHooks {
  return {
    after(r) {
      const queue = r.queueUrl === undefined ? undefined : r.queueUrl.slice(r.queueUrl.lastIndexOf('/') + 1);
      log.info('request', {
        action: r.action,
        queue,
        status: r.status,
        error: r.errorCode,
        ms: Math.round(r.durationMs * 100) / 100,
        protocol: r.protocol,
        requestId: r.requestId,
      });
    },
  };
}
