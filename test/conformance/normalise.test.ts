/** The normalisation behind recordings: values that vary are reduced to their format, wrong formats stay visible. */
import { runPrefix } from './client.js';
import { e, mask, maskArn, maskName, maskUrl, n } from './suite.js';

test('ids, handles, timestamps, URLs and ARNs are reduced to their formats', () => {
  expect(
    mask({
      MessageId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      ReceiptHandle: 'AQEB...',
      MD5OfMessageBody: '78e731027d8fd50ed642340b7c9a63b3',
      SequenceNumber: '18849496460467696128',
      QueueUrl: `https://sqs.eu-west-1.amazonaws.com/123456789012/${runPrefix}-j-orders.fifo`,
      Attributes: {
        SentTimestamp: '1700000000000',
        CreatedTimestamp: '1700000000',
        QueueArn: `arn:aws:sqs:eu-west-1:123456789012:${runPrefix}-q-orders`,
        VisibilityTimeout: '30',
      },
      Unset: undefined,
    }),
  ).toEqual({
    MessageId: '<uuid>',
    ReceiptHandle: '<receipt-handle>',
    MD5OfMessageBody: '<md5-hex>',
    SequenceNumber: '<number-string>',
    QueueUrl: '<queue-url:<prefix>-orders.fifo>',
    Attributes: {
      SentTimestamp: '<epoch-ms-string>',
      CreatedTimestamp: '<epoch-s-string>',
      QueueArn: '<arn:<prefix>-orders>',
      VisibilityTimeout: '30',
    },
  });
});

test('a value in the wrong format is kept visible, so it shows up as a difference', () => {
  expect(mask({ MessageId: 'msg-1', SentTimestamp: '1700000000', CreatedTimestamp: '1700000000000' })).toEqual({
    MessageId: '<not-uuid:msg-1>',
    SentTimestamp: '<not-epoch-ms-string:1700000000>',
    CreatedTimestamp: '<not-epoch-s-string:1700000000000>',
  });
  expect(maskUrl('http://localhost/q')).toBe('<not-queue-url:http://localhost/q>');
  expect(maskArn('arn:aws:sns:us-east-1:123456789012:t')).toBe('<not-arn:arn:aws:sns:us-east-1:123456789012:t>');
  expect(maskName(`Only one PurgeQueue operation on ${runPrefix}-j-p is allowed`)).toBe('Only one PurgeQueue operation on <prefix>-p is allowed');
});

test('errors normalise to status, code, type and message; successes to the masked output', () => {
  const err = { status: 400, code: 'InvalidParameterValue', type: 'Sender', message: 'Bad.', output: {} };
  expect(n(err)).toEqual({ status: 400, code: 'InvalidParameterValue', type: 'Sender', message: 'Bad.' });
  expect(e(err, { noMessage: true })).toEqual({ status: 400, code: 'InvalidParameterValue', type: 'Sender' });
  expect(n({ status: 200, output: { MessageId: '0f8fad5b-d9cb-469f-a165-70867728950e' } })).toEqual({ status: 200, MessageId: '<uuid>' });
  expect(e({ status: 200, output: { anything: 1 } })).toEqual({ status: 200 });
});
