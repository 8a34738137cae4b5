/**
 * Wire-level protocol behaviour, with raw HTTP requests (no SDK): request ids, error
 * envelopes of both protocols, protocol detection, query parameter encodings, queue-URL
 * paths, Host handling, queue URL shapes and the SigV4 region.
 * References: sqs-wire-spec.md §1-§3 and §9, aws-behaviours.md A and L.
 */
import { createHash } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import type { RunningEmulator } from '../../src/index.js';
import { emulator, rawJson, rawQuery, uniqueName, type RawResponse } from '../support/clients.js';

const ACCOUNT = '000000000000';
const NS = 'http://queue.amazonaws.com/doc/2012-11-05/';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

let server: RunningEmulator;
beforeAll(async () => {
  // The Host tests use a Docker service name, which listening on 0.0.0.0 (the image) allows.
  server = await emulator({ allowedHosts: ['sqs-emulator'] });
});
afterAll(() => server.stop());

interface PlainResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** node:http rather than fetch: fetch does not let a caller choose the Host header. */
function plain(options: { method?: string; path?: string; headers?: Record<string, string>; body?: string }): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        method: options.method ?? 'POST',
        path: options.path ?? '/',
        headers: options.headers,
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A raw form POST with the body exactly as given (no re-encoding). */
async function form(body: string, init: { path?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const res = await fetch(server.url + (init.path ?? '/'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...init.headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text };
}

async function createQueue(name = uniqueName()): Promise<{ name: string; url: string }> {
  const res = await rawJson(server.url, 'CreateQueue', { QueueName: name });
  expect(res.status).toBe(200);
  return { name, url: res.body.QueueUrl as string };
}

async function sendJson(queueUrl: string, body: string, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await rawJson(server.url, 'SendMessage', { QueueUrl: queueUrl, MessageBody: body, ...extra });
  expect(res.status).toBe(200);
}

async function approximateCount(queueUrl: string): Promise<number> {
  const res = await rawJson(server.url, 'GetQueueAttributes', {
    QueueUrl: queueUrl,
    AttributeNames: ['ApproximateNumberOfMessages'],
  });
  expect(res.status).toBe(200);
  return Number(res.body.Attributes.ApproximateNumberOfMessages);
}

/** The flattened XML list under `parent[name]`: fast-xml-parser gives one item as an object. */
function items<T = any>(parent: any, name: string): T[] {
  const v = parent?.[name];
  return v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v];
}

function xmlAttributes(result: any): Record<string, string> {
  return Object.fromEntries(items<{ Name: string; Value: string }>(result, 'Attribute').map((a) => [a.Name, a.Value]));
}

describe('request ids', () => {
  test('every response of both protocols, success or error, carries x-amzn-RequestId', async () => {
    const { url } = await createQueue();
    const responses: [string, RawResponse][] = [
      ['json success', await rawJson(server.url, 'ListQueues', {})],
      ['json modelled error', await rawJson(server.url, 'GetQueueUrl', { QueueName: uniqueName('missing') })],
      ['json missing parameter', await rawJson(server.url, 'SendMessage', { QueueUrl: url })],
      ['json unknown action', await rawJson(server.url, 'FooBar', {})],
      ['json bad body', await rawJson(server.url, 'ListQueues', '{not json')],
      ['query success', await rawQuery(server.url, { Action: 'ListQueues', Version: '2012-11-05' })],
      ['query GET success', await rawQuery(server.url, { Action: 'GetQueueUrl', QueueName: url.split('/').pop()! }, { method: 'GET' })],
      ['query modelled error', await rawQuery(server.url, { Action: 'GetQueueUrl', QueueName: uniqueName('missing') })],
      ['query unknown action', await rawQuery(server.url, { Action: 'FooBar' })],
      ['query without action', await rawQuery(server.url, { QueueName: 'x' })],
      ['query at a queue path', await rawQuery(server.url, { Action: 'GetQueueAttributes' }, { path: new URL(url).pathname })],
    ];
    const ids = new Set<string>();
    for (const [what, res] of responses) {
      const id = res.headers.get('x-amzn-requestid');
      expect([what, id]).toEqual([what, expect.stringMatching(UUID)]);
      ids.add(id!);
      if (res.text.startsWith('<')) {
        // The XML RequestId (what query clients read) is the same id.
        const root = res.body.ErrorResponse ?? Object.values(res.body).find((v) => typeof v === 'object' && v !== null && 'ResponseMetadata' in v);
        const xmlId = root?.RequestId ?? root?.ResponseMetadata?.RequestId;
        expect([what, xmlId]).toEqual([what, id]);
      }
    }
    expect(ids.size).toBe(responses.length);
  });

  test('/health answers 200 JSON', async () => {
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });
});

describe('JSON errors (sqs-wire-spec §2.4, F1, F4, F8)', () => {
  test('modelled error: namespaced __type, lower-case message, x-amzn-query-error', async () => {
    const res = await rawJson(server.url, 'GetQueueUrl', { QueueName: uniqueName('missing') });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(res.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
    expect(res.body).toEqual({ __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' });
  });

  test('missing parameter: coral namespace, MissingParameter header (F72)', async () => {
    const { url } = await createQueue();
    const res = await rawJson(server.url, 'SendMessage', { QueueUrl: url });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-query-error')).toBe('MissingParameter;Sender');
    expect(res.body).toEqual({
      __type: 'com.amazon.coral.service#MissingRequiredParameterException',
      message: 'The request must contain the parameter MessageBody.',
    });
  });

  test('invalid value: InvalidParameterValueException / InvalidParameterValue (F99)', async () => {
    const { url } = await createQueue();
    const res = await rawJson(server.url, 'ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 11 });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-query-error')).toBe('InvalidParameterValue;Sender');
    expect(res.body).toEqual({
      __type: 'com.amazon.coral.service#InvalidParameterValueException',
      message: 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    });
  });

  test('a body that is not JSON is a SerializationException, not a 500', async () => {
    const res = await rawJson(server.url, 'ListQueues', '{"QueueNamePrefix":');
    expect(res.status).toBe(400);
    expect(res.body.__type).toBe('com.amazon.coral.service#SerializationException');
    expect(res.headers.get('x-amzn-query-error')).toBe('SerializationException;Sender');
    expect(typeof res.body.message).toBe('string');
  });
});

describe('query errors (sqs-wire-spec §3.6, F3, F5, F7)', () => {
  test('ErrorResponse envelope: Type, Code, Message, empty Detail, RequestId, namespace', async () => {
    const res = await rawQuery(server.url, { Action: 'GetQueueUrl', Version: '2012-11-05', QueueName: uniqueName('missing') });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(res.text).toMatch(/^<\?xml version="1\.0"\?>\s*<ErrorResponse xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/">/);
    const error = res.body.ErrorResponse;
    expect(error['@_xmlns']).toBe(NS);
    expect(Object.keys(error).sort()).toEqual(['@_xmlns', 'Error', 'RequestId']);
    expect(res.text).toMatch(/<\/Error>\s*<RequestId>[^<]+<\/RequestId>\s*<\/ErrorResponse>\s*$/);
    expect(res.text).toMatch(/<Detail\s*\/>|<Detail><\/Detail>/);
    expect(Object.keys(error.Error)).toEqual(['Type', 'Code', 'Message', 'Detail']);
    expect(error.Error).toEqual({
      Type: 'Sender',
      Code: 'AWS.SimpleQueueService.NonExistentQueue',
      Message: 'The specified queue does not exist for this wsdl version.',
      Detail: '',
    });
    expect(error.RequestId).toMatch(UUID);
  });

  test('QueueDoesNotExist text differs by protocol for the same queue URL (F5)', async () => {
    const { url } = await createQueue();
    await rawJson(server.url, 'DeleteQueue', { QueueUrl: url });
    const json = await rawJson(server.url, 'GetQueueAttributes', { QueueUrl: url });
    const query = await rawQuery(server.url, { Action: 'GetQueueAttributes', QueueUrl: url });
    expect([json.status, query.status]).toEqual([400, 400]);
    expect(json.body.message).toBe('The specified queue does not exist.');
    expect(query.body.ErrorResponse.Error.Message).toBe('The specified queue does not exist for this wsdl version.');
    expect(query.body.ErrorResponse.Error.Code).toBe('AWS.SimpleQueueService.NonExistentQueue');
  });

  test('missing parameter over query', async () => {
    const { url } = await createQueue();
    const res = await rawQuery(server.url, { Action: 'SendMessage', QueueUrl: url });
    expect(res.status).toBe(400);
    expect(res.body.ErrorResponse.Error).toMatchObject({
      Type: 'Sender',
      Code: 'MissingParameter',
      Message: 'The request must contain the parameter MessageBody.',
    });
  });
});

describe('unknown actions (§2.5, §3.7)', () => {
  test('JSON X-Amz-Target AmazonSQS.FooBar is InvalidAction 400', async () => {
    const res = await rawJson(server.url, 'FooBar', {});
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-query-error')).toBe('InvalidAction;Sender');
    expect(res.body.__type).toMatch(/^com\.amazon\.coral\.service#/);
    expect(res.body.message).toBe('The action FooBar is not valid for this endpoint.');
  });

  test('a JSON target without the AmazonSQS. prefix is refused in JSON', async () => {
    const res = await rawJson(server.url, 'ListQueues', {}, { headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(res.headers.get('x-amzn-query-error')).toBe('InvalidAction;Sender');
  });

  test('query Action=FooBar is InvalidAction 400', async () => {
    for (const method of ['POST', 'GET'] as const) {
      const res = await rawQuery(server.url, { Action: 'FooBar', Version: '2012-11-05' }, { method });
      expect(res.status).toBe(400);
      expect(res.body.ErrorResponse.Error).toEqual({
        Type: 'Sender',
        Code: 'InvalidAction',
        Message: 'The action FooBar is not valid for this endpoint.',
        Detail: '',
      });
    }
  });

  test('a query request without Action is refused in XML, not answered 200 or 500', async () => {
    const res = await rawQuery(server.url, { QueueName: 'x' });
    expect(res.status).toBe(404);
    expect(res.body.ErrorResponse.Error.Type).toBe('Sender');
  });
});

describe('GET is answered like POST (§1.2.4)', () => {
  test('create, send, receive and delete with GET query strings', async () => {
    const name = uniqueName('get');
    const created = await rawQuery(server.url, { Action: 'CreateQueue', Version: '2012-11-05', QueueName: name }, { method: 'GET' });
    expect(created.status).toBe(200);
    const url = created.body.CreateQueueResponse.CreateQueueResult.QueueUrl as string;
    expect(url).toBe(`${server.url}/${ACCOUNT}/${name}`);
    const sent = await rawQuery(server.url, { Action: 'SendMessage', QueueUrl: url, MessageBody: 'via GET' }, { method: 'GET' });
    expect(sent.status).toBe(200);
    expect(sent.body.SendMessageResponse.SendMessageResult.MD5OfMessageBody).toBe(md5('via GET'));
    const received = await rawQuery(server.url, { Action: 'ReceiveMessage', QueueUrl: url }, { method: 'GET' });
    const message = received.body.ReceiveMessageResponse.ReceiveMessageResult.Message;
    expect(message.Body).toBe('via GET');
    const deleted = await rawQuery(
      server.url,
      { Action: 'DeleteMessage', QueueUrl: url, ReceiptHandle: message.ReceiptHandle },
      { method: 'GET' },
    );
    expect(deleted.status).toBe(200);
    expect(await approximateCount(url)).toBe(0);
  });

  test('form body wins over the query string on conflict (§1.2.2)', async () => {
    const inQuery = uniqueName('in-query');
    const inBody = uniqueName('in-body');
    const res = await form(`Action=CreateQueue&QueueName=${inBody}`, { path: `/?QueueName=${inQuery}` });
    expect(res.status).toBe(200);
    expect(res.text).toContain(`/${ACCOUNT}/${inBody}</QueueUrl>`);
    expect((await rawJson(server.url, 'GetQueueUrl', { QueueName: inQuery })).status).toBe(400);
  });

  test('legacy signature parameters are ignored (§1.2.6)', async () => {
    const res = await rawQuery(server.url, {
      Action: 'ListQueues',
      Version: '2012-11-05',
      AWSAccessKeyId: 'AKID',
      Timestamp: '2026-01-01T00:00:00Z',
      SignatureVersion: '2',
      SignatureMethod: 'HmacSHA256',
      Signature: 'abc=',
    });
    expect(res.status).toBe(200);
    expect(res.body.ListQueuesResponse).toHaveProperty('ListQueuesResult');
  });
});

describe('requests at a queue URL path (F177, section L)', () => {
  test('kombu: POST /<account>/<queue> with no QueueUrl and no Version', async () => {
    const { name, url } = await createQueue();
    await sendJson(url, 'for kombu');
    const res = await form('MaxNumberOfMessages=10&AttributeName.1=ApproximateReceiveCount&WaitTimeSeconds=1&Action=ReceiveMessage', {
      path: `/${ACCOUNT}/${name}`,
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<Body>for kombu</Body>');
    expect(res.text).toMatch(/<Attribute><Name>ApproximateReceiveCount<\/Name><Value>1<\/Value><\/Attribute>/);
  });

  test('GET at a queue path names the queue too', async () => {
    const { name } = await createQueue();
    const res = await rawQuery(server.url, { Action: 'GetQueueAttributes', 'AttributeName.1': 'QueueArn' }, { method: 'GET', path: `/${ACCOUNT}/${name}` });
    expect(res.status).toBe(200);
    expect(xmlAttributes(res.body.GetQueueAttributesResponse.GetQueueAttributesResult)).toEqual({
      QueueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`,
    });
  });

  test('an explicit QueueUrl parameter overrides the path', async () => {
    const a = await createQueue();
    const b = await createQueue();
    const res = await rawQuery(server.url, { Action: 'SendMessage', QueueUrl: b.url, MessageBody: 'to b' }, { path: `/${ACCOUNT}/${a.name}` });
    expect(res.status).toBe(200);
    expect(await approximateCount(a.url)).toBe(0);
    expect(await approximateCount(b.url)).toBe(1);
  });

  test('a queue path naming a missing queue is QueueDoesNotExist', async () => {
    const res = await form('Action=ReceiveMessage', { path: `/${ACCOUNT}/${uniqueName('missing')}` });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<Code>AWS.SimpleQueueService.NonExistentQueue</Code>');
  });

  test('CreateQueue and ListQueues sent to a queue path are InvalidAction (§3.7)', async () => {
    const { name } = await createQueue();
    for (const action of ['CreateQueue', 'ListQueues']) {
      const res = await rawQuery(server.url, { Action: action, QueueName: uniqueName() }, { path: `/${ACCOUNT}/${name}` });
      expect(res.status).toBe(400);
      expect(res.body.ErrorResponse.Error.Code).toBe('InvalidAction');
      expect(res.body.ErrorResponse.Error.Message).toBe(`The action ${action} is not valid for this endpoint.`);
    }
  });

  test('no Action at a queue URL: 404 bare <UnknownOperationException/>, XML even when JSON is asked for (F181)', async () => {
    const { name } = await createQueue();
    const path = `/${ACCOUNT}/${name}`;
    const answers = [
      await rawQuery(server.url, {}, { method: 'GET', path }),
      await rawQuery(server.url, { QueueName: name }, { method: 'GET', path, headers: { accept: 'application/json' } }),
      await form('', { path }),
      await form('MessageBody=x', { path, headers: { accept: 'application/json' } }),
      // a queue that does not exist: still no operation, not NonExistentQueue
      await rawQuery(server.url, {}, { method: 'GET', path: `/${ACCOUNT}/${uniqueName('missing')}` }),
    ];
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/xml/);
      expect(res.headers.get('x-amzn-requestid')).toMatch(UUID);
      expect(res.text).toBe('<UnknownOperationException/>');
    }
    // at `/` the answer stays the ErrorResponse envelope
    const root = await rawQuery(server.url, {}, { method: 'GET' });
    expect(root.status).toBe(404);
    expect(root.body.ErrorResponse.Error.Code).toBe('UnknownOperationException');
  });

  test('GetQueueUrl at queue A\'s URL with QueueName B returns B\'s URL (F182)', async () => {
    const a = await createQueue();
    const b = await createQueue();
    for (const method of ['GET', 'POST'] as const) {
      const res = await rawQuery(server.url, { Action: 'GetQueueUrl', Version: '2012-11-05', QueueName: b.name }, { method, path: `/${ACCOUNT}/${a.name}` });
      expect(res.status).toBe(200);
      expect(res.body.GetQueueUrlResponse.GetQueueUrlResult.QueueUrl).toBe(b.url);
    }
    const missing = await rawQuery(server.url, { Action: 'GetQueueUrl', QueueName: uniqueName('missing') }, { path: `/${ACCOUNT}/${a.name}` });
    expect(missing.status).toBe(400);
    expect(missing.body.ErrorResponse.Error.Code).toBe('AWS.SimpleQueueService.NonExistentQueue');
  });

  test('JSON posted to a queue path: the path names the queue unless QueueUrl is given', async () => {
    const a = await createQueue();
    const b = await createQueue();
    const path = `/${ACCOUNT}/${a.name}`;
    expect((await rawJson(server.url, 'SendMessage', { MessageBody: 'by path' }, { path })).status).toBe(200);
    expect((await rawJson(server.url, 'SendMessage', { QueueUrl: b.url, MessageBody: 'by url' }, { path })).status).toBe(200);
    const received = await rawJson(server.url, 'ReceiveMessage', { MaxNumberOfMessages: 10 }, { path });
    expect(received.status).toBe(200);
    expect(received.body.Messages.map((m: { Body: string }) => m.Body)).toEqual(['by path']);
    expect(await approximateCount(b.url)).toBe(1);
  });
});

describe('query parameter encodings (§3.1)', () => {
  test('spaces as + and as %20, %2B as a plus, UTF-8 escapes', async () => {
    const { url } = await createQueue();
    const q = encodeURIComponent(url);
    expect((await form(`Action=SendMessage&QueueUrl=${q}&MessageBody=a+b%20c%2Bd+%E2%9C%93`)).status).toBe(200);
    const res = await rawQuery(server.url, { Action: 'ReceiveMessage', QueueUrl: url });
    const message = res.body.ReceiveMessageResponse.ReceiveMessageResult.Message;
    expect(message.Body).toBe('a b c+d ✓');
    expect(message.MD5OfBody).toBe(md5('a b c+d ✓'));
  });

  test('empty lists: AttributeNames= (botocore) and AttributeName= (JS v3) are empty, not errors', async () => {
    const { url } = await createQueue();
    const q = encodeURIComponent(url);
    for (const empty of ['AttributeNames=', 'AttributeName=']) {
      const res = await form(`Action=GetQueueAttributes&Version=2012-11-05&QueueUrl=${q}&${empty}`);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('<Attribute>');
      expect(res.text).toMatch(/<GetQueueAttributesResult\s*\/>|<GetQueueAttributesResult><\/GetQueueAttributesResult>/);
    }
    await sendJson(url, 'x', { MessageAttributes: { a: { DataType: 'String', StringValue: 'v' } } });
    for (const empty of ['AttributeNames=&MessageAttributeNames=', 'AttributeName=&MessageAttributeName=']) {
      const res = await form(`Action=ReceiveMessage&Version=2012-11-05&QueueUrl=${q}&VisibilityTimeout=0&${empty}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('<Body>x</Body>');
      expect(res.text).not.toContain('<Attribute>');
      expect(res.text).not.toContain('<MessageAttribute>');
      expect(res.text).not.toContain('<MD5OfMessageAttributes>');
    }
  });

  test('botocore\'s empty Entries= is an empty batch, EmptyBatchRequest as over JSON (F180)', async () => {
    const { url } = await createQueue();
    const q = encodeURIComponent(url);
    for (const [action, entry] of [
      ['SendMessageBatch', 'SendMessageBatchRequestEntry'],
      ['DeleteMessageBatch', 'DeleteMessageBatchRequestEntry'],
      ['ChangeMessageVisibilityBatch', 'ChangeMessageVisibilityBatchRequestEntry'],
    ]) {
      const message = `There should be at least one ${entry} in the request.`;
      const query = await form(`Action=${action}&Version=2012-11-05&QueueUrl=${q}&Entries=`);
      expect(query.status).toBe(400);
      expect(query.text).toContain('<Code>AWS.SimpleQueueService.EmptyBatchRequest</Code>');
      expect(query.text).toContain(`<Message>${message}</Message>`);
      const json = await rawJson(server.url, action, { QueueUrl: url, Entries: [] });
      expect(json.status).toBe(400);
      expect(json.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.EmptyBatchRequest;Sender');
      expect(json.body.message).toBe(message);
    }
  });

  test('every other empty list sent as its bare member name acts as [] does over JSON (F180)', async () => {
    const { url } = await createQueue();
    const q = encodeURIComponent(url);
    await sendJson(url, 'x', { MessageAttributes: { a: { DataType: 'String', StringValue: 'v' } } });
    const received = await form(`Action=ReceiveMessage&QueueUrl=${q}&VisibilityTimeout=0&AttributeNames=&MessageSystemAttributeNames=&MessageAttributeNames=`);
    expect(received.status).toBe(200);
    expect(received.text).toContain('<Body>x</Body>');
    expect(received.text).not.toContain('<Attribute>');
    expect(received.text).not.toContain('<MessageAttribute>');
    // UntagQueue with TagKeys=[] is a no-op over JSON; so is TagKeys= over query
    expect((await rawJson(server.url, 'UntagQueue', { QueueUrl: url, TagKeys: [] })).status).toBe(200);
    expect((await form(`Action=UntagQueue&QueueUrl=${q}&TagKeys=`)).status).toBe(200);
    // AddPermission with an empty AWSAccountIds or Actions is the same MissingParameter both ways
    for (const [empty, filled, missing] of [
      ['AWSAccountIds', 'ActionName.1=SendMessage', 'AWSAccountIds'],
      ['Actions', `AWSAccountId.1=${ACCOUNT}`, 'Actions'],
    ]) {
      const body = { QueueUrl: url, Label: 'l', AWSAccountIds: [ACCOUNT], Actions: ['SendMessage'], [empty]: [] };
      const json = await rawJson(server.url, 'AddPermission', body);
      const query = await form(`Action=AddPermission&QueueUrl=${q}&Label=l&${filled}&${empty}=`);
      expect(json.status).toBe(400);
      expect(json.body.message).toBe(`The request must contain the parameter ${missing}.`);
      expect(query.status).toBe(400);
      expect(query.text).toContain(`<Message>The request must contain the parameter ${missing}.</Message>`);
    }
  });

  test('JSON empty lists are treated as absent', async () => {
    const { url } = await createQueue();
    await sendJson(url, 'x', { MessageAttributes: { a: { DataType: 'String', StringValue: 'v' } } });
    const res = await rawJson(server.url, 'ReceiveMessage', {
      QueueUrl: url,
      AttributeNames: [],
      MessageSystemAttributeNames: [],
      MessageAttributeNames: [],
    });
    expect(res.status).toBe(200);
    expect(res.body.Messages).toHaveLength(1);
    expect(Object.keys(res.body.Messages[0]).sort()).toEqual(['Body', 'MD5OfBody', 'MessageId', 'ReceiptHandle']);
    const attrs = await rawJson(server.url, 'GetQueueAttributes', { QueueUrl: url, AttributeNames: [] });
    expect(attrs.status).toBe(200);
    expect(attrs.body).toEqual({});
  });

  test('unindexed forms: AttributeName=All, MessageAttributeName=All, Attribute.Name/Attribute.Value', async () => {
    const { url } = await createQueue();
    const set = await rawQuery(server.url, {
      Action: 'SetQueueAttributes',
      QueueUrl: url,
      'Attribute.Name': 'VisibilityTimeout',
      'Attribute.Value': '45',
    });
    expect(set.status).toBe(200);
    const all = await rawQuery(server.url, { Action: 'GetQueueAttributes', QueueUrl: url, AttributeName: 'All' });
    expect(all.status).toBe(200);
    const attributes = xmlAttributes(all.body.GetQueueAttributesResponse.GetQueueAttributesResult);
    expect(attributes.VisibilityTimeout).toBe('45');
    expect(attributes.QueueArn).toMatch(/^arn:aws:sqs:us-east-1:/);
    expect(Object.keys(attributes).length).toBeGreaterThan(5);

    await sendJson(url, 'm', { MessageAttributes: { color: { DataType: 'String', StringValue: 'blue' } } });
    const received = await rawQuery(server.url, {
      Action: 'ReceiveMessage',
      QueueUrl: url,
      AttributeName: 'SentTimestamp',
      MessageAttributeName: 'All',
    });
    const message = received.body.ReceiveMessageResponse.ReceiveMessageResult.Message;
    expect(xmlAttributes(message)).toEqual({ SentTimestamp: expect.stringMatching(/^\d{13}$/) });
    expect(message.MessageAttribute).toEqual({ Name: 'color', Value: { StringValue: 'blue', DataType: 'String' } });
  });

  test('indexes out of order and Action/Version anywhere in the body', async () => {
    const { url } = await createQueue();
    const body = [
      `QueueUrl=${encodeURIComponent(url)}`,
      'SendMessageBatchRequestEntry.2.MessageBody=two',
      'SendMessageBatchRequestEntry.1.Id=a',
      'Version=2012-11-05',
      'SendMessageBatchRequestEntry.2.Id=b',
      'SendMessageBatchRequestEntry.1.MessageBody=one',
      'Action=SendMessageBatch',
    ].join('&');
    const res = await form(body);
    expect(res.status).toBe(200);
    expect(res.text.match(/<SendMessageBatchResultEntry>/g)).toHaveLength(2);
    expect(res.text).toContain(`<Id>a</Id>`);
    expect(res.text).toContain(`<MD5OfMessageBody>${md5('one')}</MD5OfMessageBody>`);
  });
});

describe('protocol detection (§1.2)', () => {
  test('a form body with X-Amz-Target: AmazonSQSv20121105.SendMessage is still query', async () => {
    const { url } = await createQueue();
    for (const contentType of ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8']) {
      const res = await form(`Action=SendMessage&Version=2012-11-05&QueueUrl=${encodeURIComponent(url)}&MessageBody=hi`, {
        headers: { 'content-type': contentType, 'x-amz-target': 'AmazonSQSv20121105.SendMessage' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
      expect(res.text).toContain(`<SendMessageResponse xmlns="${NS}">`);
      expect(res.text).toContain(`<MD5OfMessageBody>${md5('hi')}</MD5OfMessageBody>`);
    }
    expect(await approximateCount(url)).toBe(2);
  });

  test('a form body without Content-Type but with an AmazonSQS. target is query', async () => {
    const res = await plain({
      path: '/',
      headers: { 'x-amz-target': 'AmazonSQS.ListQueues' },
      body: 'Action=ListQueues&Version=2012-11-05',
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<ListQueuesResponse');
  });

  test('JSON content type with a target and a charset parameter is JSON', async () => {
    const res = await rawJson(server.url, 'ListQueues', {}, { headers: { 'content-type': 'application/x-amz-json-1.0; charset=utf-8' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(typeof res.body).toBe('object');
  });
});

describe('XML escaping (§3.5, F76)', () => {
  test('CR is written &#xD; and " is written &quot;; the body round-trips', async () => {
    const { url } = await createQueue();
    const body = 'he said "hi"\r\nline\r<&>\'';
    const sent = await rawQuery(server.url, { Action: 'SendMessage', QueueUrl: url, MessageBody: body });
    expect(sent.status).toBe(200);
    expect(sent.body.SendMessageResponse.SendMessageResult.MD5OfMessageBody).toBe(md5(body));
    const res = await rawQuery(server.url, { Action: 'ReceiveMessage', QueueUrl: url });
    expect(res.text).toContain('<Body>he said &quot;hi&quot;&#xD;\nline&#xD;&lt;&amp;&gt;\'</Body>');
    expect(res.text).not.toContain('\r');
    expect(res.text).not.toContain('<![CDATA[');
    expect(res.text).toContain(`<MD5OfBody>${md5(body)}</MD5OfBody>`);
  });

  test('error messages are escaped too', async () => {
    const { url } = await createQueue();
    const res = await rawQuery(server.url, { Action: 'DeleteMessage', QueueUrl: url, ReceiptHandle: 'a"<b>' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.text).not.toMatch(/<Message>[^<]*"[^<]*<\/Message>/);
    expect(res.text).toContain('a&quot;&lt;b&gt;');
  });
});

describe('queue URLs follow the Host header (§9.1)', () => {
  test('Host: sqs-emulator:9324 gives URLs on that host, both protocols', async () => {
    const name = uniqueName('host');
    const json = await plain({
      headers: { host: 'sqs-emulator:9324', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.CreateQueue' },
      body: JSON.stringify({ QueueName: name }),
    });
    expect(json.status).toBe(200);
    expect(JSON.parse(json.text)).toEqual({ QueueUrl: `http://sqs-emulator:9324/${ACCOUNT}/${name}` });
    const query = await plain({
      headers: { host: 'sqs-emulator:9324', 'content-type': 'application/x-www-form-urlencoded' },
      body: `Action=GetQueueUrl&QueueName=${name}`,
    });
    expect(query.text).toContain(`<QueueUrl>http://sqs-emulator:9324/${ACCOUNT}/${name}</QueueUrl>`);
    const listed = await plain({
      method: 'GET',
      path: `/?Action=ListQueues&QueueNamePrefix=${name}`,
      headers: { host: 'localhost:4566' },
    });
    expect(listed.text).toContain(`<QueueUrl>http://localhost:4566/${ACCOUNT}/${name}</QueueUrl>`);
  });

  test('each request on one keep-alive connection gets the URL of its own Host and X-Forwarded-Proto, in JSON and query', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const ports = new Set<number>();
    /** CreateQueue over the shared connection, in JSON or, with `query`, as a form answered in XML. */
    const create = (name: string, headers: Record<string, string>, query = false): Promise<string> =>
      new Promise((resolve, reject) => {
        const wire = query
          ? { 'content-type': 'application/x-www-form-urlencoded' }
          : { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.CreateQueue' };
        const req = httpRequest({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/', agent, headers: { ...headers, ...wire } }, (res) => {
          ports.add(res.socket.localPort!);
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve(query ? (/<QueueUrl>([^<]*)<\/QueueUrl>/.exec(text)?.[1] ?? text) : JSON.parse(text).QueueUrl);
          });
        });
        req.on('error', reject);
        req.end(query ? `Action=CreateQueue&QueueName=${name}` : JSON.stringify({ QueueName: name }));
      });
    try {
      const name = uniqueName('keepalive');
      expect(await create(name, { host: 'sqs-emulator:9324' })).toBe(`http://sqs-emulator:9324/${ACCOUNT}/${name}`);
      expect(await create(name, { host: 'localhost:4566' })).toBe(`http://localhost:4566/${ACCOUNT}/${name}`);
      expect(await create(name, { host: 'localhost:4566', 'x-forwarded-proto': 'https' })).toBe(`https://localhost:4566/${ACCOUNT}/${name}`);
      expect(await create(name, { host: 'sqs-emulator:9324' })).toBe(`http://sqs-emulator:9324/${ACCOUNT}/${name}`);
      expect(await create(name, { host: 'localhost:4566' }, true)).toBe(`http://localhost:4566/${ACCOUNT}/${name}`);
      expect(await create(name, { host: 'localhost:4566', 'x-forwarded-proto': 'https' }, true)).toBe(`https://localhost:4566/${ACCOUNT}/${name}`);
      expect(ports.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  test('a Host without a port gets the port the request arrived on', async () => {
    const name = uniqueName('noport');
    for (const host of ['localhost', '127.0.0.1', '[::1]']) {
      const res = await plain({
        headers: { host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.CreateQueue' },
        body: JSON.stringify({ QueueName: name }),
      });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text).QueueUrl).toBe(`http://${host}:${server.port}/${ACCOUNT}/${name}`);
    }
  });

  test('a URL handed out under one Host is accepted under another', async () => {
    const name = uniqueName('other');
    const created = await plain({
      headers: { host: 'sqs-emulator:9324', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.CreateQueue' },
      body: JSON.stringify({ QueueName: name }),
    });
    const url = JSON.parse(created.text).QueueUrl as string;
    await sendJson(url, 'cross-host');
    expect(await approximateCount(url)).toBe(1);
  });
});

describe('incoming queue URLs of every shape resolve (§9.1)', () => {
  test.each([
    (name: string) => `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${name}`,
    (name: string) => `https://queue.amazonaws.com/${ACCOUNT}/${name}`,
    (name: string) => `https://us-east-1.queue.amazonaws.com/${ACCOUNT}/${name}`,
    (name: string) => `http://other-host:1234/${ACCOUNT}/${name}`,
    (name: string) => `http://localhost:4566/queue/us-east-1/${ACCOUNT}/${name}`,
    (name: string) => `http://sqs.us-east-1.localhost.localstack.cloud:4566/${ACCOUNT}/${name}`,
  ].map((f) => [f('q'), f] as const))('%s', async (_example, shape) => {
    const { name, url } = await createQueue();
    const other = shape(name);
    expect((await rawJson(server.url, 'SendMessage', { QueueUrl: other, MessageBody: 'json' })).status).toBe(200);
    expect((await rawQuery(server.url, { Action: 'SendMessage', QueueUrl: other, MessageBody: 'query' })).status).toBe(200);
    expect(await approximateCount(url)).toBe(2);
  });

  test('a QueueUrl that is no queue URL is refused with a 4xx, not a 500', async () => {
    for (const bad of ['http://[broken', 'not a url at all/with/slashes/', `http://h/${ACCOUNT}/bad name`]) {
      const json = await rawJson(server.url, 'GetQueueAttributes', { QueueUrl: bad });
      const query = await rawQuery(server.url, { Action: 'GetQueueAttributes', QueueUrl: bad });
      expect([bad, json.status >= 400 && json.status < 500]).toEqual([bad, true]);
      expect([bad, query.status >= 400 && query.status < 500]).toEqual([bad, true]);
      expect(query.body.ErrorResponse?.Error?.Type).toBe('Sender');
    }
  });
});

describe('a QueueUrl with no queue path (F184)', () => {
  test('is QueueDoesNotExist over both protocols, not InvalidAddress', async () => {
    const QueueUrl = 'http://whatever-incorrect-queue-address';
    const json = await rawJson(server.url, 'ReceiveMessage', { QueueUrl });
    expect(json.status).toBe(400);
    expect(json.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
    expect(json.body).toEqual({ __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' });
    const query = await rawQuery(server.url, { Action: 'ReceiveMessage', QueueUrl });
    expect(query.status).toBe(400);
    expect(query.body.ErrorResponse.Error).toEqual({
      Type: 'Sender',
      Code: 'AWS.SimpleQueueService.NonExistentQueue',
      Message: 'The specified queue does not exist for this wsdl version.',
      Detail: '',
    });
  });
});

describe('query answered in JSON (F35, F183)', () => {
  test('ReceiveMessage lists its messages under a lowercase messages; the XML keeps <Message>', async () => {
    const { url } = await createQueue();
    await sendJson(url, 'first');
    const json = await rawQuery(server.url, { Action: 'ReceiveMessage', QueueUrl: url, VisibilityTimeout: '0' }, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(200);
    const result = JSON.parse(json.text).ReceiveMessageResponse.ReceiveMessageResult;
    expect(Object.keys(result)).toEqual(['messages']);
    expect(result.messages).toHaveLength(1);
    expect(result.messages[0]).toMatchObject({ Body: 'first', MD5OfBody: md5('first') });
    const xml = await rawQuery(server.url, { Action: 'ReceiveMessage', QueueUrl: url });
    expect(xml.body.ReceiveMessageResponse.ReceiveMessageResult.Message.Body).toBe('first');
  });
});

describe('region from the SigV4 credential scope (§1.1)', () => {
  const signed = (region: string): Record<string, string> => ({
    authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/${region}/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd`,
  });

  test('the Authorization header chooses the region, for both protocols', async () => {
    const name = uniqueName('region');
    const created = await rawJson(server.url, 'CreateQueue', { QueueName: name }, { headers: signed('eu-west-2') });
    expect(created.status).toBe(200);
    const url = created.body.QueueUrl as string;
    const arn = await rawQuery(
      server.url,
      { Action: 'GetQueueAttributes', QueueUrl: url, 'AttributeName.1': 'QueueArn' },
      { headers: signed('eu-west-2') },
    );
    expect(xmlAttributes(arn.body.GetQueueAttributesResponse.GetQueueAttributesResult)).toEqual({
      QueueArn: `arn:aws:sqs:eu-west-2:${ACCOUNT}:${name}`,
    });
    // Unsigned requests use the default region, where this queue does not exist.
    expect((await rawJson(server.url, 'GetQueueUrl', { QueueName: name })).status).toBe(400);
    expect((await rawJson(server.url, 'GetQueueUrl', { QueueName: name }, { headers: signed('eu-west-2') })).status).toBe(200);
    // The same name in another region is another queue (F30).
    const again = await rawQuery(server.url, { Action: 'CreateQueue', QueueName: name }, { headers: signed('ap-south-1') });
    expect(again.status).toBe(200);
    // Each region hands out its own URL; a URL without a region follows the signature's.
    expect(again.body.CreateQueueResponse.CreateQueueResult.QueueUrl).toBe(`${server.url}/queue/ap-south-1/${ACCOUNT}/${name}`);
    expect(url).toBe(`${server.url}/queue/eu-west-2/${ACCOUNT}/${name}`);
    for (const region of ['eu-west-2', 'ap-south-1']) {
      const arn2 = await rawJson(
        server.url,
        'GetQueueAttributes',
        { QueueUrl: `${server.url}/${ACCOUNT}/${name}`, AttributeNames: ['QueueArn'] },
        { headers: signed(region) },
      );
      expect(arn2.body.Attributes.QueueArn).toBe(`arn:aws:sqs:${region}:${ACCOUNT}:${name}`);
    }
  });

  test('a presigned GET carries the region in X-Amz-Credential; the X-Amz-* parameters are not SQS parameters', async () => {
    const name = uniqueName('presigned');
    const res = await rawQuery(
      server.url,
      {
        Action: 'CreateQueue',
        QueueName: name,
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Credential': 'AKIDEXAMPLE/20260101/sa-east-1/sqs/aws4_request',
        'X-Amz-Date': '20260101T000000Z',
        'X-Amz-Expires': '900',
        'X-Amz-SignedHeaders': 'host',
        'X-Amz-Signature': 'abcd',
      },
      { method: 'GET' },
    );
    expect(res.status).toBe(200);
    const arn = await rawJson(
      server.url,
      'GetQueueAttributes',
      { QueueUrl: res.body.CreateQueueResponse.CreateQueueResult.QueueUrl, AttributeNames: ['QueueArn'] },
      { headers: signed('sa-east-1') },
    );
    expect(arn.body.Attributes.QueueArn).toBe(`arn:aws:sqs:sa-east-1:${ACCOUNT}:${name}`);
  });
});
