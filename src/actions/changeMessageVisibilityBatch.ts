import { batchFailure, errors, SqsError, type BatchResultErrorEntry } from '../api/errors.js';
import { FailedList, integer, list, required, string, struct, wire } from '../api/shapes.js';
import { action } from './action.js';
import { checkBatchEntries } from './batch.js';
import { checkVisibilityTimeout } from './changeMessageVisibility.js';
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
    const Successful: { Id: string }[] = [];
    const Failed: BatchResultErrorEntry[] = [];
    for (const entry of input.Entries) {
      try {
        if (entry.VisibilityTimeout === undefined) throw errors.missingParameter('VisibilityTimeout');
        checkVisibilityTimeout(entry.VisibilityTimeout);
        queue.changeVisibility(entry.ReceiptHandle, entry.VisibilityTimeout);
        Successful.push({ Id: entry.Id });
      } catch (e) {
        if (!(e instanceof SqsError)) throw e;
        Failed.push(batchFailure(entry.Id, e));
      }
    }
    return { Successful, Failed };
  },
});
