/**
 * Hostile input beyond test/integration/hostile.test.ts: header counts and sizes, invalid
 * UTF-8, too many message attributes, numeric overflow in every numeric spot, duplicate keys,
 * odd methods, and `__proto__`-like names where the other file does not reach. Each request
 * gets a 4xx in the caller's protocol or is handled as plain data: never a 500, a crash or a
 * hang, and nothing is logged as a server failure.
 */
import { connect } from 'node:net';
import type { RunningEmulator } from '../../src/index.js';
import { XMLParser } from 'fast-xml-parser';
import { complainingLogger, emulator, rawJson, rawQuery, uniqueName, type RawResponse } from '../support/clients.js';
import { expectWireError } from '../support/wire.js';

let server: RunningEmulator;
const { logger, complaints } = complainingLogger();
beforeAll(async () => {
  server = await emulator({ logger });
});
afterAll(() => server.stop());
afterEach(async () => {
  const res = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(2_000) });
  expect(res.status).toBe(200);
  expect(complaints).toEqual([]);
});

function expectClientError(res: { status: number; text?: string }, code?: string): void {
  if (res.status < 400 || res.status >= 500) throw new Error(`expected 4xx, got ${res.status}: ${res.text?.slice(0, 300)}`);
  if (code && res.text) expect(res.text).toContain(code);
}

/** A raw HTTP exchange over a socket: what the server answers (status line and body), or how it closed. */
function rawHttp(payload: string | Buffer, timeoutMs = 5_000): Promise<{ status: number; text: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer in time'));
    }, timeoutMs);
    socket.on('data', (c) => chunks.push(c));
    const finish = (): void => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, text });
    };
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', () => {});
    socket.write(payload);
  });
}

async function createQueue(name = uniqueName('h')): Promise<string> {
  const res = await rawJson(server.url, 'CreateQueue', { QueueName: name });
  expect(res.status).toBe(200);
  return JSON.parse(res.text).QueueUrl as string;
}

describe('headers', () => {
  test('5,000 headers (over node’s count cap of 2,000) are not a crash', async () => {
    const url = new URL(server.url);
    const extra = Array.from({ length: 5_000 }, (_, i) => `x-h${i}: 1\r\n`).join('');
    const body = '{}';
    const res = await rawHttp(
      `POST / HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/x-amz-json-1.0\r\nx-amz-target: AmazonSQS.ListQueues\r\n${extra}content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
    );
    // Either refused as too large a header section (431) or served with the extra headers dropped.
    expect([200, 431]).toContain(res.status);
  });

  test('a header section over 16 KiB is refused with 431, not buffered', async () => {
    const url = new URL(server.url);
    const res = await rawHttp(`GET /?Action=ListQueues HTTP/1.1\r\nhost: ${url.host}\r\nx-big: ${'a'.repeat(100_000)}\r\nconnection: close\r\n\r\n`);
    expect(res.status).toBe(431);
  });

  test('a huge Authorization header or X-Amz-Target is a 4xx', async () => {
    const json = await rawJson(server.url, 'ListQueues', {}, { headers: { 'x-amz-target': 'AmazonSQS.' + 'A'.repeat(8_000) } });
    expectClientError(json);
    const auth = await rawQuery(server.url, { Action: 'ListQueues' }, { headers: { authorization: `AWS4-HMAC-SHA256 Credential=${'x/'.repeat(3_000)}` } });
    expect(auth.status).toBe(200); // auth off: the scope is only read, and this one is not a scope
  });

  test('odd methods on the SQS path answer in protocol, never 500', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const res = await fetch(`${server.url}/?Action=ListQueues`, { method });
      expect([method, res.status < 500]).toEqual([method, true]);
    }
    const head = await fetch(`${server.url}/?Action=ListQueues`, { method: 'HEAD' });
    expect(head.status).toBeLessThan(500);
  });
});

describe('invalid UTF-8', () => {
  // AWS refuses characters outside the XML Char set (sqs-wire-spec 8.1); broken UTF-8 decodes
  // to none of them, so it is refused the same way rather than stored as U+FFFD.
  const INVALID_CONTENTS = {
    name: 'InvalidMessageContents',
    code: 'InvalidMessageContents',
    status: 400,
    shape: 'InvalidMessageContents',
    message: 'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
  };
  const BROKEN = [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0x80], [0xe2, 0x82]];

  /** A JSON request whose body has `bytes` spliced in where `@@` stands in `template`. */
  async function jsonWith(action: string, template: string, bytes: number[]): Promise<RawResponse> {
    const [before, after] = template.split('@@') as [string, string];
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` },
      body: Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: JSON.parse(text) };
  }

  /** A form POST with `body` as bytes. */
  async function formWith(body: Buffer | string): Promise<RawResponse> {
    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: new XMLParser().parse(text) };
  }

  const empty = async (queueUrl: string): Promise<void> => {
    const got = await rawJson(server.url, 'ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: 10 });
    expect(JSON.parse(got.text).Messages).toBeUndefined();
  };

  test('JSON: a message body with broken bytes is InvalidMessageContents, and nothing is stored', async () => {
    const queueUrl = await createQueue();
    for (const bytes of BROKEN) {
      const res = await jsonWith('SendMessage', `{"QueueUrl":${JSON.stringify(queueUrl)},"MessageBody":"a@@b"}`, bytes);
      expectWireError('json', res, INVALID_CONTENTS);
    }
    await empty(queueUrl);
  });

  test('query: broken bytes raw in the form or percent-encoded (%FF, %C3%28, an encoded surrogate...) are InvalidMessageContents', async () => {
    const queueUrl = await createQueue();
    const form = `Action=SendMessage&QueueUrl=${encodeURIComponent(queueUrl)}&MessageBody=`;
    for (const bytes of BROKEN) {
      const escaped = bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
      expectWireError('query', await formWith(`${form}x${escaped}y`), INVALID_CONTENTS);
      expectWireError('query', await formWith(Buffer.concat([Buffer.from(`${form}x`), Buffer.from(bytes), Buffer.from('y')])), INVALID_CONTENTS);
    }
    // GET carries the parameters in the query string: same answer.
    const get = await fetch(`${server.url}/?${form}x%FFy`);
    expect(get.status).toBe(400);
    expect(await get.text()).toContain('<Code>InvalidMessageContents</Code>');
    await empty(queueUrl);
  });

  test('valid text that looks close is kept exactly: U+FFFD itself, a 4-byte character, a literal %, + and %20', async () => {
    const queueUrl = await createQueue();
    const body = 'r\uFFFD \u{1F600} é 100% a+b';
    expect((await rawJson(server.url, 'SendMessage', { QueueUrl: queueUrl, MessageBody: body })).status).toBe(200);
    const form = `Action=SendMessage&QueueUrl=${encodeURIComponent(queueUrl)}&MessageBody=`;
    expect((await formWith(`${form}${encodeURIComponent(body).replace(/%20/g, '+')}`)).status).toBe(200);
    // A % that escapes nothing stays itself, as URLSearchParams keeps it.
    expect((await formWith(`${form}${encodeURIComponent('é')}%zz%4`)).status).toBe(200);
    const got = await rawJson(server.url, 'ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: 10 });
    expect(JSON.parse(got.text).Messages.map((m: { Body: string }) => m.Body).sort()).toEqual([body, body, 'é%zz%4'].sort());
  });

  test('SendMessageBatch: the entry with broken bytes fails alone, on both protocols (as for other invalid characters, F113)', async () => {
    const queueUrl = await createQueue();
    const json = await jsonWith(
      'SendMessageBatch',
      `{"QueueUrl":${JSON.stringify(queueUrl)},"Entries":[{"Id":"ok","MessageBody":"fine"},{"Id":"bad","MessageBody":"x@@"}]}`,
      [0xff],
    );
    expect(json.status).toBe(200);
    expect(json.body.Successful.map((e: { Id: string }) => e.Id)).toEqual(['ok']);
    expect(json.body.Failed).toEqual([{ Id: 'bad', Code: 'InvalidMessageContents', SenderFault: true, Message: INVALID_CONTENTS.message }]);
    const query = await formWith(
      `Action=SendMessageBatch&QueueUrl=${encodeURIComponent(queueUrl)}` +
        '&SendMessageBatchRequestEntry.1.Id=ok&SendMessageBatchRequestEntry.1.MessageBody=fine' +
        '&SendMessageBatchRequestEntry.2.Id=bad&SendMessageBatchRequestEntry.2.MessageBody=x%C3%28',
    );
    expect(query.status).toBe(200);
    const result = query.body.SendMessageBatchResponse.SendMessageBatchResult;
    expect(result.SendMessageBatchResultEntry.Id).toBe('ok');
    expect(result.BatchResultErrorEntry).toEqual({ Id: 'bad', Code: 'InvalidMessageContents', SenderFault: true, Message: INVALID_CONTENTS.message });
    const got = await rawJson(server.url, 'ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: 10 });
    expect(JSON.parse(got.text).Messages.map((m: { Body: string }) => m.Body)).toEqual(['fine', 'fine']);
  });

  test('a String attribute value with broken bytes is refused as other invalid characters in a value are (InvalidParameterValue, F83)', async () => {
    const queueUrl = await createQueue();
    const res = await jsonWith(
      'SendMessage',
      `{"QueueUrl":${JSON.stringify(queueUrl)},"MessageBody":"b","MessageAttributes":{"k":{"DataType":"String","StringValue":"v@@"}}}`,
      [0xfe],
    );
    expectWireError('json', res, { name: 'InvalidParameterValue', code: 'InvalidParameterValue', status: 400, message: 'Message (user) attribute \'k\' contains invalid characters in its value.' });
    const query = await formWith(
      `Action=SendMessage&QueueUrl=${encodeURIComponent(queueUrl)}&MessageBody=b` +
        '&MessageAttribute.1.Name=k&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v%FE',
    );
    expect(query.body.ErrorResponse.Error.Code).toBe('InvalidParameterValue');
    await empty(queueUrl);
  });

  test('broken bytes elsewhere (a queue name, a JSON key) are a 4xx, never a 500', async () => {
    const name = await jsonWith('CreateQueue', '{"QueueName":"q@@"}', [0xff]);
    expectClientError(name);
    const key = await jsonWith('ListQueues', '{"@@":1}', [0xff, 0xfe]);
    expect(key.status).toBeLessThan(500);
    const form = await formWith(Buffer.concat([Buffer.from('Action=CreateQueue&QueueName=q'), Buffer.from([0xff])]));
    expectClientError(form);
  });

  test('in the request path and the query string', async () => {
    const res = await rawHttp(Buffer.concat([Buffer.from('GET /000000000000/q\xff?Action=ListQueues&QueueNamePrefix=', 'latin1'), Buffer.from([0xff, 0xfe]), Buffer.from(` HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`)]));
    expect(res.status).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(500);
  });
});

describe('message attributes and numbers', () => {
  const attributes = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]));

  test('11 message attributes are refused on both protocols, 10 are fine', async () => {
    const queueUrl = await createQueue();
    const eleven = await rawJson(server.url, 'SendMessage', { QueueUrl: queueUrl, MessageBody: 'x', MessageAttributes: attributes(11) });
    expectClientError(eleven, 'exceeds the allowed maximum [10]');
    expect((await rawJson(server.url, 'SendMessage', { QueueUrl: queueUrl, MessageBody: 'x', MessageAttributes: attributes(10) })).status).toBe(200);
    const form: Record<string, string> = { Action: 'SendMessage', QueueUrl: queueUrl, MessageBody: 'x' };
    for (let i = 1; i <= 11; i++) {
      form[`MessageAttribute.${i}.Name`] = `a${i}`;
      form[`MessageAttribute.${i}.Value.DataType`] = 'String';
      form[`MessageAttribute.${i}.Value.StringValue`] = 'v';
    }
    expectClientError(await rawQuery(server.url, form), 'InvalidParameterValue');
    const batch = await rawJson(server.url, 'SendMessageBatch', { QueueUrl: queueUrl, Entries: [{ Id: 'e1', MessageBody: 'x', MessageAttributes: attributes(11) }] });
    // In a batch the entry fails, the request does not.
    expect(batch.status).toBe(200);
    expect(JSON.parse(batch.text).Failed[0]).toMatchObject({ Id: 'e1', SenderFault: true });
  });

  test.each([
    ['1e400', '1e400'],
    ['-1e400', '-1e400'],
    ['2^53+1', '9007199254740993'],
    ['a 40-digit integer', '1234567890123456789012345678901234567890'],
    ['-0', '-0'],
    ['a fraction', '1.5'],
    ['NaN', '"NaN"'],
    ['Infinity', '"Infinity"'],
    ['hex', '"0x10"'],
  ])('%s in every numeric parameter is a 4xx or in range, never a 500', async (_, literal) => {
    const queueUrl = await createQueue();
    const q = JSON.stringify(queueUrl);
    const bodies: [string, string][] = [
      ['ReceiveMessage', `{"QueueUrl":${q},"MaxNumberOfMessages":${literal}}`],
      ['ReceiveMessage', `{"QueueUrl":${q},"WaitTimeSeconds":${literal},"VisibilityTimeout":${literal}}`],
      ['SendMessage', `{"QueueUrl":${q},"MessageBody":"x","DelaySeconds":${literal}}`],
      ['ChangeMessageVisibility', `{"QueueUrl":${q},"ReceiptHandle":"x","VisibilityTimeout":${literal}}`],
      ['ListQueues', `{"MaxResults":${literal}}`],
      ['CreateQueue', `{"QueueName":"n${Date.now()}","Attributes":{"VisibilityTimeout":${JSON.stringify(literal.replace(/"/g, ''))}}}`],
      ['StartMessageMoveTask', `{"SourceArn":"arn:aws:sqs:us-east-1:000000000000:x","MaxNumberOfMessagesPerSecond":${literal}}`],
    ];
    for (const [action, body] of bodies) {
      const res = await rawJson(server.url, action, body);
      expect([action, body, res.status < 500]).toEqual([action, body, true]);
    }
    const form = await rawQuery(server.url, { Action: 'ReceiveMessage', QueueUrl: queueUrl, MaxNumberOfMessages: literal.replace(/"/g, ''), WaitTimeSeconds: '0' });
    expect(form.status).toBeLessThan(500);
  });
});

describe('duplicate keys and plain-data names', () => {
  test('duplicate JSON keys: one wins, nothing breaks', async () => {
    const name = uniqueName('dup');
    const res = await rawJson(server.url, 'CreateQueue', `{"QueueName":"${name}-a","QueueName":"${name}-b"}`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).QueueUrl).toMatch(new RegExp(`${name}-[ab]$`));
  });

  test('a duplicated Action, QueueUrl or batch index in a form', async () => {
    const queueUrl = encodeURIComponent(await createQueue());
    const twice = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `Action=ListQueues&Action=DeleteQueue&QueueUrl=${queueUrl}&QueueUrl=x`,
    });
    expect(twice.status).toBeLessThan(500);
    const batch = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `Action=SendMessageBatch&QueueUrl=${queueUrl}&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=x&SendMessageBatchRequestEntry.1.Id=b&SendMessageBatchRequestEntry.1.MessageBody=y`,
    });
    expect(batch.status).toBeLessThan(500);
  });

  test('__proto__ and constructor as queue attribute names and attribute-name filters', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const create = await rawJson(server.url, 'CreateQueue', `{"QueueName":"${uniqueName('p')}","Attributes":{"${name}":"1"}}`);
      expectClientError(create, 'InvalidAttributeName');
      const queueUrl = await createQueue();
      const get = await rawJson(server.url, 'GetQueueAttributes', { QueueUrl: queueUrl, AttributeNames: [name] });
      expectClientError(get, 'InvalidAttributeName');
      const set = await rawQuery(server.url, { Action: 'SetQueueAttributes', QueueUrl: queueUrl, 'Attribute.1.Name': name, 'Attribute.1.Value': '1' });
      expectClientError(set, 'InvalidAttributeName');
      const receive = await rawJson(server.url, 'ReceiveMessage', { QueueUrl: queueUrl, MessageAttributeNames: [name], MessageSystemAttributeNames: ['All'] });
      expect(receive.status).toBe(200);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('__proto__ as a query parameter path segment', async () => {
    const queueUrl = await createQueue();
    const res = await rawQuery(server.url, { Action: 'SendMessage', QueueUrl: queueUrl, MessageBody: 'x', '__proto__.polluted': '1', 'MessageAttribute.__proto__.Name': 'a', 'constructor.prototype.x': '1' });
    expect(res.status).toBeLessThan(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('huge JSON', () => {
  test('a 3 MiB array of small objects as a batch is refused quickly', async () => {
    const entries = Array.from({ length: 60_000 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' }));
    const started = Date.now();
    const res = await rawJson(server.url, 'SendMessageBatch', { QueueUrl: await createQueue(), Entries: entries });
    expectClientError(res, 'TooManyEntriesInBatchRequest');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('a 3 MiB string as a queue name or tag value is a 4xx', async () => {
    const long = 'a'.repeat(3 * 1024 * 1024);
    expectClientError(await rawJson(server.url, 'CreateQueue', { QueueName: long }));
    const queueUrl = await createQueue();
    expectClientError(await rawJson(server.url, 'TagQueue', { QueueUrl: queueUrl, Tags: { k: long } }));
  });
});

test('the server answered every test of this file without logging a failure', () => {
  expect(complaints).toEqual([]);
});

export type { RawResponse };
