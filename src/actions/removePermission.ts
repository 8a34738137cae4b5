import { required, string, struct } from '../api/shapes.js';
import { action } from './action.js';
import { notYetSupported } from './notYetSupported.js';
import { resolveQueue } from './resolve.js';

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_RemovePermission.html */
export const removePermission = action<{ QueueUrl: string }>({
  name: 'RemovePermission',
  input: struct({ QueueUrl: required(string), Label: required(string) }),
  handler(ctx, input) {
    resolveQueue(ctx, input.QueueUrl);
    notYetSupported('RemovePermission');
  },
});
