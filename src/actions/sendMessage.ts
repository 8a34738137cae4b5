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
import { prepareMessage, type MessageInput } from './messageInput.js';
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
    return sendResult({ ...prepared.data, md5OfBody: prepared.md5OfBody, id: data.id, sequenceNumber: data.sequenceNumber });
  },
});

export function sendResult(data: {
  id: string;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  md5OfMessageSystemAttributes?: string;
  sequenceNumber?: string;
}): SendResult {
  const out: SendResult = { MD5OfMessageBody: data.md5OfBody, MessageId: data.id };
  if (data.md5OfMessageAttributes) out.MD5OfMessageAttributes = data.md5OfMessageAttributes;
  if (data.md5OfMessageSystemAttributes) out.MD5OfMessageSystemAttributes = data.md5OfMessageSystemAttributes;
  if (data.sequenceNumber) out.SequenceNumber = data.sequenceNumber;
  return out;
}
