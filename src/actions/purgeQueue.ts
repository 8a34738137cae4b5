import { required, string, struct } from '../api/shapes.js';
import { action } from './action.js';
import { resolveQueue } from './resolve.js';

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_PurgeQueue.html */
export const purgeQueue = action<{ QueueUrl: string }>({
  name: 'PurgeQueue',
  input: struct({ QueueUrl: required(string) }),
  handler(ctx, input) {
    ctx.engine.purgeQueue(resolveQueue(ctx, input.QueueUrl));
  },
});
