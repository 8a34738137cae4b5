import { list, required, string, struct, wire } from '../api/shapes.js';
import { action } from './action.js';
import { notYetSupported } from './notYetSupported.js';
import { resolveQueue } from './resolve.js';

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_AddPermission.html */
export const addPermission = action<{ QueueUrl: string }>({
  name: 'AddPermission',
  input: struct({
    QueueUrl: required(string),
    Label: required(string),
    AWSAccountIds: required(wire(list(string, 'AWSAccountId'), 'AWSAccountId')),
    Actions: required(wire(list(string, 'ActionName'), 'ActionName')),
  }),
  handler(ctx, input) {
    resolveQueue(ctx, input.QueueUrl);
    notYetSupported('AddPermission');
  },
});
