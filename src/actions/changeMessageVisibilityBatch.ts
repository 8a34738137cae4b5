import { batchFailure, type BatchResultErrorEntry } from '../api/errors.js';
import { FailedList, integer, list, required, string, struct, wire } from '../api/shapes.js';
import { action } from './action.js';
import { checkBatchEntries } from './batch.js';
import { resolveQueue } from './resolve.js';

const ENTRY = 'ChangeMessageVisibilityBatchRequestEntry';
const RESULT = 'ChangeMessageVisibilityBatchResultEntry';

interface Entry {
  Id: string;
  ReceiptHandle: string;
  VisibilityTimeout?: number;
}

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibilityBatch.html */
export const changeMessageVisibilityBatch = action<
  { QueueUrl: string; Entries: Entry[] },
  { Successful: { Id: string }[]; Failed: BatchResultErrorEntry[] }
>({
  name: 'ChangeMessageVisibilityBatch',
  input: struct({
    QueueUrl: required(string),
    Entries: required(
      wire(list(struct({ Id: required(string), ReceiptHandle: required(string), VisibilityTimeout: integer }), ENTRY), ENTRY),
    ),
  }),
  output: struct({
    Successful: wire(list(struct({ Id: string }), RESULT), RESULT),
    Failed: wire(FailedList, 'BatchResultErrorEntry'),
  }),
  handler(ctx, input) {
    const queue = resolveQueue(ctx, input.QueueUrl);
    checkBatchEntries(input.Entries, ENTRY);
    const outcome = ctx.engine.changeVisibilities(queue, input.Entries);
    return { Successful: outcome.successful, Failed: outcome.failed.map((f) => batchFailure(f.Id, f.error)) };
  },
});
