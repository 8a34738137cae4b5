import { errors } from '../api/errors.js';
import type { QueueSettings } from './queueSettings.js';

/**
 * AddPermission and RemovePermission edit the queue Policy as SQS writes it (F162): Version
 * 2008-10-17, Id `<arn>/SQSDefaultPolicy`, one statement per label, Sid = Label; one principal
 * is written as a string, several as a list; a label in use is refused (F163); removing the
 * last statement removes Policy (F164, F165).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_AddPermission.html
 */

interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement?: Record<string, unknown>[] | Record<string, unknown>;
  [key: string]: unknown;
}

function readPolicy(settings: QueueSettings, arn: string): PolicyDocument {
  if (!settings.policy) return { Version: '2008-10-17', Id: `${arn}/SQSDefaultPolicy`, Statement: [] };
  return JSON.parse(settings.policy) as PolicyDocument;
}

function statements(policy: PolicyDocument): Record<string, unknown>[] {
  const s = policy.Statement;
  return Array.isArray(s) ? s : s ? [s] : [];
}

/** The new Policy value with a statement added. */
export function policyWithPermission(settings: QueueSettings, arn: string, label: string, accountIds: readonly string[], actions: readonly string[]): string {
  const policy = readPolicy(settings, arn);
  const existing = statements(policy);
  if (existing.some((s) => s.Sid === label)) throw errors.invalidParameterValueFor('Label', label, 'Already exists.');
  const principals = accountIds.map((a) => `arn:aws:iam::${a}:root`);
  const names = actions.map((a) => `SQS:${a}`);
  existing.push({
    Sid: label,
    Effect: 'Allow',
    Principal: { AWS: principals.length === 1 ? principals[0] : principals },
    Action: names.length === 1 ? names[0] : names,
    Resource: arn,
  });
  policy.Statement = existing;
  return JSON.stringify(policy);
}

/** The new Policy value with the statement `label` removed ('' when none is left). */
export function policyWithoutPermission(settings: QueueSettings, arn: string, label: string): string {
  const policy = readPolicy(settings, arn);
  const existing = statements(policy);
  const kept = existing.filter((s) => s.Sid !== label);
  if (kept.length === existing.length) throw errors.invalidParameterValueFor('Label', label, "can't find label.");
  policy.Statement = kept;
  return kept.length === 0 ? '' : JSON.stringify(policy);
}
