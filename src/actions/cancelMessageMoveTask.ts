import { errors } from '../api/errors.js';
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
    ctx.engine.tick();
    if (!ctx.engine.queueByArn(sourceArn)) {
      throw errors.resourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.");
    }
    const task = ctx.engine.moveTasks.list(sourceArn).find((t) => t.taskId === taskId);
    if (!task) throw errors.resourceNotFound('Task does not exist.');
    if (task.status !== 'RUNNING') throw errors.invalidParameterValue('Only active tasks can be cancelled.');
    task.cancel();
    return { ApproximateNumberOfMessagesMoved: task.moved };
  },
});
