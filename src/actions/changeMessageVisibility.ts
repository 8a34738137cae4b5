import { integer, required, string, struct } from '../api/shapes.js';
import { action } from './action.js';
import { resolveQueue } from './resolve.js';

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html */
export const changeMessageVisibility = action<{ QueueUrl: string; ReceiptHandle: string; VisibilityTimeout: number }>({
  name: 'ChangeMessageVisibility',
  input: struct({ QueueUrl: required(string), ReceiptHandle: required(string), VisibilityTimeout: required(integer) }),
  handler(ctx, input) {
    ctx.engine.changeVisibility(resolveQueue(ctx, input.QueueUrl), input.ReceiptHandle, input.VisibilityTimeout);
  },
});
