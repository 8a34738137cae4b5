import { errors } from '../api/errors.js';
import { required, string, struct } from '../api/shapes.js';
import { action } from './action.js';
import { readPolicy, statements } from './permissions.js';
import { resolveQueue } from './resolve.js';

/**
 * Removes the statement with Sid = Label; removing the last one removes Policy (F164, F165).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_RemovePermission.html
 */
export const removePermission = action<{ QueueUrl: string; Label: string }>({
  name: 'RemovePermission',
  input: struct({ QueueUrl: required(string), Label: required(string) }),
  handler(ctx, input) {
    const queue = resolveQueue(ctx, input.QueueUrl);
    const policy = readPolicy(queue);
    const existing = statements(policy);
    const kept = existing.filter((s) => s.Sid !== input.Label);
    if (kept.length === existing.length) {
      throw errors.invalidParameterValueFor('Label', input.Label, "can't find label.");
    }
    policy.Statement = kept;
    queue.applySettings({ Policy: kept.length === 0 ? '' : JSON.stringify(policy) });
  },
});
