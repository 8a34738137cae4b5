import { createHash } from 'node:crypto';
import { errors, type SqsError } from '../api/errors.js';
import { limits } from '../api/limits.js';
import {
  hasInvalidCharacters,
  validateGroupOrDeduplicationId,
  validateMessageAttributes,
  validateSystemAttributes,
} from '../api/messages.js';
import type { MessageAttributeValueData } from '../api/shapes.js';
import { md5Hex, md5OfAttributes } from '../engine/md5.js';
import type { MessageData } from '../engine/message.js';
import type { Queue } from '../engine/queue.js';
import type { RequestContext } from './action.js';

/** The members SendMessage and a SendMessageBatch entry share. */
export interface MessageInput {
  MessageBody: string;
  DelaySeconds?: number;
  MessageAttributes?: Record<string, MessageAttributeValueData>;
  MessageSystemAttributes?: Record<string, MessageAttributeValueData>;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Bodies longer than this keep their MD5; shorter ones have it recomputed when received. */
const STORED_MD5_MIN_LENGTH = 1024;

export interface PreparedMessage {
  readonly data: MessageData;
  readonly md5OfBody: string;
  /** undefined = the queue's DelaySeconds. */
  readonly delaySeconds: number | undefined;
}

/** Body + attribute bytes, as SQS counts them against MaximumMessageSize (F73). */
export function messageSize(input: MessageInput): number {
  let size = Buffer.byteLength(input.MessageBody, 'utf8');
  for (const [name, value] of Object.entries(input.MessageAttributes ?? {})) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value?.DataType ?? '', 'utf8');
    if (typeof value?.StringValue === 'string') size += Buffer.byteLength(value.StringValue, 'utf8');
    if (typeof value?.BinaryValue === 'string') size += Math.floor((value.BinaryValue.replace(/=+$/, '').length * 3) / 4);
  }
  return size;
}

/**
 * Validates one message for `queue` and computes its digests. `batch` selects AWS's batch
 * wording where it differs from SendMessage (F112).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
export function prepareMessage(ctx: RequestContext, queue: Queue, input: MessageInput, batch: boolean): PreparedMessage {
  const body = input.MessageBody;
  if (body === undefined || body === '') throw errors.missingParameter('MessageBody');
  const delay = input.DelaySeconds;
  if (delay !== undefined && (delay < 0 || delay > limits.maxDelaySeconds)) {
    throw errors.invalidParameterValueFor('DelaySeconds', delay, `Must be >= 0 and <= ${limits.maxDelaySeconds}, if provided.`);
  }
  if (hasInvalidCharacters(body)) throw errors.invalidMessageContents();
  const attributes = validateMessageAttributes(input.MessageAttributes);
  const systemAttributes = validateSystemAttributes(input.MessageSystemAttributes);
  const max = queue.settings.maximumMessageSize;
  const size = Buffer.byteLength(body, 'utf8') + (attributes?.size ?? 0);
  if (size > max) {
    throw errors.invalidParameterValue(
      `One or more parameters ${batch ? 'cannot be validated' : 'are invalid'}. Reason: Message must be shorter than ${max} bytes.`,
    );
  }
  let groupId = input.MessageGroupId;
  let deduplicationId = input.MessageDeduplicationId;
  if (groupId !== undefined) validateGroupOrDeduplicationId('MessageGroupId', groupId);
  if (queue.fifo) {
    if (groupId === undefined) throw errors.missingParameter('MessageGroupId');
    if (delay !== undefined && delay !== 0) throw notForQueueType('DelaySeconds', delay);
    if (deduplicationId !== undefined) validateGroupOrDeduplicationId('MessageDeduplicationId', deduplicationId);
    else if (queue.settings.contentBasedDeduplication) deduplicationId = createHash('sha256').update(body, 'utf8').digest('hex');
    else {
      throw errors.invalidParameterValue(
        'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
      );
    }
  } else if (deduplicationId !== undefined) {
    throw notForQueueType('MessageDeduplicationId', deduplicationId);
  }
  const traceHeader = systemAttributes?.AWSTraceHeader?.StringValue ?? ctx.traceHeader;
  const md5OfBody = md5Hex(body);
  // Only the members a message has are set: most messages have none of the optional ones,
  // and every stored message pays for each property slot (issue 8's memory target).
  const data: Mutable<MessageData> = {
    id: ctx.engine.random.uuid(),
    body,
    sentTimestamp: ctx.engine.clock.now(),
    senderId: ctx.accessKeyId ?? ctx.accountId,
  };
  // A small body's MD5 is cheaper to recompute on receive than to keep (48 bytes a message).
  if (body.length > STORED_MD5_MIN_LENGTH) data.md5OfBody = md5OfBody;
  if (attributes) {
    data.attributes = attributes.attributes;
    data.md5OfMessageAttributes = md5OfAttributes(attributes.attributes);
  }
  if (traceHeader !== undefined) data.traceHeader = traceHeader;
  if (systemAttributes) data.md5OfMessageSystemAttributes = md5OfAttributes(systemAttributes);
  if (groupId !== undefined) data.groupId = groupId;
  if (deduplicationId !== undefined) data.deduplicationId = deduplicationId;
  return { data, md5OfBody, delaySeconds: queue.fifo ? undefined : delay };
}

function notForQueueType(parameter: string, value: unknown): SqsError {
  return errors.invalidParameterValueFor(parameter, value, 'The request include parameter that is not valid for this queue type.');
}
