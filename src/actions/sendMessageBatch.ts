import { batchFailure, errors, SqsError, type BatchResultErrorEntry } from '../api/errors.js';
import { limits } from '../api/limits.js';
import { FailedList, list, required, string, struct, wire } from '../api/shapes.js';
import { action } from './action.js';
import { checkBatchEntries } from './batch.js';
import { messageSize, prepareMessage, type MessageInput, type PreparedMessage } from './messageInput.js';
import { resolveQueue } from './resolve.js';
import { SendMessageRequestMembers, sendResult, SendResultMembers, type SendResult } from './sendMessage.js';

type Entry = MessageInput & { Id: string };

const ENTRY = 'SendMessageBatchRequestEntry';
const FIFO_ID_RULE = /MessageGroupId|MessageDeduplicationId|ContentBasedDeduplication/;

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
    const prepared: (PreparedMessage | SqsError)[] = input.Entries.map((entry) => {
      try {
        return prepareMessage(ctx, queue, entry, true);
      } catch (e) {
        if (!(e instanceof SqsError)) throw e;
        // On FIFO queues a missing group or deduplication id fails the whole request (F114, F115).
        if (queue.fifo && FIFO_ID_RULE.test(e.message)) {
          throw e.errorType.code === 'MissingParameter' ? errors.invalidParameterValue(e.message) : e;
        }
        return e;
      }
    });
    const Successful: (SendResult & { Id: string })[] = [];
    const Failed: BatchResultErrorEntry[] = [];
    input.Entries.forEach((entry, i) => {
      const p = prepared[i]!;
      if (p instanceof SqsError) {
        Failed.push(batchFailure(entry.Id, p));
      } else {
        const { data } = queue.send(p.data, p.delaySeconds);
        Successful.push(sendResult(p, data, { Id: entry.Id }));
      }
    });
    return { Successful, Failed };
  },
});
