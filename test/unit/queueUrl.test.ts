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
