import { errors } from '../api/errors.js';
import { integer, required, string, struct } from '../api/shapes.js';
import { action } from './action.js';
import { encodeTaskHandle } from './moveTaskHandle.js';

interface Input {
  SourceArn: string;
  DestinationArn?: string;
  MaxNumberOfMessagesPerSecond?: number;
}

/**
 * Starts moving a dead-letter queue's messages back to their sources (or to DestinationArn).
 * One active task per source (F145, F146, F150).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html
 */
export const startMessageMoveTask = action<Input, { TaskHandle: string }>({
  name: 'StartMessageMoveTask',
  input: struct({ SourceArn: required(string), DestinationArn: string, MaxNumberOfMessagesPerSecond: integer }),
  output: struct({ TaskHandle: string }),
  handler(ctx, input) {
    const rate = input.MaxNumberOfMessagesPerSecond;
    if (rate !== undefined && (rate < 1 || rate > 500)) {
      throw errors.invalidParameterValueFor('MaxNumberOfMessagesPerSecond', rate, 'Must be between 1 and 500.');
    }
    const task = ctx.engine.startMoveTask(input.SourceArn, input.DestinationArn, rate);
    return { TaskHandle: encodeTaskHandle(task) };
  },
});
