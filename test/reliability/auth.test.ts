/**
 * `--auth verify`: SigV4 signatures checked on both protocols (header-signed and presigned),
 * AWS's errors for missing, malformed, unknown, wrong and expired signatures, and callers
 * confined to their own account unless a queue Policy grants them.
 */
import {
  CancelMessageMoveTaskCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { createHash, createHmac } from 'node:crypto';
import { Sha256 } from '../conformance/sigv4.js';
import * as v3query from 'sqs-v3-query';
import type { RunningEmulator } from '../../src/index.js';
import { signRequest } from '../../src/auth/sigv4.js';
import { parseCommandLine } from '../../src/config.js';
import { emulator, jsonClient, queryClient, rawJson, rawQuery } from '../support/clients.js';

const A = { accessKeyId: 'AKIAALICE', secretAccessKey: 'alice-secret', accountId: '111111111111' };
const B = { accessKeyId: 'AKIABOB', secretAccessKey: 'bob/secret+x', accountId: '222222222222' };

let server: RunningEmulator;
beforeAll(async () => {
  server = await emulator({ auth: 'verify', credentials: [A, B] });
});
afterAll(() => server.stop());

const keys = (c: typeof A) => ({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey });

function legacyQueryClient(c: { accessKeyId: string; secretAccessKey: string }): v3query.SQSClient {
  return new v3query.SQSClient({ endpoint: server.url, region: 'us-east-1', credentials: c, maxAttempts: 1 });
}

async function errorOf(p: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
  }
  throw new Error('expected the request to fail');
}

const smithySigner = (c: { accessKeyId: string; secretAccessKey: string }) =>
  new SignatureV4({ credentials: c, region: 'us-east-1', service: 'sqs', sha256: Sha256 as never, uriEscapePath: true, applyChecksum: false });

describe('the SDKs sign and are let in', () => {
  test.each([
    ['json', jsonClient],
    ['query (current SDK)', queryClient],
  ] as const)('%s: a configured key works and acts in its own account', async (_, make) => {
    const client = make(server.url, 'us-east-1', keys(A));
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: `own-${_.split(' ')[0]}` }));
    expect(QueueUrl).toContain(`/${A.accountId}/`);
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hi' }));
    const got = await client.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(got.Messages?.[0]?.Body).toBe('hi');
  });

  test('the 3.445.0 query client signs with a secret containing / and +', async () => {
    const client = legacyQueryClient(keys(B));
    const { QueueUrl } = await client.send(new v3query.CreateQueueCommand({ QueueName: 'legacy' }));
    expect(QueueUrl).toContain(`/${B.accountId}/legacy`);
    await client.send(new v3query.SendMessageCommand({ QueueUrl, MessageBody: 'x y & z' }));
    const got = await client.send(new v3query.ReceiveMessageCommand({ QueueUrl }));
    expect(got.Messages?.[0]?.Body).toBe('x y & z');
  });

  test('ListQueues shows only the caller’s account', async () => {
    const a = jsonClient(server.url, 'us-east-1', keys(A));
    const b = jsonClient(server.url, 'us-east-1', keys(B));
    await a.send(new CreateQueueCommand({ QueueName: 'only-alice' }));
    const listedByB = (await b.send(new ListQueuesCommand({}))).QueueUrls ?? [];
    expect(listedByB.every((u) => u.includes(`/${B.accountId}/`))).toBe(true);
    expect((await a.send(new ListQueuesCommand({}))).QueueUrls).toContain(`${server.url}/${A.accountId}/only-alice`);
  });
});

describe("AWS's errors", () => {
  test.each([
    ['json', jsonClient],
    ['query (current SDK)', queryClient],
  ] as const)('%s: unknown key → InvalidClientTokenId 403, wrong secret → SignatureDoesNotMatch 403', async (_, make) => {
    const unknown = await errorOf(make(server.url, 'us-east-1', { accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' }).send(new ListQueuesCommand({})));
    expect(unknown).toMatchObject({ name: 'InvalidClientTokenId', status: 403, message: 'The security token included in the request is invalid.' });
    const wrong = await errorOf(make(server.url, 'us-east-1', { accessKeyId: A.accessKeyId, secretAccessKey: 'not-it' }).send(new ListQueuesCommand({})));
    expect(wrong).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    expect(wrong.message).toMatch(/^The request signature we calculated does not match the signature you provided/);
  });

  test('3.445.0 query client: wrong secret → SignatureDoesNotMatch', async () => {
    const wrong = await errorOf(legacyQueryClient({ accessKeyId: A.accessKeyId, secretAccessKey: 'nope' }).send(new v3query.ListQueuesCommand({})));
    expect(wrong).toMatchObject({ status: 403 });
    expect(wrong.message).toMatch(/signature we calculated does not match/);
  });

  test('no signature → MissingAuthenticationToken 403 on both protocols', async () => {
    const json = await rawJson(server.url, 'ListQueues', {});
    expect(json.status).toBe(403);
    expect(json.headers.get('x-amzn-query-error')).toBe('MissingAuthenticationToken;Sender');
    expect(JSON.parse(json.text)).toMatchObject({ message: 'Request is missing Authentication Token' });
    const query = await rawQuery(server.url, { Action: 'ListQueues', Version: '2012-11-05' });
    expect(query.status).toBe(403);
    expect(query.body.ErrorResponse.Error).toMatchObject({ Code: 'MissingAuthenticationToken', Type: 'Sender' });
    expect(query.body.ErrorResponse.RequestId).toBeTruthy();
  });

  test('a malformed Authorization header → IncompleteSignature 400', async () => {
    const res = await rawQuery(server.url, { Action: 'ListQueues' }, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAALICE/20260101/us-east-1/sqs/aws4_request' } });
    expect(res.status).toBe(400);
    expect(res.body.ErrorResponse.Error.Code).toBe('IncompleteSignature');
    expect(res.body.ErrorResponse.Error.Message).toMatch(/requires 'Signature' parameter/);
    const json = await rawJson(server.url, 'ListQueues', {}, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect([json.status, json.headers.get('x-amzn-query-error')]).toEqual([400, 'IncompleteSignature;Sender']);
  });

  test('a signature older than 5 minutes → SignatureDoesNotMatch "Signature expired"; 4 minutes is fine', async () => {
    const body = 'Action=ListQueues&Version=2012-11-05';
    const send = async (skewMs: number) => {
      const headers = signRequest(
        { method: 'POST', path: '/', query: '', headers: { host: new URL(server.url).host, 'content-type': 'application/x-www-form-urlencoded' }, body },
        A,
        'us-east-1',
        Date.now() + skewMs,
      );
      return rawQueryRaw(body, headers);
    };
    const old = await send(-6 * 60_000);
    expect(old.status).toBe(403);
    expect(old.text).toMatch(/<Code>SignatureDoesNotMatch<\/Code><Message>Signature expired: \d{8}T\d{6}Z is now earlier than/);
    const future = await send(6 * 60_000);
    expect(future.text).toMatch(/Signature not yet current/);
    expect((await send(-4 * 60_000)).status).toBe(200);
    expect((await send(4 * 60_000)).status).toBe(200);
  });

  test('a body changed after signing → SignatureDoesNotMatch', async () => {
    const body = 'Action=ListQueues&Version=2012-11-05';
    const headers = signRequest(
      { method: 'POST', path: '/', query: '', headers: { host: new URL(server.url).host, 'content-type': 'application/x-www-form-urlencoded' }, body },
      A,
      'us-east-1',
      Date.now(),
    );
    expect((await rawQueryRaw(body, headers)).status).toBe(200);
    const tampered = await rawQueryRaw(body + '&QueueNamePrefix=x', headers);
    expect(tampered.status).toBe(403);
    expect(tampered.text).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  test('a credential scoped to another service → SignatureDoesNotMatch', async () => {
    const signer = new SignatureV4({ credentials: keys(A), region: 'us-east-1', service: 'sns', sha256: Sha256 as never, uriEscapePath: true, applyChecksum: false });
    const u = new URL(server.url);
    const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/', query: { Action: 'ListQueues' }, headers: { host: u.host } });
    const res = await fetch(`${server.url}/?Action=ListQueues`, { headers: { ...(signed.headers as Record<string, string>), host: u.host } });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Credential should be scoped to correct service: 'sqs'.");
  });
});

async function rawQueryRaw(body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const h = { ...headers };
  delete h.host;
  const res = await fetch(server.url + '/', { method: 'POST', headers: h, body });
  return { status: res.status, text: await res.text() };
}

describe('presigned URLs', () => {
  async function presign(c: { accessKeyId: string; secretAccessKey: string }, query: Record<string, string>, expiresIn: number, signingDate = new Date()): Promise<string> {
    const u = new URL(server.url);
    const signed = await smithySigner(c).presign(
      { method: 'GET', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/', query, headers: { host: u.host } },
      { expiresIn, signingDate },
    );
    return `${server.url}/?${new URLSearchParams(signed.query as Record<string, string>).toString()}`;
  }

  test('a presigned GET works, on query and asking for JSON', async () => {
    const url = await presign(keys(A), { Action: 'ListQueues', Version: '2012-11-05', QueueNamePrefix: 'own' }, 300);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`/${A.accountId}/own-json`);
    const json = await fetch(url, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(200);
  });

  test('an expired presigned URL → RequestExpired 400', async () => {
    const url = await presign(keys(A), { Action: 'ListQueues' }, 60, new Date(Date.now() - 120_000));
    const res = await fetch(url);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/<Code>RequestExpired<\/Code>/);
  });

  test('a presigned URL with a changed parameter → SignatureDoesNotMatch', async () => {
    const url = await presign(keys(A), { Action: 'ListQueues', QueueNamePrefix: 'a' }, 300);
    const res = await fetch(url.replace('QueueNamePrefix=a', 'QueueNamePrefix=b'));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });
});

describe('cross-account access follows the queue Policy', () => {
  test("another account's queue is AccessDenied until its Policy grants the action", async () => {
    const owner = jsonClient(server.url, 'us-east-1', keys(A));
    const other = jsonClient(server.url, 'us-east-1', keys(B));
    const otherQuery = legacyQueryClient(keys(B));
    const { QueueUrl } = await owner.send(new CreateQueueCommand({ QueueName: 'shared' }));
    const denied = await errorOf(other.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' })));
    expect(denied).toMatchObject({ name: 'AccessDenied', status: 403, message: `Access to the resource ${QueueUrl} is denied.` });
    const deniedQuery = await errorOf(otherQuery.send(new v3query.SendMessageCommand({ QueueUrl, MessageBody: 'x' })));
    expect(deniedQuery.status).toBe(403);

    const policy = (principal: unknown, action: string | string[]) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: principal, Action: action, Resource: `arn:aws:sqs:us-east-1:${A.accountId}:shared` }],
      });
    await owner.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: policy({ AWS: `arn:aws:iam::${B.accountId}:root` }, 'sqs:SendMessage') } }));
    await other.send(new SendMessageCommand({ QueueUrl, MessageBody: 'from bob' }));
    expect(await errorOf(other.send(new ReceiveMessageCommand({ QueueUrl })))).toMatchObject({ name: 'AccessDenied' });
    // Only the owner may change the queue, whatever the Policy says.
    expect(await errorOf(other.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: '5' } })))).toMatchObject({ name: 'AccessDenied' });

    await owner.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: policy('*', ['SQS:SendMessage', 'sqs:Receive*']) } }));
    const got = await otherQuery.send(new v3query.ReceiveMessageCommand({ QueueUrl }));
    expect(got.Messages?.[0]?.Body).toBe('from bob');

    await owner.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: policy({ AWS: [B.accountId] }, 'sqs:*') } }));
    await other.send(new SendMessageCommand({ QueueUrl, MessageBody: 'by account id' }));
    // A Deny beats an Allow, and applies to the owner too.
    await owner.send(
      new SetQueueAttributesCommand({
        QueueUrl,
        Attributes: {
          Policy: JSON.stringify({
            Statement: [
              { Effect: 'Allow', Principal: '*', Action: '*' },
              { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sqs:SendMessage' },
            ],
          }),
        },
      }),
    );
    expect(await errorOf(other.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' })))).toMatchObject({ name: 'AccessDenied' });
    expect(await errorOf(owner.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' })))).toMatchObject({ name: 'AccessDenied' });
  });

  test('move tasks: the source queue (by ARN or inside a TaskHandle) and the destination are checked like queue URLs', async () => {
    const owner = jsonClient(server.url, 'us-east-1', keys(A));
    const other = jsonClient(server.url, 'us-east-1', keys(B));
    const arnOf = async (c: typeof owner, QueueUrl: string) =>
      (await c.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const dlq = (await owner.send(new CreateQueueCommand({ QueueName: 'mt-dlq' }))).QueueUrl!;
    const dlqArn = await arnOf(owner, dlq);
    await owner.send(new CreateQueueCommand({ QueueName: 'mt-src', Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) } }));
    expect((await owner.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).$metadata.httpStatusCode).toBe(200);
    expect(await errorOf(other.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn })))).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(await errorOf(legacyQueryClient(keys(B)).send(new v3query.ListMessageMoveTasksCommand({ SourceArn: dlqArn })))).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(await errorOf(other.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn })))).toMatchObject({ name: 'AccessDenied', status: 403 });
    const handle = Buffer.from(JSON.stringify({ taskId: 'x', sourceArn: dlqArn })).toString('base64');
    expect(await errorOf(other.send(new CancelMessageMoveTaskCommand({ TaskHandle: handle })))).toMatchObject({ name: 'AccessDenied', status: 403 });
    // Bob's own dead-letter queue may not be redriven into Alice's queue.
    const bobDlq = (await other.send(new CreateQueueCommand({ QueueName: 'mt-bob-dlq' }))).QueueUrl!;
    const bobDlqArn = await arnOf(other, bobDlq);
    await other.send(new CreateQueueCommand({ QueueName: 'mt-bob-src', Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: bobDlqArn, maxReceiveCount: 1 }) } }));
    expect(await errorOf(other.send(new StartMessageMoveTaskCommand({ SourceArn: bobDlqArn, DestinationArn: dlqArn })))).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  test('a queue URL naming another account in a request of a key of no account is not a way in', async () => {
    const client = new SQSClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: '111111111111', secretAccessKey: 'x' }, maxAttempts: 1 });
    expect(await errorOf(client.send(new ListQueuesCommand({})))).toMatchObject({ name: 'InvalidClientTokenId' });
  });
});

describe('tampering (property, fixed seed)', () => {
  test('changing any one byte of a signed request (body, a signed header, the signature) is refused, never a 500', async () => {
    const host = new URL(server.url).host;
    const body = 'Action=ListQueues&Version=2012-11-05&QueueNamePrefix=own';
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('body', 'x-amz-date', 'content-type', 'signature'), fc.nat(), fc.integer({ min: 1, max: 94 }), async (part, at, delta) => {
        const headers = signRequest({ method: 'POST', path: '/', query: '', headers: { host, 'content-type': 'application/x-www-form-urlencoded' }, body }, A, 'us-east-1', Date.now());
        const change = (text: string): string => {
          const i = at % text.length;
          const c = String.fromCharCode(((text.charCodeAt(i) - 32 + delta) % 95) + 32);
          return text.slice(0, i) + c + text.slice(i + 1);
        };
        let sentBody = body;
        if (part === 'body') sentBody = change(body);
        else if (part === 'signature') headers.authorization = headers.authorization!.replace(/Signature=([0-9a-f]+)/, (_, sig: string) => `Signature=${change(sig)}`);
        else headers[part] = change(headers[part]!);
        const res = await rawQueryRaw(sentBody, headers);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.text).toMatch(/<Code>(SignatureDoesNotMatch|IncompleteSignature|InvalidClientTokenId)<\/Code>/);
      }),
      { seed: 9, numRuns: 200 },
    );
  });
});

describe('configuration', () => {
  test('flag, environment and config-file forms', () => {
    const fromEnv = parseCommandLine([], { SQS_EMULATOR_AUTH: 'verify', SQS_EMULATOR_CREDENTIALS: 'K1:S1:111111111111,K2:S2:222222222222' });
    expect(fromEnv).toMatchObject({ kind: 'run', options: { auth: 'verify', credentials: [{ accessKeyId: 'K1', secretAccessKey: 'S1', accountId: '111111111111' }, { accessKeyId: 'K2' }] } });
    expect(parseCommandLine(['--auth', 'verify', '--max-long-polls', '5'], {})).toMatchObject({ options: { auth: 'verify', maxLongPolls: 5 } });
    expect(() => parseCommandLine(['--auth', 'maybe'], {})).toThrow(/auth must be off or verify/);
    expect(() => parseCommandLine([], { SQS_EMULATOR_CREDENTIALS: 'K1:S1' })).toThrow(/ACCESS_KEY_ID:SECRET_ACCESS_KEY:ACCOUNT_ID/);
  });

  test('verify without credentials refuses to start', async () => {
    await expect(emulator({ auth: 'verify' })).rejects.toThrow(/needs at least one credential/);
  });
});
