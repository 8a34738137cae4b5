import { errors } from './errors.js';
import type { Shape, StructShape } from './shapes.js';

/**
 * Checks a decoded request (from JSON, or unflattened from query parameters, where every
 * scalar is a string) against an action's input shape and coerces scalars: integers may
 * arrive as numbers or decimal strings, booleans as booleans or "true"/"false".
 * Maps become null-prototype records, so keys such as `__proto__` stay plain data.
 */
export function coerceInput(shape: StructShape, value: unknown): Record<string, unknown> {
  return coerceStruct(shape, value ?? {}, '');
}

function typeError(path: string, expected: string): Error {
  return errors.serialization(`Unexpected value for ${path || 'the request'}: expected ${expected}.`);
}

function coerceStruct(shape: StructShape, value: unknown, path: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw typeError(path, 'a structure');
  const input = value as Record<string, unknown>;
  const out: Record<string, unknown> = Object.create(null);
  for (const [name, member] of Object.entries(shape.members)) {
    const raw = Object.prototype.hasOwnProperty.call(input, name) ? input[name] : undefined;
    // An empty top-level parameter counts as missing (MessageBody=""); inside a structure such
    // as a batch entry it is a value for the action to judge (an empty Id is InvalidBatchEntryId, F108).
    if (raw === undefined || raw === null || (member.required && raw === '' && path === '')) {
      if (member.required) throw errors.missingParameter(name);
      continue;
    }
    out[name] = coerceValue(member.shape, raw, path ? `${path}.${name}` : name, name);
  }
  return out;
}

function coerceValue(shape: Shape, value: unknown, path: string, name: string): unknown {
  switch (shape.kind) {
    case 'string':
    case 'blob':
      if (typeof value !== 'string') throw typeError(path, 'a string');
      return value;
    case 'integer':
    case 'long': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : NaN;
      if (typeof value !== 'number' && typeof value !== 'string') throw typeError(path, 'a number');
      if (!Number.isSafeInteger(n)) throw errors.invalidParameterValueFor(name, value, 'Must be an integer.');
      return n;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw typeError(path, 'a boolean');
    case 'list': {
      if (!Array.isArray(value)) throw typeError(path, 'a list');
      return value.map((item, i) => coerceValue(shape.member, item, `${path}[${i}]`, name));
    }
    case 'map': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw typeError(path, 'a map');
      const out: Record<string, unknown> = Object.create(null);
      for (const key of Object.keys(value)) {
        out[key] = coerceValue(shape.value, (value as Record<string, unknown>)[key], `${path}.${key}`, name);
      }
      return out;
    }
    case 'struct':
      return coerceStruct(shape, value, path);
  }
}
