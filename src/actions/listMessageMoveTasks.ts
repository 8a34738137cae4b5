import { integer, required, string, struct } from '../api/shapes.js';
import { action } from './action.js';
import { notYetSupported } from './notYetSupported.js';

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListMessageMoveTasks.html */
export const listMessageMoveTasks = action<{ SourceArn: string }>({
  name: 'ListMessageMoveTasks',
  input: struct({ SourceArn: required(string), MaxResults: integer }),
  handler() {
    notYetSupported('ListMessageMoveTasks');
  },
});
