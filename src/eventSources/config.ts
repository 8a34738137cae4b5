import type { SqsLambdaEvent } from '../api/lambdaEvent.js';
import { checkFilterPattern } from './filter.js';

/**
 * An event-source mapping as the emulator takes it (programmatic API, config file, CLI flag),
 * checked as Lambda's CreateEventSourceMapping checks it.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
 */

export class EventSourceMappingError extends Error {}

/** Lambda's invocation context, as `@types/aws-lambda`'s Context types it. */
export interface LambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  getRemainingTimeInMillis(): number;
  done(error?: Error, result?: unknown): void;
  fail(error: Error | string): void;
  succeed(messageOrObject: unknown): void;
  succeed(message: string, object: unknown): void;
}

/** A Node.js Lambda handler: async (returns the response), or calling `callback(error, response)`. */
export type LambdaHandler = (event: SqsLambdaEvent, context: LambdaContext, callback: (error?: Error | string | null, result?: unknown) => void) => unknown;

/** Where batches go: an HTTP URL (POST), a command (event on stdin), or a function in this process. */
export type TargetInput = { url: string } | { command: string; args?: string[] } | { handler: LambdaHandler };

export interface EventSourceMappingInput {
  /** The source queue: its name (default region and account), URL or ARN; one of the three. */
  queueName?: string;
  queueUrl?: string;
  queueArn?: string;
  target: TargetInput;
  /** Shown in the console, the context and the events. Default: `<queue>-consumer`. */
  functionName?: string;
  /** 1-10,000 (FIFO queues: 1-10); above 10 needs a batching window of at least 1 s. Default 10. */
  batchSize?: number;
  /** 0-300 s; not on FIFO queues. Default 0. */
  maximumBatchingWindowInSeconds?: number;
  /** `['ReportBatchItemFailures']`: the response's batchItemFailures are read. Default none. */
  functionResponseTypes?: string[];
  /** Concurrent batches: 2-1,000. Default 5 (Lambda's starting point). */
  scalingConfig?: { maximumConcurrency?: number };
  /** Lambda's filter criteria: up to 5 patterns (JSON text); a record matching any is delivered, the others are deleted. */
  filterCriteria?: { filters: { pattern: string }[] };
  /** Default true. */
  enabled?: boolean;
  /** Seconds a batch may take before it counts as failed: 1-900 (Lambda's function Timeout). Default 3, Lambda's default. */
  functionTimeout?: number;
}

/** A mapping once checked: every setting filled in, the source not yet resolved. */
export interface MappingSpec {
  readonly source: { readonly kind: 'name' | 'url' | 'arn'; readonly value: string };
  readonly target: TargetInput;
  readonly functionName?: string;
  readonly batchSize: number;
  readonly maximumBatchingWindowInSeconds: number;
  readonly reportBatchItemFailures: boolean;
  readonly maximumConcurrency: number;
  readonly filters: readonly string[];
  readonly enabled: boolean;
  readonly functionTimeout: number;
}

export const DEFAULTS = { batchSize: 10, maximumBatchingWindowInSeconds: 0, maximumConcurrency: 5, functionTimeout: 3 } as const;

const KEYS = [
  'queueName',
  'queueUrl',
  'queueArn',
  'target',
  'functionName',
  'batchSize',
  'maximumBatchingWindowInSeconds',
  'functionResponseTypes',
  'scalingConfig',
  'filterCriteria',
  'enabled',
  'functionTimeout',
];

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Checks a mapping; errors name the key under `where` (`eventSourceMappings[0].batchSize: ...`).
 * FIFO rules are checked by the queue name's `.fifo` suffix; the queue itself when it is added.
 */
export function checkMapping(raw: unknown, where: string): MappingSpec {
  const fail = (key: string, message: string): never => {
    throw new EventSourceMappingError(`${where}${key ? `.${key}` : ''}: ${message}`);
  };
  if (!isObject(raw)) return fail('', 'must be an object');
  for (const key of Object.keys(raw)) if (!KEYS.includes(key)) fail(key, `unknown key (one of ${KEYS.join(', ')})`);
  const sources = (['queueName', 'queueUrl', 'queueArn'] as const).filter((k) => raw[k] !== undefined);
  if (sources.length !== 1) fail('queueName', 'give exactly one of queueName, queueUrl, queueArn');
  const sourceKey = sources[0]!;
  const sourceValue = raw[sourceKey];
  if (typeof sourceValue !== 'string' || sourceValue === '') return fail(sourceKey, 'must be a non-empty string');
  const source = { kind: sourceKey === 'queueName' ? 'name' : sourceKey === 'queueUrl' ? 'url' : 'arn', value: sourceValue } as const;
  const fifo = sourceValue.endsWith('.fifo');

  const target = checkTarget(raw.target, fail);
  if (raw.functionName !== undefined && (typeof raw.functionName !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(raw.functionName))) {
    fail('functionName', 'must be 1-64 letters, digits, hyphens or underscores');
  }
  const int = (key: string, value: unknown, min: number, max: number, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(key, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
    return value as number;
  };
  const batchSize = int('batchSize', raw.batchSize, 1, fifo ? 10 : 10_000, DEFAULTS.batchSize);
  const window = int('maximumBatchingWindowInSeconds', raw.maximumBatchingWindowInSeconds, 0, 300, DEFAULTS.maximumBatchingWindowInSeconds);
  // Lambda: "Batching window is not supported for FIFO queues"; a batch above 10 needs a window.
  if (fifo && window > 0) fail('maximumBatchingWindowInSeconds', 'batching window is not supported for FIFO queues');
  if (batchSize > 10 && window < 1) fail('maximumBatchingWindowInSeconds', `must be at least 1 when batchSize is greater than 10 (batchSize ${batchSize})`);

  let reportBatchItemFailures = false;
  if (raw.functionResponseTypes !== undefined) {
    const types = raw.functionResponseTypes;
    if (!Array.isArray(types) || types.some((t) => t !== 'ReportBatchItemFailures')) fail('functionResponseTypes', 'must be [] or ["ReportBatchItemFailures"]');
    reportBatchItemFailures = (types as unknown[]).length > 0;
  }
  let maximumConcurrency: number = DEFAULTS.maximumConcurrency;
  if (raw.scalingConfig !== undefined) {
    if (!isObject(raw.scalingConfig)) fail('scalingConfig', 'must be { "maximumConcurrency": 2..1000 }');
    const sc = raw.scalingConfig as Record<string, unknown>;
    for (const key of Object.keys(sc)) if (key !== 'maximumConcurrency') fail(`scalingConfig.${key}`, 'unknown key');
    maximumConcurrency = int('scalingConfig.maximumConcurrency', sc.maximumConcurrency, 2, 1000, DEFAULTS.maximumConcurrency);
  }
  const filters: string[] = [];
  if (raw.filterCriteria !== undefined) {
    const fc = raw.filterCriteria;
    if (!isObject(fc) || !Array.isArray(fc.filters)) return fail('filterCriteria', 'must be { "filters": [{ "pattern": "..." }] }');
    if (fc.filters.length > 5) fail('filterCriteria.filters', 'at most 5 filters');
    (fc.filters as unknown[]).forEach((f, i) => {
      const at = `filterCriteria.filters[${i}].pattern`;
      if (!isObject(f) || typeof f.pattern !== 'string') return fail(`filterCriteria.filters[${i}]`, 'must be { "pattern": "<JSON text>" }');
      const problem = checkFilterPattern(f.pattern);
      if (problem) fail(at, problem);
      filters.push(f.pattern);
    });
  }
  if (raw.enabled !== undefined && typeof raw.enabled !== 'boolean') fail('enabled', 'must be true or false');
  const functionTimeout = int('functionTimeout', raw.functionTimeout, 1, 900, DEFAULTS.functionTimeout);
  return {
    source,
    target,
    ...(raw.functionName !== undefined ? { functionName: raw.functionName as string } : {}),
    batchSize,
    maximumBatchingWindowInSeconds: window,
    reportBatchItemFailures,
    maximumConcurrency,
    filters,
    enabled: raw.enabled !== false,
    functionTimeout,
  };
}

function checkTarget(raw: unknown, fail: (key: string, message: string) => never): TargetInput {
  const shape = 'must be { "url": "http://..." }, { "command": "...", "args": [...] } or, in-process, { "handler": fn }';
  if (!isObject(raw)) return fail('target', shape);
  const keys = Object.keys(raw);
  if (keys.length === 1 && typeof raw.url === 'string') {
    let url: URL;
    try {
      url = new URL(raw.url);
    } catch {
      return fail('target.url', `not a URL: ${JSON.stringify(raw.url)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('target.url', 'must be http: or https:');
    return { url: raw.url };
  }
  if (typeof raw.command === 'string' && keys.every((k) => k === 'command' || k === 'args')) {
    if (raw.command === '') fail('target.command', 'must not be empty');
    if (raw.args !== undefined && (!Array.isArray(raw.args) || raw.args.some((a) => typeof a !== 'string'))) fail('target.args', 'must be a list of strings');
    return { command: raw.command, args: (raw.args as string[] | undefined) ?? [] };
  }
  if (keys.length === 1 && typeof raw.handler === 'function') return { handler: raw.handler as LambdaHandler };
  return fail('target', shape);
}

/**
 * The command-line form of a mapping: `queue=orders,url=http://127.0.0.1:3000/,batchSize=5`
 * (keys: queue, url, command, arg (repeatable, in order), functionName, batchSize,
 * maximumBatchingWindowInSeconds, functionResponseTypes, maximumConcurrency, functionTimeout,
 * enabled, filter (a pattern; repeatable)), or the JSON object of the config file. A value
 * with commas (a filter pattern) needs the JSON form.
 */
export function parseMappingText(raw: string, where: string): MappingSpec {
  const text = raw.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new EventSourceMappingError(`${where}: not valid JSON (${(e as Error).message})`);
    }
    return checkMapping(parsed, where);
  }
  const out: Record<string, unknown> = {};
  const target: Record<string, unknown> = {};
  const args: string[] = [];
  const filters: { pattern: string }[] = [];
  const number = (key: string, v: string): number | string => (/^-?\d+$/.test(v) ? Number(v) : v);
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 1) throw new EventSourceMappingError(`${where}: expected key=value pairs separated by commas, got ${JSON.stringify(part)}`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    switch (key) {
      case 'queue':
        out[value.startsWith('arn:') ? 'queueArn' : value.includes('/') ? 'queueUrl' : 'queueName'] = value;
        break;
      case 'url':
      case 'command':
        target[key] = value;
        break;
      case 'arg':
        args.push(value);
        break;
      case 'filter':
        filters.push({ pattern: value });
        break;
      case 'maximumConcurrency':
        out.scalingConfig = { maximumConcurrency: number(key, value) };
        break;
      case 'functionResponseTypes':
        out.functionResponseTypes = value === '' ? [] : value.split('|');
        break;
      case 'enabled':
        out.enabled = value === 'true' ? true : value === 'false' ? false : value;
        break;
      case 'functionName':
        out.functionName = value;
        break;
      case 'batchSize':
      case 'maximumBatchingWindowInSeconds':
      case 'functionTimeout':
        out[key] = number(key, value);
        break;
      default:
        throw new EventSourceMappingError(
          `${where}: unknown key ${JSON.stringify(key)} (queue, url, command, arg, functionName, batchSize, maximumBatchingWindowInSeconds, functionResponseTypes, maximumConcurrency, functionTimeout, enabled, filter)`,
        );
    }
  }
  if (args.length > 0) target.args = args;
  if (filters.length > 0) out.filterCriteria = { filters };
  out.target = target;
  const spec = checkMapping(out, where);
  return spec;
}
