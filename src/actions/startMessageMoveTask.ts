import { integer, required, string, struct } from '../api/shapes.js';
import { action } from './action.js';
import { notYetSupported } from './notYetSupported.js';

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html */
export const startMessageMoveTask = action<{ SourceArn: string }>({
  name: 'StartMessageMoveTask',
  input: struct({ SourceArn: required(string), DestinationArn: string, MaxNumberOfMessagesPerSecond: integer }),
  output: struct({ TaskHandle: string }),
  handler() {
    notYetSupported('StartMessageMoveTask');
  },
});
