import { integer, list, required, string, struct, wire } from '../api/shapes.js';
import { action } from './action.js';
import { notYetSupported } from './notYetSupported.js';
import { resolveQueue } from './resolve.js';

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListDeadLetterSourceQueues.html */
export const listDeadLetterSourceQueues = action<{ QueueUrl: string }>({
  name: 'ListDeadLetterSourceQueues',
  input: struct({ QueueUrl: required(string), NextToken: string, MaxResults: integer }),
  output: struct({ queueUrls: wire(list(string, 'QueueUrl'), 'QueueUrl'), NextToken: string }),
  handler(ctx, input) {
    resolveQueue(ctx, input.QueueUrl);
    notYetSupported('ListDeadLetterSourceQueues');
  },
});
