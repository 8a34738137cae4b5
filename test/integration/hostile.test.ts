/**
 * Hostile and malformed input: every request here must be answered with a 4xx in the
 * caller's protocol (never a 500, never a crash or a hang), keys such as `__proto__` must stay
 * plain data, and the server must still answer /health afterwards.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import type { RunningEmulator } from '../../src/index.js';
import { complainingLogger, emulator, rawJson, rawQuery, uniqueName, type RawResponse } from '../support/clients.js';

const ACCOUNT = '000000000000';
const xml = new XMLParser({ ignoreAttributes: false, parseTagValue: false, trimValues: false });
const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

let server: RunningEmulator;
/** What the server logged at error or warn level: a hostile request is the client's fault, never a server failure. */
const { logger, complaints } = complainingLogger();
beforeAll(async () => {
  server = await emulator({ logger });
});
afterAll(() => server.stop());

/** The server still serves: /health answers 200 within a couple of seconds. */
async function expectAlive(): Promise<void> {
  const res = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(2_000) });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'ok' });
}

function expect4xx(res: RawResponse): void {
  if (res.status < 400 || res.status >= 500) throw new Error(`expected a 4xx answer, got ${res.status}: ${res.text.slice(0, 500)}`);
}

/** A JSON-protocol refusal: 4xx, JSON error body, both codes, a request id. */
function expectJsonRefusal(res: RawResponse, type?: string): void {
  expect4xx(res);
  expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.0');
  expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
  expect(res.headers.get('x-amzn-query-error')).toMatch(/;Sender$/);
  expect(res.body).toEqual({ __type: expect.stringMatching(/#/), message: expect.any(String) });
  if (type) expect(res.body.__type).toBe(type);
}

/** A query-protocol refusal: 4xx, XML ErrorResponse with a Sender fault. */
function expectQueryRefusal(res: RawResponse, code?: string): void {
  expect4xx(res);
  expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
  expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
  expect(res.body.ErrorResponse?.Error?.Type).toBe('Sender');
  if (code) expect(res.body.ErrorResponse.Error.Code).toBe(code);
}

/** POST a raw body with the given headers (no re-encoding), parsed like rawQuery/rawJson do. */
async function post(body: string | Uint8Array, headers: Record<string, string>, path = '/'): Promise<RawResponse> {
  const res = await fetch(server.url + path, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let parsed: unknown = text;
  if (text.startsWith('<')) {
    parsed = xml.parse(text);
  } else {
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

const JSON_HEADERS = (action: string): Record<string, string> => ({
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-target': `AmazonSQS.${action}`,
});
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function createQueue(name = uniqueName('hostile')): Promise<string> {
  const res = await rawJson(server.url, 'CreateQueue', { QueueName: name });
  expect(res.status).toBe(200);
  return res.body.QueueUrl as string;
}

afterEach(async () => {
  await expectAlive();
  expect(complaints.splice(0)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
});

describe('malformed JSON bodies', () => {
  test.each([
    ['truncated JSON', '{"QueueName":'],
    ['not JSON at all', 'Action=ListQueues'],
    ['an array', '[{"QueueName":"x"}]'],
    ['a number', '42'],
    ['a string', '"CreateQueue"'],
    ['null', 'null'],
    ['trailing garbage', '{"QueueName":"x"} {}'],
    ['a lone brace', '{'],
    ['invalid UTF-8 inside a string', Buffer.from([0x7b, 0x22, 0x51, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]).toString('latin1')],
  ])('%s', async (_what, body) => {
    const res = await post(body, JSON_HEADERS('CreateQueue'));
    expectJsonRefusal(res);
  });

  test('deeply nested JSON is refused without walking it', async () => {
    for (const depth of [40, 10_000, 500_000]) {
      const res = await post('{"QueueName":' + '['.repeat(depth) + ']'.repeat(depth) + '}', JSON_HEADERS('CreateQueue'));
      expectJsonRefusal(res, 'com.amazon.coral.service#SerializationException');
      const objects = await post('{"a":'.repeat(depth) + '1' + '}'.repeat(depth), JSON_HEADERS('ListQueues'));
      expectJsonRefusal(objects, 'com.amazon.coral.service#SerializationException');
    }
  });

  test('nesting within the limit but of the wrong shape is a type error, not a crash', async () => {
    const nested = '{"a":'.repeat(20) + '1' + '}'.repeat(20);
    const res = await post(`{"QueueName":${nested}}`, JSON_HEADERS('CreateQueue'));
    expectJsonRefusal(res, 'com.amazon.coral.service#SerializationException');
  });

  test('an empty body is an empty input: ListQueues works, SendMessage misses parameters', async () => {
    const list = await post('', JSON_HEADERS('ListQueues'));
    expect(list.status).toBe(200);
    expect(typeof list.body).toBe('object');
    const send = await post('', JSON_HEADERS('SendMessage'));
    expectJsonRefusal(send, 'com.amazon.coral.service#MissingRequiredParameterException');
  });

  test('a JSON content type without X-Amz-Target is refused in JSON', async () => {
    const res = await post('{"QueueName":"x"}', { 'content-type': 'application/x-amz-json-1.0' });
    expectJsonRefusal(res);
    expect(res.headers.get('x-amzn-query-error')).toBe('InvalidAction;Sender');
  });

  test('an empty or odd X-Amz-Target is refused', async () => {
    for (const target of ['AmazonSQS.', 'AmazonSQS', 'AmazonSQS.constructor', 'AmazonSQS.__proto__', 'AmazonSQS.toString', 'AmazonSQS.listQueues']) {
      const res = await post('{}', { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target });
      expectJsonRefusal(res);
      expect([target, res.headers.get('x-amzn-query-error')]).toEqual([target, 'InvalidAction;Sender']);
    }
  });
});

describe('wrong member types (JSON)', () => {
  test.each([
    ['string where a string list is expected', 'GetQueueAttributes', { AttributeNames: 'All' }],
    ['object where a string is expected', 'GetQueueAttributes', { QueueUrl: { url: 'x' } }],
    ['list where a string is expected', 'CreateQueue', { QueueName: ['a'] }],
    ['number where a string is expected', 'CreateQueue', { QueueName: 42 }],
    ['boolean where a string is expected', 'SendMessage', { MessageBody: true }],
    ['string where a map is expected', 'CreateQueue', { QueueName: 'x', Attributes: 'VisibilityTimeout=1' }],
    ['list where a map is expected', 'TagQueue', { Tags: [['k', 'v']] }],
    ['number in a map of strings', 'CreateQueue', { QueueName: 'x', Attributes: { VisibilityTimeout: 30 } }],
    ['object where a list of entries is expected', 'SendMessageBatch', { Entries: { '0': { Id: 'a', MessageBody: 'b' } } }],
    ['string entries in a batch', 'DeleteMessageBatch', { Entries: ['a', 'b'] }],
    ['boolean where an integer is expected', 'ReceiveMessage', { MaxNumberOfMessages: true }],
    ['object where an integer is expected', 'ReceiveMessage', { MaxNumberOfMessages: { n: 1 } }],
    ['a fraction where an integer is expected', 'ReceiveMessage', { MaxNumberOfMessages: 1.5 }],
    ['a word where an integer is expected', 'ReceiveMessage', { MaxNumberOfMessages: 'ten' }],
    ['1e400 where an integer is expected', 'ReceiveMessage', '1e400'],
    ['a list where an attribute value is expected', 'SendMessage', { MessageBody: 'b', MessageAttributes: { a: ['String', 'v'] } }],
    ['a number as BinaryValue', 'SendMessage', { MessageBody: 'b', MessageAttributes: { a: { DataType: 'Binary', BinaryValue: 12 } } }],
    ['invalid base64 as BinaryValue', 'SendMessage', { MessageBody: 'b', MessageAttributes: { a: { DataType: 'Binary', BinaryValue: '!!!' } } }],
    ['a string as StringListValues', 'SendMessage', { MessageBody: 'b', MessageAttributes: { a: { DataType: 'String', StringListValues: 'x' } } }],
  ])('%s', async (_what, action, members) => {
    const queueUrl = await createQueue();
    const body =
      typeof members === 'string'
        ? `{"QueueUrl":${JSON.stringify(queueUrl)},"MaxNumberOfMessages":${members}}`
        : JSON.stringify({ QueueUrl: queueUrl, ...members });
    const res = await post(body, JSON_HEADERS(action as string));
    expectJsonRefusal(res);
  });
});

describe('numbers out of range', () => {
  test('huge integers are InvalidParameterValue on both protocols', async () => {
    const queueUrl = await createQueue();
    const huge = '99999999999999999999';
    const query = await rawQuery(server.url, { Action: 'ReceiveMessage', QueueUrl: queueUrl, MaxNumberOfMessages: huge });
    expectQueryRefusal(query, 'InvalidParameterValue');
    const json = await post(`{"QueueUrl":${JSON.stringify(queueUrl)},"MaxNumberOfMessages":${huge}}`, JSON_HEADERS('ReceiveMessage'));
    expectJsonRefusal(json, 'com.amazon.coral.service#InvalidParameterValueException');
    const jsonString = await rawJson(server.url, 'ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: huge });
    expectJsonRefusal(jsonString, 'com.amazon.coral.service#InvalidParameterValueException');
    for (const [parameter, action] of [
      ['VisibilityTimeout', 'ReceiveMessage'],
      ['WaitTimeSeconds', 'ReceiveMessage'],
      ['DelaySeconds', 'SendMessage'],
    ] as const) {
      const res = await rawQuery(server.url, { Action: action, QueueUrl: queueUrl, MessageBody: 'x', [parameter]: huge });
      expectQueryRefusal(res, 'InvalidParameterValue');
    }
    const attribute = await rawQuery(server.url, {
      Action: 'SetQueueAttributes',
      QueueUrl: queueUrl,
      'Attribute.1.Name': 'VisibilityTimeout',
      'Attribute.1.Value': huge,
    });
    expectQueryRefusal(attribute, 'InvalidAttributeValue');
  });

  test('negative numbers are refused (F100)', async () => {
    const queueUrl = await createQueue();
    const wait = await rawQuery(server.url, { Action: 'ReceiveMessage', QueueUrl: queueUrl, WaitTimeSeconds: '-1' });
    expectQueryRefusal(wait, 'InvalidParameterValue');
    expect(wait.body.ErrorResponse.Error.Message).toBe(
      'Value -1 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.',
    );
    expectJsonRefusal(await rawJson(server.url, 'ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: -1 }));
    expectJsonRefusal(await rawJson(server.url, 'ReceiveMessage', { QueueUrl: queueUrl, VisibilityTimeout: -5 }));
    expectJsonRefusal(await rawJson(server.url, 'SendMessage', { QueueUrl: queueUrl, MessageBody: 'x', DelaySeconds: -1 }));
    expectJsonRefusal(await rawJson(server.url, 'ListQueues', { MaxResults: -1 }));
    expectJsonRefusal(await rawJson(server.url, 'CreateQueue', { QueueName: uniqueName(), Attributes: { DelaySeconds: '-1' } }));
  });
});

describe('malformed query requests', () => {
  test('malformed percent-encoding (%zz, a lone %) is data, not a crash', async () => {
    const list = await post('Action=ListQueues&QueueNamePrefix=%zz%', FORM);
    expect(list.status).toBe(200);
    expect(list.text).toContain('<ListQueuesResult');
    expectQueryRefusal(await post('Action=%zz&QueueName=%', FORM), 'InvalidAction');
    expectQueryRefusal(await post('Action=CreateQueue&QueueName=%zz', FORM), 'InvalidParameterValue');
    const get = await fetch(`${server.url}/?Action=ListQueues&%zz=%E0%A4%A`);
    expect(get.status).toBe(200);
  });

  test('malformed path encoding at a queue path is not a crash', async () => {
    for (const path of ['/%zz/q', `/${ACCOUNT}/%`, `/${ACCOUNT}/%E0%A4%A`, '/..%2f..%2fetc/passwd', '/a/b/c/d/e/f']) {
      const res = await post('Action=ReceiveMessage', FORM, path);
      expectQueryRefusal(res);
    }
  });

  test('an empty form body or no body at all has no Action', async () => {
    expectQueryRefusal(await post('', FORM));
    const get = await rawQuery(server.url, {}, { method: 'GET' });
    expectQueryRefusal(get);
  });

  test('duplicate keys: one value wins, nothing breaks', async () => {
    const a = uniqueName('dup');
    const b = uniqueName('dup');
    const res = await post(`Action=CreateQueue&QueueName=${a}&QueueName=${b}`, FORM);
    expect(res.status).toBe(200);
    const url = res.body.CreateQueueResponse.CreateQueueResult.QueueUrl as string;
    expect([`${server.url}/${ACCOUNT}/${a}`, `${server.url}/${ACCOUNT}/${b}`]).toContain(url);
    const actions = await post('Action=ListQueues&Action=FooBar&Action=ListQueues', FORM);
    expect(actions.status === 200 || (actions.status >= 400 && actions.status < 500)).toBe(true);
    const indexes = await post(
      `Action=GetQueueAttributes&QueueUrl=${encodeURIComponent(url)}&AttributeName.1=QueueArn&AttributeName.1=VisibilityTimeout`,
      FORM,
    );
    expect(indexes.status).toBe(200);
  });

  test('a key that is both a value and a prefix (Attribute.1.Name and Attribute.1.Name.x)', async () => {
    const res = await post(
      `Action=CreateQueue&QueueName=${uniqueName()}&Attribute.1.Name=VisibilityTimeout&Attribute.1.Name.x=1&Attribute.1.Value=5&Attribute.1=z`,
      FORM,
    );
    expect(res.status === 200 || (res.status >= 400 && res.status < 500)).toBe(true);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
  });

  test('2000+ parameters are refused', async () => {
    const params = Array.from({ length: 2_500 }, (_, i) => `AttributeName.${i + 1}=All`).join('&');
    const res = await post(`Action=GetQueueAttributes&QueueUrl=${encodeURIComponent(await createQueue())}&${params}`, FORM);
    expectQueryRefusal(res, 'InvalidParameterValue');
    const many = Array.from({ length: 50_000 }, (_, i) => `p${i}=${i}`).join('&');
    expectQueryRefusal(await post(`Action=ListQueues&${many}`, FORM), 'InvalidParameterValue');
  });

  test('a JSON object with thousands of unknown members is only data', async () => {
    const members: Record<string, number> = {};
    for (let i = 0; i < 20_000; i++) members[`m${i}`] = i;
    const res = await rawJson(server.url, 'ListQueues', members);
    expect(res.status).toBe(200);
  });

  test('huge list indexes and many dots do not allocate or crash', async () => {
    const queueUrl = encodeURIComponent(await createQueue());
    const sparse = await post(`Action=GetQueueAttributes&QueueUrl=${queueUrl}&AttributeName.999999999=QueueArn&AttributeName.1=DelaySeconds`, FORM);
    expect(sparse.status).toBe(200);
    expect(sparse.text).toContain('<Name>QueueArn</Name>');
    const dots = await post(`Action=ListQueues&${'a.'.repeat(50_000)}b=1`, FORM);
    expect(dots.status).toBe(200);
  });
});

describe('__proto__, constructor and friends are plain data', () => {
  const specialNames = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

  test('as queue names: absent until created, then ordinary queues', async () => {
    for (const name of specialNames) {
      const missingJson = await rawJson(server.url, 'GetQueueUrl', { QueueName: name });
      expectJsonRefusal(missingJson, 'com.amazonaws.sqs#QueueDoesNotExist');
      const missingQuery = await rawQuery(server.url, { Action: 'GetQueueUrl', QueueName: name });
      expectQueryRefusal(missingQuery, 'AWS.SimpleQueueService.NonExistentQueue');
      expectJsonRefusal(await rawJson(server.url, 'GetQueueAttributes', { QueueUrl: `${server.url}/${ACCOUNT}/${name}` }));
    }
    // Valid by the name rules ([A-Za-z0-9_-]), so they are created as plain queues; use a
    // separate region so that other tests' ListQueues are not affected.
    const region = { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-north-1/sqs/aws4_request, SignedHeaders=host, Signature=00' };
    for (const name of specialNames) {
      const created = await rawJson(server.url, 'CreateQueue', { QueueName: name }, { headers: region });
      expect([name, created.status]).toEqual([name, 200]);
      expect(created.body.QueueUrl).toBe(`${server.url}/queue/eu-north-1/${ACCOUNT}/${name}`);
      const sent = await rawJson(server.url, 'SendMessage', { QueueUrl: created.body.QueueUrl, MessageBody: name }, { headers: region });
      expect(sent.status).toBe(200);
    }
    const listed = await rawJson(server.url, 'ListQueues', {}, { headers: region });
    expect(listed.body.QueueUrls.map((u: string) => u.split('/').pop()).sort()).toEqual([...specialNames].sort());
    for (const name of specialNames) {
      const received = await rawJson(server.url, 'ReceiveMessage', { QueueUrl: `${server.url}/${ACCOUNT}/${name}` }, { headers: region });
      expect(received.body.Messages.map((m: { Body: string }) => m.Body)).toEqual([name]);
      expect((await rawJson(server.url, 'DeleteQueue', { QueueUrl: `${server.url}/${ACCOUNT}/${name}` }, { headers: region })).status).toBe(200);
    }
  });

  test('as tag keys, over JSON and query', async () => {
    const queueUrl = await createQueue();
    const tagged = await post(
      `{"QueueUrl":${JSON.stringify(queueUrl)},"Tags":{"__proto__":"p","constructor":"c","toString":"t"}}`,
      JSON_HEADERS('TagQueue'),
    );
    expect(tagged.status).toBe(200);
    const query = await rawQuery(server.url, { Action: 'TagQueue', QueueUrl: queueUrl, 'Tag.1.Key': 'hasOwnProperty', 'Tag.1.Value': 'h' });
    expect(query.status).toBe(200);
    const tags = await rawJson(server.url, 'ListQueueTags', { QueueUrl: queueUrl });
    expect(tags.status).toBe(200);
    expect(tags.text).toContain('"__proto__":"p"');
    expect(JSON.parse(tags.text, (k, v) => (k === '__proto__' ? undefined : v)).Tags).toEqual({ constructor: 'c', toString: 't', hasOwnProperty: 'h' });
    const xml = await rawQuery(server.url, { Action: 'ListQueueTags', QueueUrl: queueUrl });
    expect(xml.text).toContain('<Tag><Key>__proto__</Key><Value>p</Value></Tag>');
    expect(xml.text).toContain('<Tag><Key>constructor</Key><Value>c</Value></Tag>');
    const untagged = await rawJson(server.url, 'UntagQueue', { QueueUrl: queueUrl, TagKeys: ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] });
    expect(untagged.status).toBe(200);
    expect((await rawJson(server.url, 'ListQueueTags', { QueueUrl: queueUrl })).body).toEqual({});
    // CreateQueue tags and a tag map of an object value
    const created = await post(`{"QueueName":"${uniqueName()}","tags":{"__proto__":"x"}}`, JSON_HEADERS('CreateQueue'));
    expect(created.status).toBe(200);
    expect((await rawJson(server.url, 'ListQueueTags', { QueueUrl: created.body.QueueUrl })).text).toContain('"__proto__":"x"');
  });

  test('as message attribute names: kept, digested and returned', async () => {
    const queueUrl = await createQueue();
    const body =
      `{"QueueUrl":${JSON.stringify(queueUrl)},"MessageBody":"m","MessageAttributes":{` +
      `"__proto__":{"DataType":"String","StringValue":"p"},"constructor":{"DataType":"Number","StringValue":"1"}}}`;
    const sent = await post(body, JSON_HEADERS('SendMessage'));
    expect(sent.status).toBe(200);
    const received = await rawJson(server.url, 'ReceiveMessage', { QueueUrl: queueUrl, MessageAttributeNames: ['All'] });
    expect(received.status).toBe(200);
    const message = received.body.Messages[0];
    expect(message.MD5OfMessageAttributes).toBe(sent.body.MD5OfMessageAttributes);
    expect(Object.keys(message.MessageAttributes).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(message.MessageAttributes, '__proto__')?.value).toEqual({ StringValue: 'p', DataType: 'String' });
    // The same attributes over query give the same digest.
    const query = await rawQuery(server.url, {
      Action: 'SendMessage',
      QueueUrl: queueUrl,
      MessageBody: 'm',
      'MessageAttribute.1.Name': '__proto__',
      'MessageAttribute.1.Value.DataType': 'String',
      'MessageAttribute.1.Value.StringValue': 'p',
      'MessageAttribute.2.Name': 'constructor',
      'MessageAttribute.2.Value.DataType': 'Number',
      'MessageAttribute.2.Value.StringValue': '1',
    });
    expect(query.status).toBe(200);
    expect(query.body.SendMessageResponse.SendMessageResult.MD5OfMessageAttributes).toBe(sent.body.MD5OfMessageAttributes);
    const filtered = await rawQuery(server.url, { Action: 'ReceiveMessage', QueueUrl: queueUrl, 'MessageAttributeName.1': 'constructor' });
    expect(filtered.text).toContain('<MessageAttribute><Name>constructor</Name>');
    expect(filtered.text).not.toContain('<Name>__proto__</Name>');
  });

  test('as batch entry ids', async () => {
    const queueUrl = await createQueue();
    const ids = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    const sent = await rawJson(server.url, 'SendMessageBatch', {
      QueueUrl: queueUrl,
      Entries: ids.map((Id) => ({ Id, MessageBody: Id })),
    });
    expect(sent.status).toBe(200);
    expect(sent.body.Failed).toEqual([]);
    expect(sent.body.Successful.map((e: { Id: string }) => e.Id).sort()).toEqual([...ids].sort());
    for (const entry of sent.body.Successful) expect(entry.MD5OfMessageBody).toBe(md5(entry.Id));
    // Repeated special ids are still caught as repeated.
    const repeated = await rawJson(server.url, 'SendMessageBatch', {
      QueueUrl: queueUrl,
      Entries: [
        { Id: 'constructor', MessageBody: 'a' },
        { Id: 'constructor', MessageBody: 'b' },
      ],
    });
    expectJsonRefusal(repeated, 'com.amazonaws.sqs#BatchEntryIdsNotDistinct');
    const received = await rawJson(server.url, 'ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: 10 });
    const byBody = new Map<string, string>(received.body.Messages.map((m: { Body: string; ReceiptHandle: string }) => [m.Body, m.ReceiptHandle]));
    const deleted = await rawQuery(server.url, {
      Action: 'DeleteMessageBatch',
      QueueUrl: queueUrl,
      ...Object.fromEntries(
        ids.flatMap((id, i) => [
          [`DeleteMessageBatchRequestEntry.${i + 1}.Id`, id],
          [`DeleteMessageBatchRequestEntry.${i + 1}.ReceiptHandle`, byBody.get(id) ?? 'missing'],
        ]),
      ),
    });
    expect(deleted.status).toBe(200);
    expect(deleted.text.match(/<DeleteMessageBatchResultEntry>/g)).toHaveLength(ids.length);
  });

  test('{"__proto__":{"polluted":1}} in every map and at the top level pollutes nothing', async () => {
    const queueUrl = await createQueue();
    const q = JSON.stringify(queueUrl);
    const pollute = '{"polluted":1}';
    const bodies: [string, string][] = [
      ['ListQueues', `{"__proto__":${pollute}}`],
      ['CreateQueue', `{"QueueName":"${uniqueName()}","__proto__":${pollute},"Attributes":{"__proto__":${pollute}}}`],
      ['CreateQueue', `{"QueueName":"${uniqueName()}","tags":{"__proto__":${pollute}}}`],
      ['SetQueueAttributes', `{"QueueUrl":${q},"Attributes":{"__proto__":${pollute}}}`],
      ['TagQueue', `{"QueueUrl":${q},"Tags":{"__proto__":${pollute}}}`],
      ['SendMessage', `{"QueueUrl":${q},"MessageBody":"x","MessageAttributes":{"__proto__":${pollute}}}`],
      ['SendMessage', `{"QueueUrl":${q},"MessageBody":"x","MessageSystemAttributes":{"__proto__":${pollute}}}`],
      ['SendMessage', `{"QueueUrl":${q},"MessageBody":"x","MessageAttributes":{"a":{"DataType":"String","StringValue":"v","__proto__":${pollute}}}}`],
      ['SendMessageBatch', `{"QueueUrl":${q},"Entries":[{"Id":"a","MessageBody":"x","__proto__":${pollute}}]}`],
      ['ReceiveMessage', `{"QueueUrl":${q},"__proto__":${pollute},"constructor":{"prototype":${pollute}}}`],
    ];
    for (const [action, body] of bodies) {
      const res = await post(body, JSON_HEADERS(action));
      expect([action, body, res.status < 500]).toEqual([action, body, true]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
    const queries = [
      `Action=ListQueues&__proto__.polluted=1&constructor.prototype.polluted=1`,
      `Action=CreateQueue&QueueName=${uniqueName()}&Attribute.1.Name=__proto__&Attribute.1.Value=1&Attribute.__proto__.polluted=1`,
      `Action=TagQueue&QueueUrl=${encodeURIComponent(queueUrl)}&Tag.__proto__.polluted=1&Tag.1.Key=__proto__&Tag.1.Value=x`,
      `Action=SendMessage&QueueUrl=${encodeURIComponent(queueUrl)}&MessageBody=x&MessageAttribute.1.Name=__proto__&MessageAttribute.1.Value.__proto__.polluted=1&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v`,
      `Action=SendMessageBatch&QueueUrl=${encodeURIComponent(queueUrl)}&SendMessageBatchRequestEntry.__proto__.polluted=1&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=b`,
    ];
    for (const body of queries) {
      const res = await post(body, FORM);
      expect([body, res.status < 500]).toEqual([body, true]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });
});

describe('request size', () => {
  test('a body over 4 MiB is refused with 413 in the JSON protocol', async () => {
    const big = JSON.stringify({ QueueUrl: await createQueue(), MessageBody: 'a'.repeat(4 * 1_048_576 + 10) });
    const res = await post(big, JSON_HEADERS('SendMessage'));
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(res.headers.get('x-amzn-query-error')).toMatch(/;Sender$/);
    expect(res.body).toEqual({ __type: expect.stringMatching(/#/), message: expect.any(String) });
  });

  test('a body over 4 MiB is refused with 413 in the query protocol', async () => {
    const res = await post(`Action=SendMessage&MessageBody=${'a'.repeat(4 * 1_048_576 + 10)}`, FORM);
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(res.body.ErrorResponse.Error).toMatchObject({ Type: 'Sender', Code: expect.any(String), Message: expect.any(String) });
  });

  test('a streamed (chunked) body is refused once it passes 4 MiB, without a Content-Length', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(1_048_576));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Far more than the limit: the server must answer before the client has sent it all.
        if (sent++ < 64) controller.enqueue(chunk);
        else controller.close();
      },
    });
    let res: Response;
    try {
      res = await fetch(server.url + '/', {
        method: 'POST',
        headers: JSON_HEADERS('SendMessage'),
        body: stream,
        duplex: 'half',
        signal: AbortSignal.timeout(10_000),
      } as RequestInit);
    } catch (e) {
      // The server answered 413 and closed while the client was still writing: the client may
      // see the reset (EPIPE/ECONNRESET) before it reads the answer. Refused either way.
      expect(String((e as { cause?: { code?: string } }).cause?.code)).toMatch(/^(EPIPE|ECONNRESET|UND_ERR_SOCKET)$/);
      expect(sent).toBeLessThan(64);
      return;
    }
    expect(res.status).toBe(413);
    expect(res.headers.get('x-amzn-query-error')).toMatch(/;Sender$/);
    await res.text();
    expect(sent).toBeLessThan(64);
  });

  test('a body of exactly 4 MiB is read (and then judged by the action)', async () => {
    const queueUrl = await createQueue();
    const prefix = `{"QueueUrl":${JSON.stringify(queueUrl)},"MessageBody":"`;
    const body = prefix + 'a'.repeat(4 * 1_048_576 - prefix.length - 2) + '"}';
    expect(Buffer.byteLength(body)).toBe(4 * 1_048_576);
    const res = await post(body, JSON_HEADERS('SendMessage'));
    expectJsonRefusal(res, 'com.amazon.coral.service#InvalidParameterValueException');
    expect(res.body.message).toBe('One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.');
  });
});

describe('connections that go away', () => {
  test('a client abandoning a long poll does not swallow the next message', async () => {
    const queueUrl = await createQueue();
    const controller = new AbortController();
    // The abandoned poll waits first, so it would be first in line for the message.
    const abandoned = fetch(server.url + '/', {
      method: 'POST',
      headers: JSON_HEADERS('ReceiveMessage'),
      body: JSON.stringify({ QueueUrl: queueUrl, WaitTimeSeconds: 20 }),
      signal: controller.signal,
    }).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 150));
    const live = rawJson(server.url, 'ReceiveMessage', { QueueUrl: queueUrl, WaitTimeSeconds: 20 });
    await new Promise((r) => setTimeout(r, 150));
    controller.abort();
    expect((await abandoned as Error).name).toBe('AbortError');
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await rawJson(server.url, 'SendMessage', { QueueUrl: queueUrl, MessageBody: 'after abort' });
    const answer = await live;
    expect(answer.body.Messages?.map((m: { Body: string }) => m.Body)).toEqual(['after abort']);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('a request cut off mid-body is dropped quietly (no error logged)', async () => {
    let connected = false;
    await new Promise<void>((resolve) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: '/',
        headers: { ...JSON_HEADERS('ListQueues'), 'content-length': '1000' },
      });
      req.on('socket', (socket) => socket.on('connect', () => (connected = true)));
      req.on('error', () => resolve());
      req.write('{"QueueNamePrefix":');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 100);
    });
    await new Promise((r) => setTimeout(r, 200));
    // the partial request reached the server, which still answers; afterEach checks the log
    expect(connected).toBe(true);
    expect((await rawJson(server.url, 'ListQueues', {})).status).toBe(200);
  });
});
