import { errors } from '../api/errors.js';

/**
 * The input checks of AddPermission and RemovePermission (the policy editing is the engine's).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_AddPermission.html
 */

export const PERMISSION_ACTIONS: ReadonlySet<string> = new Set([
  '*',
  'SendMessage',
  'ReceiveMessage',
  'DeleteMessage',
  'ChangeMessageVisibility',
  'GetQueueAttributes',
  'GetQueueUrl',
  'ListDeadLetterSourceQueues',
  'PurgeQueue',
  'ListQueueTags',
]);

const LABEL = /^[A-Za-z0-9_-]{1,80}$/;

export function checkLabel(label: string): void {
  if (!LABEL.test(label)) {
    throw errors.invalidParameterValueFor('Label', label, 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.');
  }
}
