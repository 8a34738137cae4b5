import {
  integer,
  MessageAttributeMap,
  MessageSystemAttributeMap,
  required,
  string,
  struct,
  wire,
} from '../api/shapes.js';
import { action, type RequestContext } from './action.js';
import type { MessageInput, SendOptions } from '../engine/messageBuilder.js';
import type { SendResult } from '../engine/messaging.js';
import { resolveQueue } from './resolve.js';

export type { SendResult };

export const SendMessageRequestMembers = {
  MessageBody: required(string),
  DelaySeconds: integer,
  MessageAttributes: wire(MessageAttributeMap, 'MessageAttribute'),
  MessageSystemAttributes: wire(MessageSystemAttributeMap, 'MessageSystemAttribute'),
  MessageDeduplicationId: string,
  MessageGroupId: string,
};

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
    return ctx.engine.sendMessage(queue, input, sendOptions(ctx, false));
  },
});

/** SenderId is the caller's access key id, else its account; AWSTraceHeader defaults to the X-Amzn-Trace-Id header. */
export function sendOptions(ctx: RequestContext, batch: boolean): SendOptions {
  return { batch, senderId: ctx.accessKeyId ?? ctx.accountId, traceHeader: ctx.traceHeader };
}
