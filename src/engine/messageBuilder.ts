import { errors, type SqsError } from '../api/errors.js';
import { limits } from '../api/limits.js';
import { hasInvalidCharacters, validateGroupOrDeduplicationId, validateMessageAttributes, validateSystemAttributes } from '../api/messages.js';
import type { MessageAttributeValueData } from '../api/shapes.js';
import { digestHex, md5Hex, md5OfAttributes } from './md5.js';
import type { MessageData } from './message.js';
import type { Random } from './random.js';

/**
 * Building a message to store: the checks SendMessage makes against the queue (body,
 * DelaySeconds, attributes, size vs MaximumMessageSize, the FIFO rules on MessageGroupId,
 * MessageDeduplicationId and ContentBasedDeduplication), then MessageId, SentTimestamp,
 * SenderId, AWSTraceHeader and the MD5 digests.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */

/** The members SendMessage and a SendMessageBatch entry share. */
export interface MessageInput {
  MessageBody: string;
  DelaySeconds?: number;
  MessageAttributes?: Record<string, MessageAttributeValueData>;
  MessageSystemAttributes?: Record<string, MessageAttributeValueData>;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}

/** Who sends, and how the request came. */
export interface SendOptions {
  /** SendMessageBatch: AWS's batch wording where it differs (F112), FIFO id rules fail the whole request (F114, F115). */
  readonly batch: boolean;
  /** The SenderId system attribute: the caller's access key id, else its account. */
  readonly senderId: string;
  /** The `X-Amzn-Trace-Id` request header (AWSTraceHeader unless the message sets one). */
  readonly traceHeader?: string;
}

/** What building needs of the queue and the engine. */
export interface BuildTarget {
  readonly fifo: boolean;
  readonly maximumMessageSize: number;
  readonly contentBasedDeduplication: boolean;
  readonly now: number;
  readonly random: Random;
}

export interface PreparedMessage {
  readonly data: MessageData;
  readonly md5OfBody: string;
  /** undefined = the queue's DelaySeconds. */
  readonly delaySeconds: number | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Bodies longer than this keep their MD5; shorter ones have it recomputed when received. */
const STORED_MD5_MIN_LENGTH = 1024;

/** Validates one message for the queue and computes its digests. */
export function buildMessage(target: BuildTarget, input: MessageInput, options: SendOptions): PreparedMessage {
  const body = input.MessageBody;
  if (body === undefined || body === '') throw errors.missingParameter('MessageBody');
  const delay = input.DelaySeconds;
  if (delay !== undefined && (delay < 0 || delay > limits.maxDelaySeconds)) {
    throw errors.invalidParameterValueFor('DelaySeconds', delay, `Must be >= 0 and <= ${limits.maxDelaySeconds}, if provided.`);
  }
  if (hasInvalidCharacters(body)) throw errors.invalidMessageContents();
  const attributes = validateMessageAttributes(input.MessageAttributes);
  const systemAttributes = validateSystemAttributes(input.MessageSystemAttributes);
  const max = target.maximumMessageSize;
  const size = Buffer.byteLength(body, 'utf8') + (attributes?.size ?? 0);
  if (size > max) {
    throw errors.invalidParameterValue(
      `One or more parameters ${options.batch ? 'cannot be validated' : 'are invalid'}. Reason: Message must be shorter than ${max} bytes.`,
    );
  }
  const groupId = input.MessageGroupId;
  let deduplicationId = input.MessageDeduplicationId;
  if (groupId !== undefined) validateGroupOrDeduplicationId('MessageGroupId', groupId);
  if (target.fifo) {
    if (groupId === undefined) throw errors.missingParameter('MessageGroupId');
    if (delay !== undefined && delay !== 0) throw notForQueueType('DelaySeconds', delay);
    if (deduplicationId !== undefined) validateGroupOrDeduplicationId('MessageDeduplicationId', deduplicationId);
    else if (target.contentBasedDeduplication) deduplicationId = digestHex('sha256', body);
    else {
      throw errors.invalidParameterValue(
        'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
      );
    }
  } else if (deduplicationId !== undefined) {
    throw notForQueueType('MessageDeduplicationId', deduplicationId);
  }
  const traceHeader = systemAttributes?.AWSTraceHeader?.StringValue ?? options.traceHeader;
  const md5OfBody = md5Hex(body);
  // Only the members a message has are set: most messages have none of the optional ones,
  // and every stored message pays for each property slot (issue 8's memory target).
  const data: Mutable<MessageData> = { id: target.random.uuid(), body, sentTimestamp: target.now, senderId: options.senderId };
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
  return { data, md5OfBody, delaySeconds: target.fifo ? undefined : delay };
}

const FIFO_ID_RULE = /MessageGroupId|MessageDeduplicationId|ContentBasedDeduplication/;

/** On FIFO queues a batch entry missing its group or deduplication id fails the whole request (F114, F115). */
export function batchWideError(fifo: boolean, e: SqsError): SqsError | undefined {
  if (!fifo || !FIFO_ID_RULE.test(e.message)) return undefined;
  return e.errorType.code === 'MissingParameter' ? errors.invalidParameterValue(e.message) : e;
}

function notForQueueType(parameter: string, value: unknown): SqsError {
  return errors.invalidParameterValueFor(parameter, value, 'The request include parameter that is not valid for this queue type.');
}
