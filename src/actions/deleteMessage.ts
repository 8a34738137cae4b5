import { required, string, struct } from '../api/shapes.js';
import { action } from './action.js';
import { resolveQueue } from './resolve.js';

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html */
export const deleteMessage = action<{ QueueUrl: string; ReceiptHandle: string }>({
  name: 'DeleteMessage',
  input: struct({ QueueUrl: required(string), ReceiptHandle: required(string) }),
  handler(ctx, input) {
    ctx.engine.deleteMessage(resolveQueue(ctx, input.QueueUrl), input.ReceiptHandle);
  },
});
