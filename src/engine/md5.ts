import { createHash } from 'node:crypto';

import type { StoredAttributes } from '../api/shapes.js';

export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

function lengthPrefixed(parts: Buffer[], bytes: Buffer): void {
  const len = Buffer.allocUnsafe(4);
  len.writeUInt32BE(bytes.length, 0);
  parts.push(len, bytes);
}

/**
 * MD5OfMessageAttributes as the SDKs verify it: names sorted (UTF-16 order), each encoded as
 * length-prefixed name, length-prefixed DataType, a transport byte chosen by the value field
 * (1 string, 2 binary, 3 string list, 4 binary list), then the length-prefixed value(s).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation
 */
export function md5OfAttributes(attributes: StoredAttributes, names: readonly string[] = Object.keys(attributes)): string {
  const parts: Buffer[] = [];
  for (const name of [...names].sort()) {
    const value = attributes[name]!;
    lengthPrefixed(parts, Buffer.from(name, 'utf8'));
    lengthPrefixed(parts, Buffer.from(value.DataType, 'utf8'));
    if (value.StringValue !== undefined) {
      parts.push(Buffer.of(1));
      lengthPrefixed(parts, Buffer.from(value.StringValue, 'utf8'));
    } else if (value.BinaryValue !== undefined) {
      parts.push(Buffer.of(2));
      lengthPrefixed(parts, value.BinaryValue);
    } else if (value.StringListValues !== undefined) {
      parts.push(Buffer.of(3));
      for (const s of value.StringListValues) lengthPrefixed(parts, Buffer.from(s, 'utf8'));
    } else if (value.BinaryListValues !== undefined) {
      parts.push(Buffer.of(4));
      for (const b of value.BinaryListValues) lengthPrefixed(parts, b);
    }
  }
  return createHash('md5').update(Buffer.concat(parts)).digest('hex');
}
