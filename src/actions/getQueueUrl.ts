import { queueUrl } from '../api/queueUrl.js';
import { required, string, struct } from '../api/shapes.js';
import { action } from './action.js';

interface Input {
  QueueName: string;
  QueueOwnerAWSAccountId?: string;
}

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueUrl.html */
export const getQueueUrl = action<Input, { QueueUrl: string }>({
  name: 'GetQueueUrl',
  input: struct({ QueueName: required(string), QueueOwnerAWSAccountId: string }),
  output: struct({ QueueUrl: string }),
  handler(ctx, input) {
    const accountId = input.QueueOwnerAWSAccountId || ctx.accountId;
    const queue = ctx.engine.requireQueue({ region: ctx.region, accountId, name: input.QueueName });
    return { QueueUrl: queueUrl(ctx.baseUrl, queue.accountId, queue.name) };
  },
});
