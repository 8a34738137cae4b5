import { describe, expect, it } from '@jest/globals';

import { coerceInput } from '../../src/api/coerce.js';
import { SqsError } from '../../src/api/errors.js';
import { sendMessageBatch } from '../../src/actions/sendMessageBatch.js';
import { createQueue } from '../../src/actions/createQueue.js';

const batchShape = sendMessageBatch.input;

function thrown(fn: () => unknown): SqsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SqsError) return e;
    throw e;
  }
  throw new Error('expected an SqsError');
}

describe('coerceInput', () => {
  it('hands on a well-typed decoded structure without copying it', () => {
    const decoded = JSON.parse('{"QueueUrl":"u","Entries":[{"Id":"a","MessageBody":"b"}]}') as Record<string, unknown>;
    const input = coerceInput(batchShape, decoded);
    expect(input).toBe(decoded);
    expect(input.Entries).toBe(decoded.Entries);
  });

  it('replaces scalars that need coercing, as query parameters arrive, and a null member by undefined', () => {
    const decoded = { QueueUrl: 'u', Entries: [{ Id: 'a', MessageBody: 'b', DelaySeconds: ' 7 ', MessageGroupId: null }] };
    const input = coerceInput(batchShape, decoded) as { Entries: Record<string, unknown>[] };
    expect(input.Entries[0]!.DelaySeconds).toBe(7);
    expect(input.Entries[0]!.MessageGroupId).toBeUndefined();
  });

  it('copies maps without a prototype, so a key such as __proto__ is plain data', () => {
    const decoded = JSON.parse('{"QueueName":"q","Attributes":{"__proto__":"x","constructor":"y"}}') as Record<string, unknown>;
    const input = coerceInput(createQueue.input, decoded) as { Attributes: Record<string, string> };
    expect(Object.getPrototypeOf(input.Attributes)).toBeNull();
    expect(Object.keys(input.Attributes)).toEqual(['__proto__', 'constructor']);
    expect(input.Attributes['__proto__']).toBe('x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('reads no member through a decoded "__proto__": JSON makes it an own member, never the prototype', () => {
    const decoded = JSON.parse('{"QueueUrl":"u","Entries":[{"Id":"a","MessageBody":"b","__proto__":{"DelaySeconds":900,"MessageGroupId":"g"}}]}') as Record<string, unknown>;
    const input = coerceInput(batchShape, decoded) as { Entries: Record<string, unknown>[] };
    const entry = input.Entries[0]!;
    expect(Object.getPrototypeOf(entry)).toBe(Object.prototype);
    expect(entry.DelaySeconds).toBeUndefined();
    expect(entry.MessageGroupId).toBeUndefined();
  });

  it('ignores members the shape does not name', () => {
    const input = coerceInput(batchShape, { QueueUrl: 'u', Entries: [{ Id: 'a', MessageBody: 'b', Extra: 1 }], Other: true });
    expect((input as { QueueUrl: string }).QueueUrl).toBe('u');
  });

  it('names the offending member after the fast path has already normalised part of the request', () => {
    const decoded = { QueueUrl: 'u', Entries: [{ Id: 'a', MessageBody: 'b', DelaySeconds: '5' }, { Id: 'c', MessageBody: 7 }] };
    const e = thrown(() => coerceInput(batchShape, decoded));
    expect(e.errorType.code).toBe('SerializationException');
    expect(e.message).toBe('Unexpected value for Entries[1].MessageBody: expected a string.');
  });

  it('refuses a missing required member, and an empty one at the top', () => {
    expect(thrown(() => coerceInput(batchShape, { Entries: [] })).message).toBe('The request must contain the parameter QueueUrl.');
    expect(thrown(() => coerceInput(batchShape, { QueueUrl: '', Entries: [] })).message).toBe('The request must contain the parameter QueueUrl.');
  });

  it('refuses an integer that is not a safe integer', () => {
    const e = thrown(() => coerceInput(batchShape, { QueueUrl: 'u', Entries: [{ Id: 'a', MessageBody: 'b', DelaySeconds: 1.5 }] }));
    expect(e.errorType.code).toBe('InvalidParameterValue');
  });
});
