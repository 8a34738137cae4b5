/**
 * Control for the real-client scenarios: the JavaScript SDKs' MD5 checks are live as configured
 * there, so "the scenario passed" means the emulator's digests were verified. A fake server
 * (not the emulator) answers SendMessage with a wrong MD5OfMessageBody; each SDK must reject it.
 */
import * as latest from '@aws-sdk/client-sqs';
import AWS from 'aws-sdk';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as v3query from 'sqs-v3-query';
import { REGION } from './support.js';
import type { SqsModule } from './v3Scenario.js';

const WRONG = '0'.repeat(32);
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (String(req.headers['content-type']).startsWith('application/x-amz-json-1.0')) {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'r' });
        res.end(JSON.stringify({ MessageId: '11111111-1111-1111-1111-111111111111', MD5OfMessageBody: WRONG }));
      } else {
        res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': 'r' });
        res.end(
          '<SendMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><SendMessageResult>' +
            `<MessageId>11111111-1111-1111-1111-111111111111</MessageId><MD5OfMessageBody>${WRONG}</MD5OfMessageBody>` +
            '</SendMessageResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></SendMessageResponse>',
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

test.each([
  ['latest (JSON)', latest as SqsModule],
  ['3.445.0 (query)', v3query as unknown as SqsModule],
])('@aws-sdk/client-sqs %s rejects a wrong MD5OfMessageBody', async (_label, m) => {
  const sqs = new m.SQSClient({ endpoint: url, region: REGION, credentials, maxAttempts: 1 });
  await expect(sqs.send(new m.SendMessageCommand({ QueueUrl: `${url}/000000000000/q`, MessageBody: 'x' }))).rejects.toThrow(/MD5|checksum/i);
  sqs.destroy();
});

test('aws-sdk v2 rejects a wrong MD5OfMessageBody', async () => {
  const sqs = new AWS.SQS({ endpoint: url, region: REGION, credentials: new AWS.Credentials(credentials), maxRetries: 0 });
  await expect(sqs.sendMessage({ QueueUrl: `${url}/000000000000/q`, MessageBody: 'x' }).promise()).rejects.toMatchObject({
    code: 'InvalidChecksum',
  });
});
