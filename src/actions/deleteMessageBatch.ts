import { batchFailure, type BatchResultErrorEntry } from '../api/errors.js';
import { FailedList, list, required, string, struct, wire } from '../api/shapes.js';
import { action } from './action.js';
import { checkBatchEntries } from './batch.js';
import { resolveQueue } from './resolve.js';

const ENTRY = 'DeleteMessageBatchRequestEntry';
const RESULT = 'DeleteMessageBatchResultEntry';

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessageBatch.html */
export const deleteMessageBatch = action<
  { QueueUrl: string; Entries: { Id: string; ReceiptHandle: string }[] },
  { Successful: { Id: string }[]; Failed: BatchResultErrorEntry[] }
>({
  name: 'DeleteMessageBatch',
  input: struct({
    QueueUrl: required(string),
    Entries: required(wire(list(struct({ Id: required(string), ReceiptHandle: required(string) }), ENTRY), ENTRY)),
  }),
  output: struct({
    Successful: wire(list(struct({ Id: string }), RESULT), RESULT),
    Failed: wire(FailedList, 'BatchResultErrorEntry'),
  }),
  handler(ctx, input) {
    const queue = resolveQueue(ctx, input.QueueUrl);
    checkBatchEntries(input.Entries, ENTRY);
    const outcome = ctx.engine.deleteMessages(queue, input.Entries);
    return { Successful: outcome.successful, Failed: outcome.failed.map((f) => batchFailure(f.Id, f.error)) };
  },
});
