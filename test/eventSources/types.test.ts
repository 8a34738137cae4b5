/**
 * Type level (checked by tsc in `npm run lint`): the event the emulator builds is
 * `@types/aws-lambda`'s SQSEvent, a handler typed with those types is a target, and its
 * SQSBatchResponse is what the poller reads.
 */
import type { Context, SQSBatchResponse, SQSEvent, SQSHandler } from 'aws-lambda';
import type { LambdaContext, LambdaHandler, SqsBatchResponse, SqsLambdaEvent } from '../../src/index.js';

const event: SqsLambdaEvent = { Records: [] };
const response: SqsBatchResponse = { batchItemFailures: [{ itemIdentifier: 'id' }] };

test('the built event is an SQSEvent, the response an SQSBatchResponse, both ways', () => {
  const asAws = event satisfies SQSEvent;
  const back: SqsBatchResponse = { batchItemFailures: [] } satisfies SQSBatchResponse;
  const context = {} as LambdaContext satisfies Context;
  const typed: SQSHandler = async (e) => ({ batchItemFailures: e.Records.map((r) => ({ itemIdentifier: r.messageId })) }) satisfies SQSBatchResponse;
  const target: LambdaHandler = typed as LambdaHandler;
  expect([asAws, back, response, context, typeof target]).toHaveLength(5);
});
