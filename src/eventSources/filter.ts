import type { SqsRecord } from '../api/lambdaEvent.js';

/**
 * Lambda's event-filter patterns (FilterCriteria), applied to each record before a batch is
 * built: a record matching any pattern is delivered; the others are deleted from the queue,
 * as Lambda deletes them. A pattern is JSON: keys mirror the record's (`body`, `attributes`,
 * `messageAttributes`...), leaves are lists of values or of comparisons (prefix, suffix,
 * equals-ignore-case, anything-but, numeric, exists, wildcard), `$or` lists alternatives.
 * `body` is read as JSON when the pattern gives it keys; a body that is not a JSON object
 * then never matches, and a plain-text body matches only plain values.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const ABSENT = Symbol('absent');
type Value = Json | typeof ABSENT;

const isObject = (v: unknown): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);
const COMPARISONS = ['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'numeric', 'exists', 'wildcard'];

/** Why a pattern is refused (Lambda answers InvalidParameterValueException), or undefined. */
export function checkFilterPattern(text: string): string | undefined {
  let pattern: unknown;
  try {
    pattern = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (!isObject(pattern)) return 'must be a JSON object';
  return checkObject(pattern, '');
}

function checkObject(pattern: Record<string, Json>, path: string): string | undefined {
  for (const [key, value] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) return `${at}: must be a list of at least 2 patterns`;
      for (const alt of value) {
        const problem = checkObject(alt as Record<string, Json>, path);
        if (problem) return problem;
      }
    } else if (isObject(value)) {
      const problem = checkObject(value, at);
      if (problem) return problem;
    } else if (Array.isArray(value)) {
      for (const m of value) {
        if (isObject(m)) {
          const names = Object.keys(m);
          if (names.length !== 1 || !COMPARISONS.includes(names[0]!)) return `${at}: unknown comparison ${JSON.stringify(m)} (one of ${COMPARISONS.join(', ')})`;
          if (names[0] === 'numeric') {
            const n = m.numeric;
            if (!Array.isArray(n) || n.length === 0 || n.length % 2 !== 0 || !n.every((x, i) => (i % 2 === 0 ? ['=', '<', '<=', '>', '>='].includes(x as string) : typeof x === 'number'))) {
              return `${at}: numeric must be [operator, number, ...]`;
            }
          }
        } else if (Array.isArray(m)) return `${at}: nested lists are not allowed`;
      }
    } else return `${at}: must be a list of values or an object`;
  }
  return undefined;
}

/** A compiled filter set: `matches(record)` is true when any pattern matches (always, with none). */
export class RecordFilter {
  private readonly patterns: Record<string, Json>[];

  constructor(patterns: readonly string[]) {
    this.patterns = patterns.map((p) => JSON.parse(p) as Record<string, Json>);
  }

  get empty(): boolean {
    return this.patterns.length === 0;
  }

  matches(record: SqsRecord): boolean {
    if (this.patterns.length === 0) return true;
    let parsedBody: Value | undefined;
    const view = (pattern: Record<string, Json>): Record<string, Value> => {
      const out: Record<string, Value> = { ...(record as unknown as Record<string, Json>) };
      if (isObject(pattern.body)) {
        if (parsedBody === undefined) {
          try {
            const b = JSON.parse(record.body) as Json;
            parsedBody = isObject(b) ? b : ABSENT;
          } catch {
            parsedBody = ABSENT;
          }
        }
        out.body = parsedBody;
      } else if (Array.isArray(pattern.body)) {
        // A plain-value pattern on body matches plain-text bodies only.
        try {
          const b = JSON.parse(record.body) as Json;
          if (isObject(b) || Array.isArray(b)) out.body = ABSENT;
        } catch {
          // not JSON: compared as text
        }
      }
      return out;
    };
    return this.patterns.some((p) => matchObject(p, view(p)));
  }
}

function matchObject(pattern: Record<string, Json>, value: Value | Record<string, Value>): boolean {
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(sub as Record<string, Json>[]).some((alt) => matchObject(alt, value))) return false;
      continue;
    }
    const field: Value = value !== ABSENT && isObject(value) && Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, Value>)[key]! : ABSENT;
    if (isObject(sub)) {
      if (!isObject(field) || !matchObject(sub, field)) return false;
    } else if (!matchLeaf(sub as Json[], field)) return false;
  }
  return true;
}

/** A list of matchers against a value (or, when the value is a list, any of its elements). */
function matchLeaf(matchers: Json[], field: Value): boolean {
  for (const m of matchers) {
    if (isObject(m) && 'exists' in m) {
      if ((field !== ABSENT) === m.exists) return true;
      continue;
    }
    if (field === ABSENT) continue;
    const values: Json[] = Array.isArray(field) ? field : [field];
    if (values.some((v) => matchOne(m, v))) return true;
  }
  return false;
}

function matchOne(m: Json, v: Json): boolean {
  if (!isObject(m)) return typeof m === 'number' && typeof v === 'number' ? m === v : m === v;
  const [op, arg] = Object.entries(m)[0]!;
  switch (op) {
    case 'prefix':
      return typeof v === 'string' && typeof arg === 'string' && v.startsWith(arg);
    case 'suffix':
      return typeof v === 'string' && typeof arg === 'string' && v.endsWith(arg);
    case 'equals-ignore-case':
      return typeof v === 'string' && typeof arg === 'string' && v.toLowerCase() === arg.toLowerCase();
    case 'wildcard':
      return typeof v === 'string' && typeof arg === 'string' && new RegExp(`^${arg.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's').test(v);
    case 'anything-but': {
      if (isObject(arg)) return !matchOne(arg, v);
      const list = Array.isArray(arg) ? arg : [arg];
      return !list.some((x) => x === v);
    }
    case 'numeric': {
      if (typeof v !== 'number') return false;
      const n = arg as (string | number)[];
      for (let i = 0; i < n.length; i += 2) {
        const x = n[i + 1] as number;
        const ok = { '=': v === x, '<': v < x, '<=': v <= x, '>': v > x, '>=': v >= x }[n[i] as string];
        if (!ok) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
