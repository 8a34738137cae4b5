import { required, string, struct } from '../api/shapes.js';
import { action } from './action.js';
import { resolveQueue } from './resolve.js';

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteQueue.html */
export const deleteQueue = action<{ QueueUrl: string }>({
  name: 'DeleteQueue',
  input: struct({ QueueUrl: required(string) }),
  handler(ctx, input) {
    ctx.engine.deleteQueue(resolveQueue(ctx, input.QueueUrl, false));
  },
});
