/**
 * Queue addresses: a queue is named by its region, account and name (names are
 * case-sensitive). The facade takes an address wherever SQS takes a QueueUrl.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-message-identifiers.html
 */

export interface QueueAddress {
  readonly region: string;
  readonly accountId: string;
  readonly name: string;
}

/** What anyone may know of a queue without reading its state: built once per queue, frozen. */
export interface QueueInfo extends QueueAddress {
  readonly arn: string;
  readonly fifo: boolean;
}

export const queueArn = (a: QueueAddress): string => `arn:aws:sqs:${a.region}:${a.accountId}:${a.name}`;

/** `arn:aws:sqs:<region>:<account>:<name>`, in any partition, as an address. */
export function parseQueueArn(arn: string): QueueAddress | undefined {
  const match = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]+)$/.exec(arn);
  return match ? { region: match[1]!, accountId: match[2]!, name: match[3]! } : undefined;
}
