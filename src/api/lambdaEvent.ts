/**
 * The event Lambda's SQS poller hands a function, and the answer a function gives with
 * ReportBatchItemFailures: wire shapes, as AWS documents them (and as `@types/aws-lambda`'s
 * SQSEvent and SQSBatchResponse type them; test/eventSources/types.test.ts checks both ways).
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (sample event)
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html (partial batch responses)
 */

/** A message attribute in Lambda's lower-camel shape; binary values base64. The list members are reserved by AWS and always empty. */
export interface SqsRecordMessageAttribute {
  stringValue?: string;
  binaryValue?: string;
  stringListValues: string[];
  binaryListValues: string[];
  dataType: string;
}

/** The system attributes of a record, as strings; FIFO queues add SequenceNumber, MessageGroupId and MessageDeduplicationId. */
export interface SqsRecordAttributes {
  ApproximateReceiveCount: string;
  AWSTraceHeader?: string;
  SentTimestamp: string;
  SequenceNumber?: string;
  MessageGroupId?: string;
  SenderId: string;
  MessageDeduplicationId?: string;
  ApproximateFirstReceiveTimestamp: string;
  DeadLetterQueueSourceArn?: string;
}

export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: SqsRecordAttributes;
  messageAttributes: Record<string, SqsRecordMessageAttribute>;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

export interface SqsLambdaEvent {
  Records: SqsRecord[];
}

/** What a function with ReportBatchItemFailures answers: the messageIds that failed. */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}
