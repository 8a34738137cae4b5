import { long, required, string, struct } from '../api/shapes.js';
import { action } from './action.js';
import { decodeTaskHandle } from './moveTaskHandle.js';

/**
 * Cancels a RUNNING move task (F147-F149).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CancelMessageMoveTask.html
 */
export const cancelMessageMoveTask = action<{ TaskHandle: string }, { ApproximateNumberOfMessagesMoved: number }>({
  name: 'CancelMessageMoveTask',
  input: struct({ TaskHandle: required(string) }),
  output: struct({ ApproximateNumberOfMessagesMoved: long }),
  handler(ctx, input) {
    const { taskId, sourceArn } = decodeTaskHandle(input.TaskHandle);
    return { ApproximateNumberOfMessagesMoved: ctx.engine.cancelMoveTask(sourceArn, taskId).moved };
  },
});
