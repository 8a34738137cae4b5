import { readFileSync } from 'node:fs';
import { SqsError } from '../api/errors.js';
import { validateQueueAttributes } from '../api/queueAttributes.js';
import { FaultRuleError, parseFaultRule, type FaultRuleInput } from '../faults/rules.js';
import { assign, ConfigError, OPTIONS, type OptionSpec, type TableOptions } from './options.js';

/** The config file: the options of the table by their `file` key, plus `queues` and `faults`. */

/** A queue in the config file. `deadLetterQueue` links to another queue of the file by name. */
export interface QueueConfig {
  name: string;
  attributes?: Record<string, string>;
  tags?: Record<string, string>;
  deadLetterQueue?: { name: string; maxReceiveCount: number };
}

/** What a config file may set. */
export interface FileOptions extends TableOptions {
  /** Queues to create (or update) at start-up. */
  queues?: QueueConfig[];
  /** Fault-injection rules (testing toolkit). */
  faults?: FaultRuleInput[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Reads a JSON config file into `options`. Unknown keys and bad values are refused with
 * their path, e.g. `queues[2].attributes.VisibilityTimeout: Invalid value for the parameter VisibilityTimeout.`
 */
export function loadConfigFile(path: string, options: FileOptions): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`config file ${path}: ${(e as Error).message}`);
  }
  if (!isObject(parsed)) throw new ConfigError(`config file ${path}: must be a JSON object`);
  options.config = path;
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'queues') {
      options.queues = parseQueues(path, value);
      continue;
    }
    if (key === 'faults') {
      options.faults = parseFaults(path, value);
      continue;
    }
    const spec = (OPTIONS as readonly OptionSpec[]).find((o) => o.file === key);
    if (!spec) throw new ConfigError(`config file ${path}: unknown key "${key}"`);
    const source = `config file ${path}: ${key}`;
    if (Array.isArray(value) && spec.parser.fromArray) {
      assign(options, spec, spec.parser.fromArray(value, source));
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new ConfigError(`config file ${path}: ${key} must be a string, number or boolean`);
    }
    assign(options, spec, spec.parser.parse(String(value), source));
  }
}

/** Fault rules, validated here so that a bad rule names its path: `faults[0].error: must be one of ...`. */
function parseFaults(path: string, value: unknown): FaultRuleInput[] {
  if (!Array.isArray(value)) throw new ConfigError(`config file ${path}: faults: must be a list`);
  const ids = new Set<string>();
  return value.map((raw: unknown, i) => {
    try {
      const rule = parseFaultRule(raw, `faults[${i}]`, () => `fault-${i + 1}`);
      if (ids.has(rule.id)) throw new FaultRuleError(`faults[${i}].id: duplicate id ${rule.id}`);
      ids.add(rule.id);
    } catch (e) {
      if (e instanceof FaultRuleError) throw new ConfigError(`config file ${path}: ${e.message}`);
      throw e;
    }
    return raw as FaultRuleInput;
  });
}

function parseQueues(path: string, value: unknown): QueueConfig[] {
  const fail = (where: string, message: string): never => {
    throw new ConfigError(`config file ${path}: ${where}: ${message}`);
  };
  if (!Array.isArray(value)) fail('queues', 'must be a list');
  const names = new Set<string>();
  const queues = (value as unknown[]).map((raw, i): QueueConfig => {
    const at = `queues[${i}]`;
    if (!isObject(raw)) return fail(at, 'must be an object');
    for (const key of Object.keys(raw)) {
      if (!['name', 'attributes', 'tags', 'deadLetterQueue'].includes(key)) fail(`${at}.${key}`, 'unknown key');
    }
    if (typeof raw.name !== 'string' || raw.name === '') fail(`${at}.name`, 'must be a non-empty string');
    const name = raw.name as string;
    if (names.has(name)) fail(`${at}.name`, `duplicate queue name ${name}`);
    names.add(name);
    const attributes: Record<string, string> = Object.create(null);
    if (raw.attributes !== undefined) {
      if (!isObject(raw.attributes)) fail(`${at}.attributes`, 'must be an object');
      for (const [k, v] of Object.entries(raw.attributes as Record<string, unknown>)) {
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') fail(`${at}.attributes.${k}`, 'must be a string, number or boolean');
        attributes[k] = String(v);
        try {
          validateQueueAttributes({ [k]: String(v) }, { fifo: name.endsWith('.fifo'), creating: true });
        } catch (e) {
          if (e instanceof SqsError) fail(`${at}.attributes.${k}`, e.message);
          throw e;
        }
      }
    }
    const tags: Record<string, string> = Object.create(null);
    if (raw.tags !== undefined) {
      if (!isObject(raw.tags)) fail(`${at}.tags`, 'must be an object');
      for (const [k, v] of Object.entries(raw.tags as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`${at}.tags.${k}`, 'must be a string');
        tags[k] = v as string;
      }
    }
    let deadLetterQueue: QueueConfig['deadLetterQueue'];
    if (raw.deadLetterQueue !== undefined) {
      const d = raw.deadLetterQueue;
      if (!isObject(d) || typeof d.name !== 'string') return fail(`${at}.deadLetterQueue`, 'must be { "name": string, "maxReceiveCount": 1..1000 }');
      const count = d.maxReceiveCount;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000) {
        fail(`${at}.deadLetterQueue.maxReceiveCount`, 'must be 1..1000');
      }
      deadLetterQueue = { name: d.name, maxReceiveCount: count as number };
    }
    return { name, attributes, tags, deadLetterQueue };
  });
  queues.forEach((q, i) => {
    if (q.deadLetterQueue && !names.has(q.deadLetterQueue.name)) {
      fail(`queues[${i}].deadLetterQueue.name`, `no queue named ${q.deadLetterQueue.name} in this file`);
    }
  });
  return queues;
}
