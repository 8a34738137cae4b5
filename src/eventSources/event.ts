import type { SqsRecord, SqsRecordAttributes, SqsRecordMessageAttribute } from '../api/lambdaEvent.js';
import type { QueueInfo } from '../engine/address.js';
import { md5OfBody } from '../engine/message.js';
import type { ReceivedMessage } from '../engine/receipts.js';

/**
 * One SQSEvent record per received message, built as Lambda builds it: system attributes as
 * strings in Lambda's order (FIFO adds SequenceNumber, MessageGroupId, MessageDeduplicationId),
 * message attributes in lower camel case with binary values base64 and the reserved list
 * members empty, eventSource `aws:sqs`, the queue's ARN and region.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (example standard and FIFO events)
 */
export function toRecord(queue: QueueInfo, m: ReceivedMessage): SqsRecord {
  const d = m.data;
  const attributes: SqsRecordAttributes = { ApproximateReceiveCount: String(m.receiveCount) } as SqsRecordAttributes;
  if (d.traceHeader !== undefined) attributes.AWSTraceHeader = d.traceHeader;
  attributes.SentTimestamp = String(d.sentTimestamp);
  if (d.sequenceNumber !== undefined) attributes.SequenceNumber = d.sequenceNumber;
  if (d.groupId !== undefined) attributes.MessageGroupId = d.groupId;
  attributes.SenderId = d.senderId;
  if (d.deduplicationId !== undefined) attributes.MessageDeduplicationId = d.deduplicationId;
  attributes.ApproximateFirstReceiveTimestamp = String(m.firstReceiveTimestamp);
  if (d.deadLetterQueueSourceArn !== undefined) attributes.DeadLetterQueueSourceArn = d.deadLetterQueueSourceArn;
  const messageAttributes: Record<string, SqsRecordMessageAttribute> = {};
  for (const [name, v] of Object.entries(d.attributes ?? {})) {
    // Lambda's key order: the value first, then the (reserved, empty) lists and the type.
    messageAttributes[name] =
      v.BinaryValue !== undefined
        ? { binaryValue: v.BinaryValue.toString('base64'), stringListValues: [], binaryListValues: [], dataType: v.DataType }
        : { stringValue: v.StringValue!, stringListValues: [], binaryListValues: [], dataType: v.DataType };
  }
  const record: SqsRecord = {
    messageId: d.id,
    receiptHandle: m.receiptHandle,
    body: d.body,
    attributes,
    messageAttributes,
    md5OfBody: md5OfBody(d),
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: queue.region,
  };
  if (d.md5OfMessageAttributes !== undefined) {
    // Present when the message has attributes, after md5OfBody, as in Lambda's events.
    const { eventSource, eventSourceARN, awsRegion, ...head } = record;
    return { ...head, md5OfMessageAttributes: d.md5OfMessageAttributes, eventSource, eventSourceARN, awsRegion };
  }
  return record;
}

/** The bytes a record adds to the event's JSON (Lambda's 6 MB invocation payload limit counts these). */
export function recordSize(record: SqsRecord): number {
  return Buffer.byteLength(JSON.stringify(record)) + 1;
}

/** Lambda's synchronous invocation payload limit: a batch stops filling before it. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
