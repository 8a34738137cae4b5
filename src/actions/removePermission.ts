import { required, string, struct } from '../api/shapes.js';
import { action } from './action.js';
import { resolveQueue } from './resolve.js';

/**
 * Removes the statement with Sid = Label; removing the last one removes Policy (F164, F165).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_RemovePermission.html
 */
export const removePermission = action<{ QueueUrl: string; Label: string }>({
  name: 'RemovePermission',
  input: struct({ QueueUrl: required(string), Label: required(string) }),
  handler(ctx, input) {
    ctx.engine.removePermission(resolveQueue(ctx, input.QueueUrl), input.Label);
  },
});
