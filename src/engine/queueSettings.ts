import { limits } from '../api/limits.js';

/**
 * Queue settings (the settable attributes) and how GetQueueAttributes renders every
 * attribute, read-only ones included; SSE's one-type-at-a-time rule (F53, F54).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 */

/** A parsed RedrivePolicy. */
export interface Redrive {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

/** Settable attribute values as GetQueueAttributes shows them (strings), plus parsed hot values. */
export class QueueSettings {
  delaySeconds = 0;
  maximumMessageSize: number = limits.maxMessageSize;
  messageRetentionPeriod = 345_600;
  receiveMessageWaitTimeSeconds = 0;
  visibilityTimeout = 30;
  policy = '';
  redrivePolicy = '';
  redrive: Redrive | undefined;
  redriveAllowPolicy = '';
  kmsMasterKeyId = '';
  kmsDataKeyReusePeriodSeconds = 300;
  sqsManagedSseEnabled = true;
  contentBasedDeduplication = false;
  deduplicationScope = 'queue';
  fifoThroughputLimit = 'perQueue';
}

/** Applies validated, normalized settable attributes (a partial update). */
export function applySettings(s: QueueSettings, attributes: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(attributes)) {
    switch (name) {
      case 'DelaySeconds':
        s.delaySeconds = Number(value);
        break;
      case 'MaximumMessageSize':
        s.maximumMessageSize = Number(value);
        break;
      case 'MessageRetentionPeriod':
        s.messageRetentionPeriod = Number(value);
        break;
      case 'ReceiveMessageWaitTimeSeconds':
        s.receiveMessageWaitTimeSeconds = Number(value);
        break;
      case 'VisibilityTimeout':
        s.visibilityTimeout = Number(value);
        break;
      case 'Policy':
        s.policy = value;
        break;
      case 'RedrivePolicy':
        s.redrivePolicy = value;
        s.redrive = value ? (JSON.parse(value) as Redrive) : undefined;
        break;
      case 'RedriveAllowPolicy':
        s.redriveAllowPolicy = value;
        break;
      case 'KmsMasterKeyId':
        s.kmsMasterKeyId = value;
        // Choosing SSE-KMS turns SSE-SQS off (F53).
        if (value !== '') s.sqsManagedSseEnabled = false;
        break;
      case 'KmsDataKeyReusePeriodSeconds':
        s.kmsDataKeyReusePeriodSeconds = Number(value);
        if (!('KmsMasterKeyId' in attributes) && s.kmsMasterKeyId !== '') s.sqsManagedSseEnabled = false;
        break;
      case 'SqsManagedSseEnabled':
        s.sqsManagedSseEnabled = value === 'true';
        // Choosing SSE-SQS turns SSE-KMS off: one type of SSE at a time (F54).
        if (s.sqsManagedSseEnabled) s.kmsMasterKeyId = '';
        break;
      case 'ContentBasedDeduplication':
        s.contentBasedDeduplication = value === 'true';
        break;
      case 'DeduplicationScope':
        s.deduplicationScope = value;
        break;
      case 'FifoThroughputLimit':
        s.fifoThroughputLimit = value;
        break;
      // FifoQueue=true on a FIFO queue is a no-op (F46).
    }
  }
}

/** What rendering the read-only attributes needs of a queue. */
export interface AttributeSource {
  readonly settings: QueueSettings;
  readonly fifo: boolean;
  readonly arn: string;
  readonly createdTimestamp: number;
  readonly lastModifiedTimestamp: number;
  readonly approximateNumberOfMessages: number;
  readonly approximateNumberOfMessagesNotVisible: number;
  readonly approximateNumberOfMessagesDelayed: number;
}

/** An attribute's value as GetQueueAttributes returns it, or undefined when AWS omits it (F36, F37). */
export function renderAttribute(q: AttributeSource, name: string): string | undefined {
  const s = q.settings;
  switch (name) {
    case 'ApproximateNumberOfMessages':
      return String(q.approximateNumberOfMessages);
    case 'ApproximateNumberOfMessagesNotVisible':
      return String(q.approximateNumberOfMessagesNotVisible);
    case 'ApproximateNumberOfMessagesDelayed':
      return String(q.approximateNumberOfMessagesDelayed);
    case 'CreatedTimestamp':
      return String(Math.floor(q.createdTimestamp / 1000));
    case 'LastModifiedTimestamp':
      return String(Math.floor(q.lastModifiedTimestamp / 1000));
    case 'QueueArn':
      return q.arn;
    case 'DelaySeconds':
      return String(s.delaySeconds);
    case 'MaximumMessageSize':
      return String(s.maximumMessageSize);
    case 'MessageRetentionPeriod':
      return String(s.messageRetentionPeriod);
    case 'ReceiveMessageWaitTimeSeconds':
      return String(s.receiveMessageWaitTimeSeconds);
    case 'VisibilityTimeout':
      return String(s.visibilityTimeout);
    case 'Policy':
      return s.policy || undefined;
    case 'RedrivePolicy':
      return s.redrivePolicy || undefined;
    case 'RedriveAllowPolicy':
      return s.redriveAllowPolicy || undefined;
    case 'KmsMasterKeyId':
      return s.kmsMasterKeyId || undefined;
    case 'KmsDataKeyReusePeriodSeconds':
      return s.kmsMasterKeyId ? String(s.kmsDataKeyReusePeriodSeconds) : undefined;
    case 'SqsManagedSseEnabled':
      return String(s.sqsManagedSseEnabled);
    case 'FifoQueue':
      return q.fifo ? 'true' : undefined;
    case 'ContentBasedDeduplication':
      return q.fifo ? String(s.contentBasedDeduplication) : undefined;
    case 'DeduplicationScope':
      return q.fifo ? s.deduplicationScope : undefined;
    case 'FifoThroughputLimit':
      return q.fifo ? s.fifoThroughputLimit : undefined;
    default:
      return undefined;
  }
}
