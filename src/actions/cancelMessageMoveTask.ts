import { long, required, string, struct } from '../api/shapes.js';
import { action } from './action.js';
import { notYetSupported } from './notYetSupported.js';

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CancelMessageMoveTask.html */
export const cancelMessageMoveTask = action<{ TaskHandle: string }>({
  name: 'CancelMessageMoveTask',
  input: struct({ TaskHandle: required(string) }),
  output: struct({ ApproximateNumberOfMessagesMoved: long }),
  handler() {
    notYetSupported('CancelMessageMoveTask');
  },
});
