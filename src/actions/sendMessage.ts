import {
  integer,
  MessageAttributeMap,
  MessageSystemAttributeMap,
  required,
  string,
  struct,
  wire,
} from '../api/shapes.js';
import { action } from './action.js';
import type { MessageData } from '../engine/message.js';
import { prepareMessage, type MessageInput, type PreparedMessage } from './messageInput.js';
import { resolveQueue } from './resolve.js';

export const SendMessageRequestMembers = {
  MessageBody: required(string),
  DelaySeconds: integer,
  MessageAttributes: wire(MessageAttributeMap, 'MessageAttribute'),
  MessageSystemAttributes: wire(MessageSystemAttributeMap, 'MessageSystemAttribute'),
  MessageDeduplicationId: string,
  MessageGroupId: string,
};

export interface SendResult {
  MD5OfMessageBody: string;
  MD5OfMessageAttributes?: string;
  MD5OfMessageSystemAttributes?: string;
  MessageId: string;
  SequenceNumber?: string;
}

export const SendResultMembers = {
  MD5OfMessageBody: string,
  MD5OfMessageAttributes: string,
  MD5OfMessageSystemAttributes: string,
  MessageId: string,
  SequenceNumber: string,
};

/**
 * SendMessage. The response has MD5OfMessageAttributes / MD5OfMessageSystemAttributes only
 * when those were sent, and SequenceNumber only on FIFO queues (F78, F89).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
export const sendMessage = action<MessageInput & { QueueUrl: string }, SendResult>({
  name: 'SendMessage',
  input: struct({ QueueUrl: required(string), ...SendMessageRequestMembers }),
  output: struct(SendResultMembers),
  handler(ctx, input) {
    const queue = resolveQueue(ctx, input.QueueUrl);
    const prepared = prepareMessage(ctx, queue, input, false);
    const { data } = queue.send(prepared.data, prepared.delaySeconds);
    return sendResult(prepared, data);
  },
});

/**
 * The answer to one sent message: `prepared` is what was validated and digested, `stored` what
 * the queue kept (on a FIFO duplicate, the original's id and sequence number). Built member by
 * member: this runs for every message of every batch.
 */
export function sendResult<T extends object = object>(prepared: PreparedMessage, stored: MessageData, head?: T): SendResult & T {
  const out = (head ?? {}) as SendResult & T;
  out.MD5OfMessageBody = prepared.md5OfBody;
  const d = prepared.data;
  if (d.md5OfMessageAttributes) out.MD5OfMessageAttributes = d.md5OfMessageAttributes;
  if (d.md5OfMessageSystemAttributes) out.MD5OfMessageSystemAttributes = d.md5OfMessageSystemAttributes;
  out.MessageId = stored.id;
  if (stored.sequenceNumber) out.SequenceNumber = stored.sequenceNumber;
  return out;
}
