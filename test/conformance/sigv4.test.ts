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

test("the AWS target's query client signs exactly as the vector-checked signer does", async () => {
  const { awsSdk } = await import('./client.js');
  const { ListQueuesCommand, SendMessageCommand } = await import('@aws-sdk/client-sqs');
  const captured: any[] = [];
  const xmlReply = (action: string) =>
    `<${action}Response xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><${action}Result/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`;
  const sdk = awsSdk('query', 'eu-west-1', {
    credentials,
    md5: false,
    requestHandler: {
      handle: async (request: any) => {
        captured.push(request);
        const action = new URLSearchParams(String(request.body)).get('Action')!;
        return { response: { statusCode: 200, headers: { 'content-type': 'text/xml' }, body: Buffer.from(xmlReply(action)) } };
      },
    },
  });
  await sdk.send(new ListQueuesCommand({ QueueNamePrefix: 'conf' }));
  await sdk.send(new SendMessageCommand({ QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q', MessageBody: 'hello "world"\r\n' })).catch(() => undefined);
  sdk.destroy();
  expect(captured).toHaveLength(2);
  for (const req of captured) {
    const authorization = req.headers.authorization as string;
    expect(authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/sqs\/aws4_request, /);
    const amzDate = req.headers['x-amz-date'] as string;
    const date = new Date(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
    const headers = Object.fromEntries(Object.entries(req.headers as Record<string, string>).filter(([k]) => k !== 'authorization'));
    const query = new URLSearchParams(req.query ?? {}).toString();
    const resigned = await signRequest(
      { method: req.method, url: `${req.protocol}//${req.hostname}${req.port ? `:${req.port}` : ''}${req.path}${query ? `?${query}` : ''}`, headers, body: req.body },
      signer(credentials, 'eu-west-1'),
      date,
    );
    expect(resigned.authorization).toBe(authorization);
  }
});
