/**
 * SQS quotas and ranges.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
 */
export const limits = {
  maxMessageSize: 1_048_576,
  minMessageSize: 1_024,
  maxBatchPayload: 1_048_576,
  maxBatchEntries: 10,
  maxMessageAttributes: 10,
  maxDelaySeconds: 900,
  maxVisibilityTimeout: 43_200,
  maxWaitTimeSeconds: 20,
  minRetentionSeconds: 60,
  maxRetentionSeconds: 1_209_600,
  maxReceiveMessages: 10,
  maxListResults: 1_000,
  /** Messages in flight per queue; short polls past it get OverLimit on standard queues. */
  maxInflightMessages: 120_000,
  /** A FIFO ReceiveRequestAttemptId is remembered this long. */
  receiveAttemptWindowMs: 300_000,
  maxTagsPerQueue: 50,
  maxTagKeyLength: 128,
  maxTagValueLength: 256,
  maxQueueNameLength: 80,
  /** AWS refuses to re-create a deleted queue's name for 60 s (strict mode only). */
  queueNameReuseMs: 60_000,
  /** One PurgeQueue per queue per 60 s (strict mode only). */
  purgeIntervalMs: 60_000,
  /** FIFO deduplication interval. */
  deduplicationWindowMs: 300_000,
  /** Largest request body accepted before the body is even parsed. */
  maxRequestBody: 4 * 1_048_576,
} as const;

export const defaults = {
  region: 'us-east-1',
  accountId: '000000000000',
  port: 9324,
  host: '127.0.0.1',
} as const;
