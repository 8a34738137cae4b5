import { errors } from '../api/errors.js';
import { integer, list, long, required, string, struct, wire } from '../api/shapes.js';
import { action } from './action.js';
import { describeTask } from './moveTaskHandle.js';

const ENTRY = 'ListMessageMoveTasksResultEntry';

/**
 * The most recent move tasks of a source queue, newest first (MaxResults 1-10, default 1).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListMessageMoveTasks.html
 */
export const listMessageMoveTasks = action<{ SourceArn: string; MaxResults?: number }, { Results?: Record<string, unknown>[] }>({
  name: 'ListMessageMoveTasks',
  input: struct({ SourceArn: required(string), MaxResults: integer }),
  output: struct({
    Results: wire(
      list(
        struct({
          TaskHandle: string,
          Status: string,
          SourceArn: string,
          DestinationArn: string,
          MaxNumberOfMessagesPerSecond: integer,
          ApproximateNumberOfMessagesMoved: long,
          ApproximateNumberOfMessagesToMove: long,
          FailureReason: string,
          StartedTimestamp: long,
        }),
        ENTRY,
      ),
      ENTRY,
    ),
  }),
  handler(ctx, input) {
    const max = input.MaxResults ?? 1;
    if (max < 1 || max > 10) throw errors.invalidParameterValueFor('MaxResults', max, 'Must be between 1 and 10, if provided.');
    const tasks = ctx.engine.listMoveTasks(input.SourceArn, max);
    return tasks.length > 0 ? { Results: tasks.map(describeTask) } : {};
  },
});
