import { errors } from '../api/errors.js';
import { limits } from '../api/limits.js';
import { integer, required, string, struct } from '../api/shapes.js';
import { action } from './action.js';
import { resolveQueue } from './resolve.js';

export function checkVisibilityTimeout(value: number): void {
  if (value < 0 || value > limits.maxVisibilityTimeout) {
    throw errors.invalidParameterValueFor('VisibilityTimeout', value, `Must be >= 0 and <= ${limits.maxVisibilityTimeout}, if provided.`);
  }
}

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html */
export const changeMessageVisibility = action<{ QueueUrl: string; ReceiptHandle: string; VisibilityTimeout: number }>({
  name: 'ChangeMessageVisibility',
  input: struct({ QueueUrl: required(string), ReceiptHandle: required(string), VisibilityTimeout: required(integer) }),
  handler(ctx, input) {
    const queue = resolveQueue(ctx, input.QueueUrl);
    checkVisibilityTimeout(input.VisibilityTimeout);
    queue.changeVisibility(input.ReceiptHandle, input.VisibilityTimeout);
  },
});
