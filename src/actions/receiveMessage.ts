import { errors } from '../api/errors.js';
import { limits } from '../api/limits.js';
import {
  AttributeNameList,
  integer,
  list,
  map,
  MessageAttributeMap,
  required,
  string,
  struct,
  wire,
  type MessageAttributeValueData,
} from '../api/shapes.js';
import { md5OfAttributes } from '../engine/md5.js';
import { md5OfBody } from '../engine/message.js';
import type { ReceivedMessage } from '../engine/receipts.js';
import { action } from './action.js';
import { resolveQueue } from './resolve.js';

interface Input {
  QueueUrl: string;
  AttributeNames?: string[];
  MessageSystemAttributeNames?: string[];
  MessageAttributeNames?: string[];
  MaxNumberOfMessages?: number;
  VisibilityTimeout?: number;
  WaitTimeSeconds?: number;
  ReceiveRequestAttemptId?: string;
}

interface OutputMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes?: Record<string, string>;
  MD5OfMessageAttributes?: string;
  MessageAttributes?: Record<string, MessageAttributeValueData>;
}

const MessageShape = struct({
  MessageId: string,
  ReceiptHandle: string,
  MD5OfBody: string,
  Body: string,
  Attributes: wire(map(string, 'Attribute', 'Name', 'Value'), 'Attribute'),
  MD5OfMessageAttributes: string,
  MessageAttributes: wire(MessageAttributeMap, 'MessageAttribute'),
});

function checkRange(parameter: string, value: number | undefined, min: number, max: number, between: boolean): void {
  if (value === undefined || (value >= min && value <= max)) return;
  throw errors.invalidParameterValueFor(
    parameter,
    value,
    between ? `Must be between ${min} and ${max}, if provided.` : `Must be >= ${min} and <= ${max}, if provided.`,
  );
}

/** Which system attributes to return: `All` or names; names that do not apply are ignored (F92-F95). */
function systemAttributes(message: ReceivedMessage, fifo: boolean, names: ReadonlySet<string>): Record<string, string> | undefined {
  if (names.size === 0) return undefined;
  const all = names.has('All');
  const want = (name: string): boolean => all || names.has(name);
  const d = message.data;
  const out: Record<string, string> = Object.create(null);
  if (want('SenderId')) out.SenderId = d.senderId;
  if (want('SentTimestamp')) out.SentTimestamp = String(d.sentTimestamp);
  if (want('ApproximateReceiveCount')) out.ApproximateReceiveCount = String(message.receiveCount);
  if (want('ApproximateFirstReceiveTimestamp')) out.ApproximateFirstReceiveTimestamp = String(message.firstReceiveTimestamp);
  if (want('AWSTraceHeader') && d.traceHeader !== undefined) out.AWSTraceHeader = d.traceHeader;
  if (want('MessageGroupId') && d.groupId !== undefined) out.MessageGroupId = d.groupId;
  if (fifo) {
    if (want('MessageDeduplicationId') && d.deduplicationId !== undefined) out.MessageDeduplicationId = d.deduplicationId;
    if (want('SequenceNumber') && d.sequenceNumber !== undefined) out.SequenceNumber = d.sequenceNumber;
  }
  if (want('DeadLetterQueueSourceArn') && d.deadLetterQueueSourceArn !== undefined) {
    out.DeadLetterQueueSourceArn = d.deadLetterQueueSourceArn;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `All`, `*` and `.*` select every attribute, `prefix.*` a prefix, anything else an exact name (F90, F91). */
function attributeFilter(names: readonly string[]): (name: string) => boolean {
  if (names.some((n) => n === 'All' || n === '.*' || n === '*')) return () => true;
  const exact = new Set(names.filter((n) => !n.endsWith('.*')));
  const prefixes = names.filter((n) => n.endsWith('.*') && n.length > 2).map((n) => n.slice(0, -2));
  return (name) => exact.has(name) || prefixes.some((p) => name.startsWith(p));
}

function render(received: ReceivedMessage, fifo: boolean, systemNames: ReadonlySet<string>, filter: ((name: string) => boolean) | undefined): OutputMessage {
  const d = received.data;
  const out: OutputMessage = { MessageId: d.id, ReceiptHandle: received.receiptHandle, MD5OfBody: md5OfBody(d), Body: d.body };
  const attributes = systemAttributes(received, fifo, systemNames);
  if (attributes) out.Attributes = attributes;
  if (filter && d.attributes) {
    const names = Object.keys(d.attributes).filter(filter);
    if (names.length > 0) {
      // Digest over the attributes actually returned (F90).
      out.MD5OfMessageAttributes =
        names.length === Object.keys(d.attributes).length ? d.md5OfMessageAttributes : md5OfAttributes(d.attributes, names);
      const selected: Record<string, MessageAttributeValueData> = Object.create(null);
      for (const name of names) {
        const v = d.attributes[name]!;
        selected[name] =
          v.BinaryValue !== undefined
            ? { DataType: v.DataType, BinaryValue: v.BinaryValue.toString('base64') }
            : { StringValue: v.StringValue!, DataType: v.DataType };
      }
      out.MessageAttributes = selected;
    }
  }
  return out;
}

/**
 * ReceiveMessage with long polling: answers as soon as a message is visible, else after
 * WaitTimeSeconds (or the queue's ReceiveMessageWaitTimeSeconds).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
 */
export const receiveMessage = action<Input, { Messages?: OutputMessage[] }>({
  name: 'ReceiveMessage',
  input: struct({
    QueueUrl: required(string),
    AttributeNames: wire(AttributeNameList, 'AttributeName'),
    MessageSystemAttributeNames: wire(list(string, 'AttributeName'), 'AttributeName'),
    MessageAttributeNames: wire(list(string, 'MessageAttributeName'), 'MessageAttributeName'),
    MaxNumberOfMessages: integer,
    VisibilityTimeout: integer,
    WaitTimeSeconds: integer,
    ReceiveRequestAttemptId: string,
  }),
  output: struct({ Messages: wire(list(MessageShape, 'Message'), 'Message') }),
  async handler(ctx, input) {
    const queue = resolveQueue(ctx, input.QueueUrl);
    checkRange('MaxNumberOfMessages', input.MaxNumberOfMessages, 1, limits.maxReceiveMessages, true);
    checkRange('WaitTimeSeconds', input.WaitTimeSeconds, 0, limits.maxWaitTimeSeconds, false);
    checkRange('VisibilityTimeout', input.VisibilityTimeout, 0, limits.maxVisibilityTimeout, false);
    const systemNames = new Set([...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])]);
    const filter = input.MessageAttributeNames?.length ? attributeFilter(input.MessageAttributeNames) : undefined;
    if (input.ReceiveRequestAttemptId !== undefined && !/^[\x21-\x7E]{1,128}$/.test(input.ReceiveRequestAttemptId)) {
      throw errors.invalidParameterValueFor(
        'ReceiveRequestAttemptId',
        input.ReceiveRequestAttemptId,
        'ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.',
      );
    }
    const result = await ctx.engine.receiveMessages(
      queue,
      {
        maxNumberOfMessages: input.MaxNumberOfMessages ?? 1,
        visibilityTimeout: input.VisibilityTimeout,
        receiveRequestAttemptId: input.ReceiveRequestAttemptId,
        waitTimeSeconds: input.WaitTimeSeconds,
      },
      () => ctx.signal,
    );
    const received = result.messages;
    if (received.length === 0) return {};
    // Written to a connection that turns out dead: back at once, unless received again since.
    ctx.onUndelivered?.(() => result.giveBack());
    return { Messages: received.map((r) => render(r, queue.fifo, systemNames, filter)) };
  },
});
