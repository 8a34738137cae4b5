import { list, required, string, struct, wire } from '../api/shapes.js';
import { action } from './action.js';
import { resolveQueue } from './resolve.js';

/** Keys that are not there are a no-op (F160). https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_UntagQueue.html */
export const untagQueue = action<{ QueueUrl: string; TagKeys: string[] }>({
  name: 'UntagQueue',
  input: struct({ QueueUrl: required(string), TagKeys: required(wire(list(string, 'TagKey'), 'TagKey')) }),
  handler(ctx, input) {
    ctx.engine.untagQueue(resolveQueue(ctx, input.QueueUrl), input.TagKeys);
  },
});
