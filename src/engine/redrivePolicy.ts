import { errors } from '../api/errors.js';
import type { QueueSettings } from './queueSettings.js';

/** What the check needs to know of a dead-letter target. */
export interface RedriveTarget {
  readonly fifo: boolean;
  readonly settings: QueueSettings;
}

/**
 * RedrivePolicy and RedriveAllowPolicy, checked as SQS checks them: a JSON map, the target
 * must exist and be of the same type, maxReceiveCount 1-1000, and the target's
 * RedriveAllowPolicy must admit the source.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue.html
 */

const invalidRedrive = (reason: string): Error => errors.invalidAttributeValue('RedrivePolicy', reason);
const invalidAllow = (reason: string): Error => errors.invalidAttributeValue('RedriveAllowPolicy', reason);

function parseMap(text: string, fail: (reason: string) => Error, what: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw fail(`${what} is not a valid JSON map.`);
}

/** Validates normalized attributes in place; `RedrivePolicy` is rewritten with a numeric count (F50). */
export function checkRedriveAttributes(
  queueByArn: (arn: string) => RedriveTarget | undefined,
  attributes: Record<string, string>,
  source: { fifo: boolean; arn: string },
): void {
  const redrive = attributes.RedrivePolicy;
  if (redrive) {
    const policy = parseMap(redrive, invalidRedrive, 'Redrive policy');
    const target = policy.deadLetterTargetArn;
    if (typeof target !== 'string' || target === '') {
      throw invalidRedrive('Redrive policy does not contain mandatory attribute: deadLetterTargetArn.');
    }
    if (policy.maxReceiveCount === undefined) {
      throw invalidRedrive('Redrive policy does not contain mandatory attribute: maxReceiveCount.');
    }
    const count = Number(policy.maxReceiveCount);
    if (!Number.isInteger(count) || count < 1 || count > 1000) {
      throw invalidRedrive(`Invalid value for maxReceiveCount: ${String(policy.maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`);
    }
    const dlq = queueByArn(target);
    if (!dlq) throw invalidRedrive('Dead letter target does not exist.');
    if (dlq.fifo !== source.fifo) throw invalidRedrive('Dead-letter queue must be same type of queue as the source.');
    const allow = dlq.settings.redriveAllowPolicy ? JSON.parse(dlq.settings.redriveAllowPolicy) as Record<string, unknown> : undefined;
    const permission = allow?.redrivePermission;
    const allowed =
      permission === undefined ||
      permission === 'allowAll' ||
      (permission === 'byQueue' && Array.isArray(allow!.sourceQueueArns) && allow!.sourceQueueArns.includes(source.arn));
    if (!allowed) {
      throw invalidRedrive(`Queue ${source.arn} is not allowed to use ${target} as its dead-letter queue.`);
    }
    attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: target, maxReceiveCount: count });
  }
  const allowPolicy = attributes.RedriveAllowPolicy;
  if (allowPolicy) {
    const policy = parseMap(allowPolicy, invalidAllow, 'Redrive allow policy');
    const permission = policy.redrivePermission;
    if (permission !== 'allowAll' && permission !== 'denyAll' && permission !== 'byQueue') {
      throw invalidAllow('Value of redrivePermission must be one of allowAll, denyAll, byQueue.');
    }
    const arns = policy.sourceQueueArns;
    if (permission === 'byQueue') {
      if (!Array.isArray(arns) || arns.length === 0 || arns.length > 10 || !arns.every((a) => typeof a === 'string')) {
        throw invalidAllow('sourceQueueArns must list 1 to 10 queue ARNs when redrivePermission is byQueue.');
      }
    } else if (arns !== undefined) {
      throw invalidAllow('sourceQueueArns can be given only when redrivePermission is byQueue.');
    }
  }
}
