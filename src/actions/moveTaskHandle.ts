import { errors } from '../api/errors.js';
import type { MoveTaskRecord } from '../engine/records.js';

/** TaskHandle as AWS encodes it: base64 of JSON with taskId and sourceArn (F151). */
export function encodeTaskHandle(task: MoveTaskRecord): string {
  return Buffer.from(JSON.stringify({ taskId: task.taskId, sourceArn: task.sourceArn }), 'utf8').toString('base64');
}

export function decodeTaskHandle(handle: string): { taskId: string; sourceArn: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(handle, 'base64').toString('utf8'));
    const { taskId, sourceArn } = (parsed ?? {}) as Record<string, unknown>;
    if (typeof taskId === 'string' && typeof sourceArn === 'string') return { taskId, sourceArn };
  } catch {
    // fall through
  }
  throw errors.invalidParameterValue('Value for parameter TaskHandle is invalid.');
}

/** A ListMessageMoveTasks entry: TaskHandle only while RUNNING (F152). */
export function describeTask(task: MoveTaskRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (task.status === 'RUNNING') out.TaskHandle = encodeTaskHandle(task);
  out.Status = task.status;
  out.SourceArn = task.sourceArn;
  if (task.destinationArn) out.DestinationArn = task.destinationArn;
  if (task.maxNumberOfMessagesPerSecond !== undefined) out.MaxNumberOfMessagesPerSecond = task.maxNumberOfMessagesPerSecond;
  out.ApproximateNumberOfMessagesMoved = task.moved;
  out.ApproximateNumberOfMessagesToMove = task.toMove;
  if (task.failureReason) out.FailureReason = task.failureReason;
  out.StartedTimestamp = task.startedTimestamp;
  return out;
}
