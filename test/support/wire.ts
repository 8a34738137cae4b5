import { createHash } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { RunningEmulator } from '../../src/index.js';
import { rawJson, rawQuery, type RawResponse } from './clients.js';

/**
 * Wire-level helpers for the message tests: one JSON-shaped input sent raw over either
 * protocol, error checks on the SDK and on the wire, and an independent MD5 of message
 * attributes written from sqs-wire-spec.md §8.4 (not imported from src/).
 */

export type ProtocolName = 'json' | 'query';

export type Input = Record<string, unknown>;

/** Query wire names of SQS list members (sqs-wire-spec.md §3.2). */
const LIST_ITEMS: Record<string, string> = {
  AttributeNames: 'AttributeName',
  MessageSystemAttributeNames: 'AttributeName',
  MessageAttributeNames: 'MessageAttributeName',
  TagKeys: 'TagKey',
};

/** Attribute-value maps and their query entry names. */
const VALUE_MAPS: Record<string, string> = {
  MessageAttributes: 'MessageAttribute',
  MessageSystemAttributes: 'MessageSystemAttribute',
};

const base64 = (v: unknown): string => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : String(v));

function flattenInto(out: Record<string, string>, prefix: string, input: Input, entryName: string): void {
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (name in LIST_ITEMS) {
      const item = LIST_ITEMS[name]!;
      const items = value as unknown[];
      if (items.length === 0) out[`${prefix}${item}`] = '';
      items.forEach((v, i) => (out[`${prefix}${item}.${i + 1}`] = String(v)));
    } else if (name in VALUE_MAPS) {
      Object.entries(value as Record<string, Record<string, unknown>>).forEach(([key, v], i) => {
        const p = `${prefix}${VALUE_MAPS[name]}.${i + 1}`;
        out[`${p}.Name`] = key;
        for (const [field, fv] of Object.entries(v)) {
          if (fv !== undefined) out[`${p}.Value.${field}`] = field === 'BinaryValue' ? base64(fv) : String(fv);
        }
      });
    } else if (name === 'Attributes' || name === 'Tags' || name === 'tags') {
      const [entry, key] = name === 'Attributes' ? ['Attribute', 'Name'] : ['Tag', 'Key'];
      Object.entries(value as Record<string, string>).forEach(([k, v], i) => {
        out[`${prefix}${entry}.${i + 1}.${key}`] = k;
        out[`${prefix}${entry}.${i + 1}.Value`] = v;
      });
    } else if (name === 'Entries') {
      const entries = value as Input[];
      if (entries.length === 0) out[`${prefix}${entryName}`] = '';
      entries.forEach((e, i) => flattenInto(out, `${prefix}${entryName}.${i + 1}.`, e, entryName));
    } else {
      out[`${prefix}${name}`] = String(value);
    }
  }
}

/** The query parameters an SDK would send for `input` (without Action/Version). */
export function toQueryParams(action: string, input: Input): Record<string, string> {
  const out: Record<string, string> = {};
  flattenInto(out, '', input, `${action}RequestEntry`);
  return out;
}

/** Uint8Array binaries become base64, as the JSON protocol carries them. */
function toJsonBody(input: unknown): unknown {
  if (input instanceof Uint8Array) return Buffer.from(input).toString('base64');
  if (Array.isArray(input)) return input.map(toJsonBody);
  if (input && typeof input === 'object') {
    return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, toJsonBody(v)]));
  }
  return input;
}

/** Sends one action raw over `protocol`. */
export function raw(
  protocol: ProtocolName,
  url: string,
  action: string,
  input: Input,
  headers?: Record<string, string>,
): Promise<RawResponse> {
  return protocol === 'json'
    ? rawJson(url, action, toJsonBody(input), { headers })
    : rawQuery(url, { Action: action, Version: '2012-11-05', ...toQueryParams(action, input) }, { headers });
}

/** The `<Action>Result` element of a query response, or the JSON body. */
export function result(protocol: ProtocolName, action: string, res: RawResponse): any {
  if (protocol === 'json') return res.body;
  return res.body?.[`${action}Response`]?.[`${action}Result`];
}

/** XML flattened lists parse as one object or an array: always an array. */
export function items<T = any>(value: T | T[] | undefined): T[] {
  return value === undefined || (value as unknown) === '' ? [] : Array.isArray(value) ? value : [value];
}

export interface ExpectedError {
  /** What the SDK reports as `name` (the modelled class, else the legacy code). */
  name: string;
  /** Legacy query code: XML `Code` and the code half of `x-amzn-query-error`. */
  code: string;
  status: number;
  /** JSON `__type` after the `#`; its namespace is checked too. */
  shape?: string;
  /** Exact message; omitted where AWS's text is not recorded. */
  message?: string;
  /** Query message where it differs from the JSON one. */
  queryMessage?: string;
}

const CORAL_SHAPES = new Set(['InvalidParameterValueException', 'MissingRequiredParameterException']);

/** Checks a raw error response: status, codes, fault, message, both envelopes. */
export function expectWireError(protocol: ProtocolName, res: RawResponse, exp: ExpectedError): void {
  const got: Record<string, unknown> = { status: res.status };
  const want: Record<string, unknown> = { status: exp.status };
  if (protocol === 'json') {
    got.queryError = res.headers.get('x-amzn-query-error');
    want.queryError = `${exp.code};Sender`;
    got.contentType = res.headers.get('content-type');
    want.contentType = 'application/x-amz-json-1.0';
    if (exp.shape) {
      got.type = res.body?.__type;
      want.type = `${CORAL_SHAPES.has(exp.shape) ? 'com.amazon.coral.service' : 'com.amazonaws.sqs'}#${exp.shape}`;
    }
    if (exp.message !== undefined) {
      got.message = res.body?.message;
      want.message = exp.message;
    }
  } else {
    const error = res.body?.ErrorResponse?.Error;
    got.code = error?.Code;
    want.code = exp.code;
    got.type = error?.Type;
    want.type = 'Sender';
    got.detail = error?.Detail;
    want.detail = '';
    const message = exp.queryMessage ?? exp.message;
    if (message !== undefined) {
      got.message = error?.Message;
      want.message = message;
    }
  }
  expect(got).toEqual(want);
}

/** The shape an SDK error should match. */
export function sdkError(exp: ExpectedError, protocol: ProtocolName): Record<string, unknown> {
  const message = protocol === 'query' ? (exp.queryMessage ?? exp.message) : exp.message;
  return {
    name: exp.name,
    $metadata: expect.objectContaining({ httpStatusCode: exp.status }),
    ...(message !== undefined ? { message } : {}),
  };
}

type CommandClass = (new (input: any) => any) & { name: string };

export interface Target {
  protocol: ProtocolName;
  sqs: SQSClient;
  url: string;
}

/**
 * The same failing call through the SDK and raw on the wire, both checked: the SDK's name,
 * message and status; the wire's status, code, fault, `__type` and message.
 */
export async function expectError(t: Target, Command: CommandClass, input: Input, exp: ExpectedError): Promise<void> {
  await expect(t.sqs.send(new Command(input))).rejects.toMatchObject(sdkError(exp, t.protocol));
  const action = Command.name.replace(/Command$/, '');
  expectWireError(t.protocol, await raw(t.protocol, t.url, action, input), exp);
}

/** Only the wire check, for inputs an SDK cannot express (absent members and the like). */
export async function expectRawError(t: Target, action: string, input: Input, exp: ExpectedError): Promise<void> {
  expectWireError(t.protocol, await raw(t.protocol, t.url, action, input), exp);
}

export function md5Hex(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

export interface AttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

/** MD5OfMessageAttributes per sqs-wire-spec.md §8.4, independent of the emulator's code. */
export function md5OfAttributes(attributes: Record<string, AttributeValue>): string {
  const parts: Buffer[] = [];
  const prefixed = (bytes: Buffer): void => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    parts.push(len, bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const v = attributes[name]!;
    prefixed(Buffer.from(name, 'utf8'));
    prefixed(Buffer.from(v.DataType, 'utf8'));
    if (v.StringValue !== undefined) {
      parts.push(Buffer.of(1));
      prefixed(Buffer.from(v.StringValue, 'utf8'));
    } else {
      parts.push(Buffer.of(2));
      prefixed(Buffer.from(v.BinaryValue!));
    }
  }
  return md5Hex(Buffer.concat(parts));
}

/**
 * Resolves once `count` long polls are waiting on the queue: with a ManualClock a test must
 * not advance time before the receive it is about to wake has arrived. This synchronises
 * only; it asserts nothing about time.
 */
export async function waitingReceives(server: RunningEmulator, queueUrl: string, count = 1): Promise<void> {
  const name = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
  const address = { region: 'us-east-1', accountId: '000000000000', name };
  for (let i = 0; i < 2000; i++) {
    const queue = server.engine.describeQueue(address);
    if (queue && server.engine.stats(queue).waitingReceives >= count) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`no ${count} waiting receive(s) on ${name}`);
}
