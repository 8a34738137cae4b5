import { errors } from './errors.js';
import type { Member, Shape, StructShape } from './shapes.js';

/**
 * Checks a decoded request (from JSON, or unflattened from query parameters, where every
 * scalar is a string) against an action's input shape and coerces scalars: integers may
 * arrive as numbers or decimal strings, booleans as booleans or "true"/"false".
 * Maps become null-prototype records, so keys such as `__proto__` stay plain data.
 */
export function coerceInput(shape: StructShape, value: unknown): Record<string, unknown> {
  // The happy path checks without building a path or throwing, and normalises in place: a
  // structure or list is the decoded one (no copy per batch entry), a scalar that needed
  // coercing is replaced, a null member becomes undefined, and only maps are copied. Any
  // problem and the request is walked again by the checker below, which names the member.
  const fast = fastStruct(shape, value ?? {}, true);
  return fast !== FAIL ? fast : coerceStruct(shape, value ?? {}, '');
}

/** Returned by the fast path for anything the full check would refuse. */
const FAIL: unique symbol = Symbol('fail');
type Fail = typeof FAIL;

/** Each structure's members as a list, made once per shape. */
const memberLists = new WeakMap<StructShape, readonly (readonly [string, Member])[]>();

function membersOf(shape: StructShape): readonly (readonly [string, Member])[] {
  let members = memberLists.get(shape);
  if (members === undefined) {
    members = Object.entries(shape.members);
    memberLists.set(shape, members);
  }
  return members;
}

const hasOwn = Object.prototype.hasOwnProperty;
const INTEGER = /^\s*[+-]?\d+\s*$/;

/**
 * Structures are read by their members' names only (shapes name no member after anything on
 * Object.prototype), so a decoded structure can be handed on as it is: unknown members stay,
 * unread. Maps are the exception: their keys are the caller's, so they are copied without a
 * prototype.
 */
function fastStruct(shape: StructShape, value: unknown, top: boolean): Record<string, unknown> | Fail {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return FAIL;
  const input = value as Record<string, unknown>;
  const members = membersOf(shape);
  for (let i = 0; i < members.length; i++) {
    const [name, member] = members[i]!;
    const own = hasOwn.call(input, name);
    const raw = own ? input[name] : undefined;
    if (raw === undefined || raw === null || (member.required && raw === '' && top)) {
      if (member.required) return FAIL;
      if (raw === null) input[name] = undefined;
      continue;
    }
    const v = fastValue(member.shape, raw);
    if (v === FAIL) return FAIL;
    if (v !== raw) input[name] = v;
  }
  return input;
}

function fastValue(shape: Shape, value: unknown): unknown {
  switch (shape.kind) {
    case 'string':
    case 'blob':
      return typeof value === 'string' ? value : FAIL;
    case 'integer':
    case 'long': {
      if (typeof value === 'number') return Number.isSafeInteger(value) ? value : FAIL;
      const n = typeof value === 'string' && INTEGER.test(value) ? Number(value) : NaN;
      return Number.isSafeInteger(n) ? n : FAIL;
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : FAIL;
    case 'list': {
      if (!Array.isArray(value)) return FAIL;
      for (let i = 0; i < value.length; i++) {
        const v = fastValue(shape.member, value[i]);
        if (v === FAIL) return FAIL;
        if (v !== value[i]) value[i] = v;
      }
      return value;
    }
    case 'map': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return FAIL;
      const out: Record<string, unknown> = Object.create(null);
      for (const key of Object.keys(value)) {
        const v = fastValue(shape.value, (value as Record<string, unknown>)[key]);
        if (v === FAIL) return FAIL;
        out[key] = v;
      }
      return out;
    }
    case 'struct':
      return fastStruct(shape, value, false);
  }
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
      const n = typeof value === 'number' ? value : typeof value === 'string' && INTEGER.test(value) ? Number(value) : NaN;
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
