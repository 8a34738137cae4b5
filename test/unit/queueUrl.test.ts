import { parseQueuePath, parseQueueUrl } from '../../src/api/queueUrl.js';

test.each([
  ['http://127.0.0.1:9324/000000000000/q', { accountId: '000000000000', name: 'q', region: undefined }],
  ['https://sqs.eu-west-1.amazonaws.com/123456789012/jobs.fifo', { accountId: '123456789012', name: 'jobs.fifo', region: 'eu-west-1' }],
  ['https://us-west-2.queue.amazonaws.com/123456789012/q', { accountId: '123456789012', name: 'q', region: 'us-west-2' }],
  ['https://queue.amazonaws.com/123456789012/q', { accountId: '123456789012', name: 'q', region: 'us-east-1' }],
  ['http://localhost:4566/queue/ap-south-1/000000000000/q', { accountId: '000000000000', name: 'q', region: 'ap-south-1' }],
  ['http://sqs.us-east-2.localhost.localstack.cloud:4566/000000000000/q', { accountId: '000000000000', name: 'q', region: 'us-east-2' }],
])('parses %s', (url, expected) => {
  expect(parseQueueUrl(url)).toEqual(expected);
});

// The usual shapes take a shortcut (one regular expression, the URL parser once per origin):
// asked twice, each must answer as the full parse does, including hosts the parser refuses or
// rewrites, case and encoding.
test.each([
  ['http://1.2/000000000000/q', { accountId: '000000000000', name: 'q', region: undefined }],
  ['https://SQS.eu-west-1.amazonaws.com/123456789012/q', { accountId: '123456789012', name: 'q', region: 'eu-west-1' }],
  ['HTTP://SQS.EU-WEST-1.AMAZONAWS.COM/123456789012/q', { accountId: '123456789012', name: 'q', region: 'eu-west-1' }],
  ['http://localhost/000000000000/q%2Dx', { accountId: '000000000000', name: 'q-x', region: undefined }],
  ['http://localhost:4566/000000000000/q?x=1', { accountId: '000000000000', name: 'q', region: undefined }],
])('parses %s twice alike', (url, expected) => {
  expect(parseQueueUrl(url)).toEqual(expected);
  expect(parseQueueUrl(url)).toEqual(expected);
});

test.each(['http://a.1/000000000000/q', 'http://localhost:99999/000000000000/q', 'http://localhost/QUEUE/eu-west-1/000000000000/q', 'http://localhost/000000000000/q.FIFO'])(
  'refuses %s twice with InvalidAddress',
  (url) => {
    for (let i = 0; i < 2; i++) expect(() => parseQueueUrl(url)).toThrow(expect.objectContaining({ name: 'InvalidAddress' }));
  },
);

test('rejects what is no queue URL with InvalidAddress', () => {
  for (const bad of ['http://[bad', 'http://host/a/b/c/d/e', '']) {
    expect(() => parseQueueUrl(bad)).toThrow(expect.objectContaining({ name: 'InvalidAddress' }));
  }
});

test('a URL with no queue path at all is a missing queue, not InvalidAddress (F184)', () => {
  for (const bad of ['http://whatever-incorrect-queue-address', 'https://sqs.us-east-1.amazonaws.com/', 'http://127.0.0.1:9324//']) {
    expect(() => parseQueueUrl(bad)).toThrow(expect.objectContaining({ name: 'AWS.SimpleQueueService.NonExistentQueue', message: 'The specified queue does not exist.' }));
  }
});

test('queue paths', () => {
  expect(parseQueuePath('/000000000000/q')).toEqual({ accountId: '000000000000', name: 'q' });
  expect(parseQueuePath('/')).toBeUndefined();
  expect(parseQueuePath('/health')).toBeUndefined();
});
