import { errors } from '../api/errors.js';
import type { Queue } from '../engine/queue.js';

/**
 * The queue Policy document that AddPermission and RemovePermission maintain, written as
 * SQS writes it (F162): Version 2008-10-17, Id `<arn>/SQSDefaultPolicy`, one statement per label.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_AddPermission.html
 */

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement?: Record<string, unknown>[] | Record<string, unknown>;
  [key: string]: unknown;
}

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

export function readPolicy(queue: Queue): PolicyDocument {
  if (!queue.settings.policy) return { Version: '2008-10-17', Id: `${queue.arn}/SQSDefaultPolicy`, Statement: [] };
  return JSON.parse(queue.settings.policy) as PolicyDocument;
}

export function statements(policy: PolicyDocument): Record<string, unknown>[] {
  const s = policy.Statement;
  return Array.isArray(s) ? s : s ? [s] : [];
}
