import { isActionName } from '../actions/registry.js';
import { errors, type SqsError } from '../api/errors.js';

/**
 * Fault rules: which SQS requests fail or slow down on purpose, and how often. One parser
 * validates rules from every source (config file, programmatic API, developer endpoint),
 * naming the offending path: `faults[1].probability: must be a number in (0, 1]`.
 */

/** The AWS errors a rule can answer with, each exactly as SQS sends it (src/api/errors.ts). */
export const FAULT_ERRORS: Readonly<Record<string, (message?: string) => SqsError>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, (message?: string) => SqsError>, {
    RequestThrottled: (m?: string) => errors.requestThrottled(m),
    OverLimit: (m?: string) => errors.overLimit(m ?? 'The specified action violates a limit.'),
    KmsThrottled: (m?: string) => errors.kmsThrottled(m),
    InternalError: (m?: string) => errors.internalError(m),
    ServiceUnavailable: (m?: string) => errors.serviceUnavailable(m),
  }),
);

export type FaultErrorName = 'RequestThrottled' | 'OverLimit' | 'KmsThrottled' | 'InternalError' | 'ServiceUnavailable';

/** A rule as written in the config file, passed to `faults.add()` or POSTed to /_emulator/faults. */
export interface FaultRuleInput {
  /** Names the rule (for DELETE /_emulator/faults/<id>); generated when absent. */
  id?: string;
  /** SQS action name(s), e.g. "SendMessage"; absent or "*" = every action. */
  action?: string | readonly string[];
  /** Queue-name pattern (`*` any run, `?` one character), matched against the request's QueueUrl. */
  queue?: string;
  /** Only requests in this protocol. */
  protocol?: 'json' | 'query';
  /** Answer with this AWS error. */
  error?: FaultErrorName;
  /** Replaces the error's default message. */
  message?: string;
  /** Wait this many real milliseconds before handling (or failing) the request. */
  latencyMs?: number;
  /** Close the connection without an answer. */
  dropConnection?: boolean;
  /** Only the next N matching requests (default: every one). */
  times?: number;
  /** Fire with this probability (0 < p <= 1) on each matching request... */
  probability?: number;
  /** ...drawn from a generator seeded with this integer (default 1): the same run injects the same way. */
  seed?: number;
}

/** A validated rule. */
export interface FaultRule {
  readonly id: string;
  readonly actions?: ReadonlySet<string>;
  readonly queue?: string;
  readonly queuePattern?: RegExp;
  readonly protocol?: 'json' | 'query';
  readonly error?: FaultErrorName;
  readonly message?: string;
  readonly latencyMs?: number;
  readonly dropConnection?: boolean;
  readonly times?: number;
  readonly probability?: number;
  readonly seed?: number;
}

export class FaultRuleError extends Error {}

const KEYS = new Set(['id', 'action', 'queue', 'protocol', 'error', 'message', 'latencyMs', 'dropConnection', 'times', 'probability', 'seed']);
const MAX_LATENCY_MS = 120_000;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `orders-*` → /^orders-.*$/ ; other characters are literal. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const c of glob) {
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else source += c.replace(/[\\^$.|+()[\]{}/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Validates one rule; `at` is its path in error messages (`faults[0]`). */
export function parseFaultRule(raw: unknown, at: string, id: () => string): FaultRule {
  const fail = (where: string, message: string): never => {
    throw new FaultRuleError(`${where}: ${message}`);
  };
  if (!isObject(raw)) return fail(at, 'must be an object');
  for (const key of Object.keys(raw)) if (!KEYS.has(key)) fail(`${at}.${key}`, `unknown key (known: ${[...KEYS].join(', ')})`);
  const rule: { -readonly [K in keyof FaultRule]: FaultRule[K] } = { id: '' };
  if (raw.id !== undefined) {
    if (typeof raw.id !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(raw.id)) fail(`${at}.id`, 'must be 1-64 letters, digits, ".", "_" or "-"');
    rule.id = raw.id as string;
  } else rule.id = id();
  if (raw.action !== undefined) {
    const list = typeof raw.action === 'string' ? [raw.action] : raw.action;
    if (!Array.isArray(list) || list.length === 0) fail(`${at}.action`, 'must be an action name or a non-empty list of them');
    const actions = new Set<string>();
    (list as unknown[]).forEach((a, i) => {
      const where = typeof raw.action === 'string' ? `${at}.action` : `${at}.action[${i}]`;
      if (typeof a !== 'string') return fail(where, 'must be a string');
      if (a === '*') return;
      if (!isActionName(a)) fail(where, `unknown SQS action "${a}"`);
      actions.add(a);
    });
    if (actions.size > 0 && !(list as unknown[]).includes('*')) rule.actions = actions;
  }
  if (raw.queue !== undefined) {
    if (typeof raw.queue !== 'string' || raw.queue === '' || raw.queue.length > 256) fail(`${at}.queue`, 'must be a queue-name pattern such as "orders-*"');
    rule.queue = raw.queue as string;
    if (rule.queue !== '*') rule.queuePattern = globToRegExp(rule.queue);
  }
  if (raw.protocol !== undefined) {
    if (raw.protocol !== 'json' && raw.protocol !== 'query') fail(`${at}.protocol`, 'must be "json" or "query"');
    rule.protocol = raw.protocol as 'json' | 'query';
  }
  if (raw.error !== undefined) {
    if (typeof raw.error !== 'string' || !(raw.error in FAULT_ERRORS)) fail(`${at}.error`, `must be one of ${Object.keys(FAULT_ERRORS).join(', ')}`);
    rule.error = raw.error as FaultErrorName;
  }
  if (raw.message !== undefined) {
    if (typeof raw.message !== 'string' || raw.message.length > 1024) fail(`${at}.message`, 'must be a string of at most 1024 characters');
    if (raw.error === undefined) fail(`${at}.message`, 'only goes with "error"');
    rule.message = raw.message as string;
  }
  if (raw.latencyMs !== undefined) {
    const v = raw.latencyMs;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_LATENCY_MS) fail(`${at}.latencyMs`, `must be an integer 0..${MAX_LATENCY_MS}`);
    rule.latencyMs = v as number;
  }
  if (raw.dropConnection !== undefined) {
    if (typeof raw.dropConnection !== 'boolean') fail(`${at}.dropConnection`, 'must be true or false');
    if (raw.dropConnection && rule.error) fail(`${at}.dropConnection`, 'cannot go with "error": a dropped connection has no answer');
    if (raw.dropConnection) rule.dropConnection = true;
  }
  if (!rule.error && !rule.dropConnection && rule.latencyMs === undefined) {
    fail(at, 'needs an effect: "error", "latencyMs" or "dropConnection"');
  }
  if (raw.times !== undefined) {
    const v = raw.times;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(`${at}.times`, 'must be a positive integer');
    rule.times = v as number;
  }
  if (raw.probability !== undefined) {
    const v = raw.probability;
    if (typeof v !== 'number' || !(v > 0 && v <= 1)) fail(`${at}.probability`, 'must be a number in (0, 1]');
    rule.probability = v as number;
  }
  if (raw.seed !== undefined) {
    const v = raw.seed;
    if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > 2 ** 32) fail(`${at}.seed`, 'must be an integer');
    if (raw.probability === undefined) fail(`${at}.seed`, 'only goes with "probability"');
    rule.seed = v as number;
  }
  return rule;
}

/** mulberry32: a small, fast, seeded generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
