import { errors } from './errors.js';
import { limits } from './limits.js';

/**
 * Queue attributes: names, ranges and the validation CreateQueue and SetQueueAttributes share.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 */

export const READ_ONLY_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
] as const;

export const SETTABLE_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'Policy',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
] as const;

export type SettableAttribute = (typeof SETTABLE_ATTRIBUTES)[number];
export type QueueAttributeName = SettableAttribute | (typeof READ_ONLY_ATTRIBUTES)[number];

const ALL_NAMES: ReadonlySet<string> = new Set<string>([...READ_ONLY_ATTRIBUTES, ...SETTABLE_ATTRIBUTES]);
const SETTABLE: ReadonlySet<string> = new Set<string>(SETTABLE_ATTRIBUTES);
const FIFO_ONLY: ReadonlySet<string> = new Set(['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);

export function isQueueAttributeName(name: string): name is QueueAttributeName {
  return ALL_NAMES.has(name);
}

const INTEGER_RANGES: Partial<Record<SettableAttribute, readonly [number, number]>> = {
  DelaySeconds: [0, limits.maxDelaySeconds],
  MaximumMessageSize: [limits.minMessageSize, limits.maxMessageSize],
  MessageRetentionPeriod: [limits.minRetentionSeconds, limits.maxRetentionSeconds],
  ReceiveMessageWaitTimeSeconds: [0, limits.maxWaitTimeSeconds],
  VisibilityTimeout: [0, limits.maxVisibilityTimeout],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

const ENUMS: Partial<Record<SettableAttribute, readonly string[]>> = {
  DeduplicationScope: ['messageGroup', 'queue'],
  FifoThroughputLimit: ['perQueue', 'perMessageGroupId'],
};

function normalizeInteger(name: string, value: string, [min, max]: readonly [number, number]): string {
  if (!/^[0-9]{1,10}$/.test(value.trim())) throw errors.invalidAttributeValue(name);
  const n = Number(value.trim());
  if (n < min || n > max) throw errors.invalidAttributeValue(name);
  return String(n);
}

function normalizeBoolean(name: string, value: string): string {
  const v = value.trim().toLowerCase();
  if (v !== 'true' && v !== 'false') throw errors.invalidAttributeValue(name);
  return v;
}

function normalizeJsonDocument(name: string, value: string): string {
  if (value === '') return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw errors.invalidAttributeValue(name);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw errors.invalidAttributeValue(name);
  return value;
}

function normalizeValue(name: SettableAttribute, value: string): string {
  const range = INTEGER_RANGES[name];
  if (range) return normalizeInteger(name, value, range);
  const allowed = ENUMS[name];
  if (allowed) {
    if (!allowed.includes(value)) throw errors.invalidAttributeValue(name);
    return value;
  }
  switch (name) {
    case 'FifoQueue':
    case 'ContentBasedDeduplication':
    case 'SqsManagedSseEnabled':
      return normalizeBoolean(name, value);
    case 'Policy':
    case 'RedrivePolicy':
    case 'RedriveAllowPolicy':
      return normalizeJsonDocument(name, value);
    default:
      return value;
  }
}

export interface AttributeContext {
  /** The queue is (or is being created as) a FIFO queue. */
  readonly fifo: boolean;
  /** CreateQueue rather than SetQueueAttributes. */
  readonly creating: boolean;
}

/**
 * Checks names and values and returns them normalized (a null-prototype record, so a
 * user-supplied `__proto__` stays plain data). Throws AWS's InvalidAttributeName /
 * InvalidAttributeValue.
 */
export function validateQueueAttributes(
  attributes: Readonly<Record<string, string>>,
  context: AttributeContext,
): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const name of Object.keys(attributes)) {
    const value = attributes[name]!;
    if (!SETTABLE.has(name)) throw errors.unknownAttribute(name);
    const attribute = name as SettableAttribute;
    if (!context.fifo) {
      // A standard queue does not know the FIFO attributes at all (aws-behaviours F24-F27, F45).
      if (attribute === 'FifoQueue' || attribute === 'ContentBasedDeduplication') throw errors.unknownAttribute(name);
      if (FIFO_ONLY.has(attribute))
        throw errors.invalidAttributeName(`You can specify the ${name} only when FifoQueue is set to true.`);
    }
    const normalized = normalizeValue(attribute, value);
    if (attribute === 'FifoQueue' && normalized === 'false') {
      throw context.creating
        ? errors.unknownAttribute(name)
        : errors.invalidAttributeValue(name, 'Modifying queue type is not supported.');
    }
    out[attribute] = normalized;
  }
  // SSE-KMS and SSE-SQS exclude each other (F54).
  if (out.KmsMasterKeyId && out.SqsManagedSseEnabled === 'true') {
    throw errors.invalidAttributeName(
      'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.',
    );
  }
  return out;
}
