import { batchFailure, errors, type BatchResultErrorEntry } from '../api/errors.js';
import { limits } from '../api/limits.js';
import { FailedList, list, required, string, struct, wire } from '../api/shapes.js';
import { action } from './action.js';
import { checkBatchEntries } from './batch.js';
import type { MessageInput } from '../engine/messageBuilder.js';
import { resolveQueue } from './resolve.js';
import { SendMessageRequestMembers, sendOptions, SendResultMembers, type SendResult } from './sendMessage.js';

type Entry = MessageInput & { Id: string };

const ENTRY = 'SendMessageBatchRequestEntry';

/** Body + attribute bytes, as SQS counts them against the batch's 1 MiB (F73, F110). */
function messageSize(input: MessageInput): number {
  let size = Buffer.byteLength(input.MessageBody, 'utf8');
  if (input.MessageAttributes === undefined) return size;
  for (const [name, value] of Object.entries(input.MessageAttributes)) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value?.DataType ?? '', 'utf8');
    if (typeof value?.StringValue === 'string') size += Buffer.byteLength(value.StringValue, 'utf8');
    if (typeof value?.BinaryValue === 'string') size += Math.floor((value.BinaryValue.replace(/=+$/, '').length * 3) / 4);
  }
  return size;
}

/**
 * SendMessageBatch: whole-request errors for the batch as a whole (count, ids, total size
 * over 1 MiB whatever the queue's MaximumMessageSize, F110); per-entry failures as data (F112, F113).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
 */
export const sendMessageBatch = action<
  { QueueUrl: string; Entries: Entry[] },
  { Successful: (SendResult & { Id: string })[]; Failed: BatchResultErrorEntry[] }
>({
  name: 'SendMessageBatch',
  input: struct({
    QueueUrl: required(string),
    Entries: required(wire(list(struct({ Id: required(string), ...SendMessageRequestMembers }), ENTRY), ENTRY)),
  }),
  output: struct({
    Successful: wire(list(struct({ Id: string, ...SendResultMembers }), 'SendMessageBatchResultEntry'), 'SendMessageBatchResultEntry'),
    Failed: wire(FailedList, 'BatchResultErrorEntry'),
  }),
  handler(ctx, input) {
    const queue = resolveQueue(ctx, input.QueueUrl);
    checkBatchEntries(input.Entries, ENTRY);
    const total = input.Entries.reduce((sum, e) => sum + messageSize(e), 0);
    if (total > limits.maxBatchPayload) throw errors.batchRequestTooLong(limits.maxBatchPayload, total);
    const outcome = ctx.engine.sendMessages(queue, input.Entries, sendOptions(ctx, true));
    return { Successful: outcome.successful as (SendResult & { Id: string })[], Failed: outcome.failed.map((f) => batchFailure(f.Id, f.error)) };
  },
});
