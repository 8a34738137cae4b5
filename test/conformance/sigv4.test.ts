/**
 * The AWS mode's raw-request signing, checked without an account against published vectors
 * of AWS's SigV4 test suite (docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html):
 * credentials AKIDEXAMPLE, region us-east-1, service "service", 2015-08-30T12:36:00Z.
 */
import { signer, signRequest } from './sigv4.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const date = new Date('2015-08-30T12:36:00Z');
const scope = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=';

test.each([
  ['get-vanilla', 'GET', 'https://example.amazonaws.com/', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
  ['post-vanilla', 'POST', 'https://example.amazonaws.com/', '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'],
  // query parameters are sorted by key in the canonical request (the query protocol's GET form)
  ['get-vanilla-query-order-key-case', 'GET', 'https://example.amazonaws.com/?Param2=value2&Param1=value1', 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500'],
] as const)('SigV4 test-suite vector %s', async (_name, method, url, signature) => {
  const headers = await signRequest({ method, url }, signer(credentials, 'us-east-1', 'service'), date);
  expect(headers['x-amz-date']).toBe('20150830T123600Z');
  expect(headers.authorization).toBe(scope + signature);
});

test('a signed SQS request carries the region and service in its credential scope', async () => {
  const headers = await signRequest(
    { method: 'POST', url: 'https://sqs.eu-west-1.amazonaws.com/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListQueues&Version=2012-11-05' },
    signer(credentials, 'eu-west-1'),
    date,
  );
  expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20150830\/eu-west-1\/sqs\/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/);
});
