import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';

import type { StoredAttributes } from '../api/shapes.js';

type OneShot = (algorithm: string, data: string | Buffer, encoding: 'hex') => string;
/** `crypto.hash` (Node 20.12+): one call, no Hash object — about half the cost of createHash for a short body. */
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

/** The hex digest of `data` (strings as UTF-8). */
export const digestHex: (algorithm: 'md5' | 'sha256', data: string | Buffer) => string = oneShot
  ? (algorithm, data) => oneShot(algorithm, data, 'hex')
  : (algorithm, data) => createHash(algorithm).update(data).digest('hex');

export function md5Hex(text: string): string {
  return digestHex('md5', text);
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
  return digestHex('md5', Buffer.concat(parts));
}
