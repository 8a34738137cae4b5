import { CreateQueueCommand, GetQueueUrlCommand, ListQueuesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine } from '../../src/config.js';
import { FaultRuleError, type RunningEmulator } from '../../src/index.js';
import { credentials, emulator, protocols, rawJson, rawQuery, uniqueName } from '../support/clients.js';

/** Fault injection: rules from the API, the developer endpoint and the config file. */

/** The SDK as users run it: default retry strategy (3 attempts), JSON or query. */
function retryingClient(url: string, protocol: 'json' | 'query'): SQSClient {
  return new SQSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials,
    ...(protocol === 'query'
      ? {
          protocol: new AwsQueryProtocol({
            defaultNamespace: 'com.amazonaws.sqs',
            xmlNamespace: 'http://queue.amazonaws.com/doc/2012-11-05/',
            version: '2012-11-05',
          }),
        }
      : {}),
  } as NonNullable<ConstructorParameters<typeof SQSClient>[0]>);
}

const EXPECTED = {
  RequestThrottled: { status: 403, type: 'com.amazonaws.sqs#RequestThrottled', code: 'RequestThrottled', fault: 'Sender' },
  OverLimit: { status: 403, type: 'com.amazonaws.sqs#OverLimit', code: 'OverLimit', fault: 'Sender' },
  KmsThrottled: { status: 400, type: 'com.amazonaws.sqs#KmsThrottled', code: 'KMS.ThrottlingException', fault: 'Sender' },
  InternalError: { status: 500, type: 'com.amazon.coral.service#InternalError', code: 'InternalError', fault: 'Receiver' },
  ServiceUnavailable: {
    status: 503,
    type: 'com.amazon.coral.availability#ServiceUnavailableException',
    code: 'ServiceUnavailable',
    fault: 'Receiver',
  },
} as const;

describe.each(['json', 'query'] as const)('fault injection over %s', (protocol) => {
  let server: RunningEmulator;
  beforeAll(async () => {
    server = await emulator();
  });
  afterAll(() => server.stop());
  afterEach(() => server.faults.clear());

  test("the SDK's default retry strategy retries an injected RequestThrottled, then succeeds", async () => {
    const sqs = retryingClient(server.url, protocol);
    const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('retry') }))).QueueUrl!;
    server.faults.add({ id: 'throttle-once', action: 'SendMessage', error: 'RequestThrottled', times: 1 });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'eventually' }));
    expect(sent.$metadata.attempts).toBe(2);
    expect(server.faults.list()).toEqual([
      { id: 'throttle-once', action: ['SendMessage'], error: 'RequestThrottled', times: 1, remaining: 0, injected: 1 },
    ]);
    // The throttled attempt stored nothing: one message only.
    expect(server.events.history().filter((e) => e.type === 'sent' && e.message!.body === 'eventually')).toHaveLength(1);
  });

  test.each(Object.entries(EXPECTED))('%s is answered exactly as SQS sends it', async (error, expected) => {
    const QueueName = uniqueName('err');
    const client = protocols[protocol === 'json' ? 0 : 1][1](server.url);
    const QueueUrl = (await client.send(new CreateQueueCommand({ QueueName }))).QueueUrl!;
    server.faults.add({ action: 'SendMessage', queue: QueueName, error: error as keyof typeof EXPECTED, protocol });
    if (protocol === 'json') {
      const res = await rawJson(server.url, 'SendMessage', { QueueUrl, MessageBody: 'x' });
      expect(res.status).toBe(expected.status);
      expect(res.body.__type).toBe(expected.type);
      expect(res.body.message).toEqual(expect.any(String));
      expect(res.headers.get('x-amzn-query-error')).toBe(`${expected.code};${expected.fault}`);
    } else {
      const res = await rawQuery(server.url, { Action: 'SendMessage', Version: '2012-11-05', QueueUrl, MessageBody: 'x' });
      expect(res.status).toBe(expected.status);
      expect(res.body.ErrorResponse.Error).toMatchObject({ Type: expected.fault, Code: expected.code });
      expect(res.body.ErrorResponse.RequestId).toEqual(expect.any(String));
    }
    // The SDK (no retries) reports the modelled error class where the model has one.
    const failure = (await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' })).catch((e: unknown) => e)) as Error & {
      $metadata: { httpStatusCode: number };
    };
    expect(failure).toBeInstanceOf(Error);
    expect(failure.$metadata.httpStatusCode).toBe(expected.status);
    if (error !== 'InternalError' && error !== 'ServiceUnavailable') expect(failure.name).toBe(error);
  });

  test('a custom message replaces the default one', async () => {
    server.faults.add({ action: 'ListQueues', error: 'OverLimit', message: 'Too many queues for today.' });
    const client = protocols[protocol === 'json' ? 0 : 1][1](server.url);
    await expect(client.send(new ListQueuesCommand({}))).rejects.toMatchObject({ name: 'OverLimit', message: 'Too many queues for today.' });
  });

  test('a dropped connection: no answer; the retrying SDK gets through on its next attempt', async () => {
    server.faults.add({ action: 'ListQueues', dropConnection: true, times: 1 });
    const once = protocols[protocol === 'json' ? 0 : 1][1](server.url);
    await expect(once.send(new ListQueuesCommand({}))).rejects.toMatchObject({ message: expect.stringMatching(/socket hang up|ECONNRESET|closed/i) });
    server.faults.add({ action: 'ListQueues', dropConnection: true, times: 1 });
    const result = await retryingClient(server.url, protocol).send(new ListQueuesCommand({}));
    expect(result.$metadata.attempts).toBe(2);
  });

  test('added latency delays the answer', async () => {
    const client = protocols[protocol === 'json' ? 0 : 1][1](server.url);
    const QueueName = uniqueName('slow');
    await client.send(new CreateQueueCommand({ QueueName }));
    server.faults.add({ action: 'GetQueueUrl', latencyMs: 150 });
    const started = performance.now();
    await client.send(new GetQueueUrlCommand({ QueueName }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('rule matching', () => {
  let server: RunningEmulator;
  beforeAll(async () => {
    server = await emulator();
  });
  afterAll(() => server.stop());
  afterEach(() => server.faults.clear());

  test('off by default; matches by protocol and by queue-name pattern', async () => {
    expect(server.faults.list()).toEqual([]);
    const [json, query] = [protocols[0][1](server.url), protocols[1][1](server.url)];
    const orders = (await json.send(new CreateQueueCommand({ QueueName: 'orders-eu' }))).QueueUrl!;
    const billing = (await json.send(new CreateQueueCommand({ QueueName: 'billing' }))).QueueUrl!;
    server.faults.add({ queue: 'orders-*', error: 'ServiceUnavailable', protocol: 'query' });
    await json.send(new SendMessageCommand({ QueueUrl: orders, MessageBody: 'json passes' }));
    await query.send(new SendMessageCommand({ QueueUrl: billing, MessageBody: 'other queue passes' }));
    await expect(query.send(new SendMessageCommand({ QueueUrl: orders, MessageBody: 'fails' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 503 },
    });
    expect(server.faults.list()[0]!.injected).toBe(1);
  });

  test('a queue-name pattern also matches the QueueName of CreateQueue and GetQueueUrl', async () => {
    const [json, query] = [protocols[0][1](server.url), protocols[1][1](server.url)];
    server.faults.add({ queue: 'flaky-*', error: 'OverLimit', times: 2 });
    const refused = { name: 'OverLimit', $metadata: { httpStatusCode: 403 } };
    await expect(json.send(new CreateQueueCommand({ QueueName: 'flaky-one' }))).rejects.toMatchObject(refused);
    await expect(query.send(new GetQueueUrlCommand({ QueueName: 'flaky-one' }))).rejects.toMatchObject(refused);
    await json.send(new CreateQueueCommand({ QueueName: 'steady' }));
    expect((await json.send(new CreateQueueCommand({ QueueName: 'flaky-one' }))).QueueUrl).toMatch(/\/flaky-one$/);
    expect(server.faults.list()[0]!.injected).toBe(2);
  });

  test('a probability with a seed injects the same way on every run', async () => {
    const pattern = async (): Promise<string> => {
      const s = await emulator({ faults: [{ action: 'ListQueues', error: 'InternalError', probability: 0.5, seed: 42 }] });
      try {
        const sqs = protocols[0][1](s.url);
        let out = '';
        for (let i = 0; i < 24; i++) out += (await sqs.send(new ListQueuesCommand({})).then(() => '.', () => 'x'));
        return out;
      } finally {
        await s.stop();
      }
    };
    const first = await pattern();
    expect(await pattern()).toBe(first);
    expect(first).toMatch(/x/);
    expect(first).toMatch(/\./);
  });

  test('invalid rules are refused with the path of the problem', () => {
    const bad: [unknown, RegExp][] = [
      [{ error: 'Nope' }, /fault\.error: must be one of RequestThrottled, OverLimit, KmsThrottled, InternalError, ServiceUnavailable/],
      [{ action: 'SendMesage', error: 'OverLimit' }, /fault\.action: unknown SQS action "SendMesage"/],
      [{ action: 'ListQueues' }, /fault: needs an effect/],
      [{ error: 'OverLimit', probability: 2 }, /fault\.probability: must be a number in \(0, 1\]/],
      [{ error: 'OverLimit', times: 0 }, /fault\.times: must be a positive integer/],
      [{ error: 'OverLimit', dropConnection: true }, /fault\.dropConnection: cannot go with "error"/],
      [{ error: 'OverLimit', __proto__x: 1 }, /fault\.__proto__x: unknown key/],
      [JSON.parse('{"error":"OverLimit","__proto__":{"times":1}}'), /fault\.__proto__: unknown key/],
    ];
    for (const [rule, message] of bad) {
      expect(() => server.faults.add(rule as never)).toThrow(FaultRuleError);
      expect(() => server.faults.add(rule as never)).toThrow(message);
    }
    expect(server.faults.list()).toEqual([]);
  });
});

describe('/_emulator/faults', () => {
  let server: RunningEmulator;
  beforeAll(async () => {
    server = await emulator();
  });
  afterAll(() => server.stop());

  const call = async (method: string, path = '', body?: unknown) => {
    const res = await fetch(`${server.url}/_emulator/faults${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  test('POST adds, GET lists, DELETE removes; the rules act on SQS requests', async () => {
    const added = await call('POST', '', { id: 'throttle', action: 'ListQueues', error: 'RequestThrottled', times: 2 });
    expect(added).toEqual({ status: 201, body: { faults: [{ id: 'throttle', action: ['ListQueues'], error: 'RequestThrottled', times: 2, remaining: 2, injected: 0 }] } });
    const many = await call('POST', '', { faults: [{ action: 'GetQueueUrl', latencyMs: 1 }, { queue: 'x*', dropConnection: true, probability: 0.25, seed: 7 }] });
    expect(many.status).toBe(201);
    expect(many.body.faults.map((f: { id: string }) => f.id)).toEqual([expect.stringMatching(/^fault-/), expect.stringMatching(/^fault-/)]);
    expect((await rawJson(server.url, 'ListQueues', {})).status).toBe(403);
    const listed = await call('GET');
    expect(listed.body.faults).toHaveLength(3);
    expect(listed.body.faults[0]).toMatchObject({ id: 'throttle', remaining: 1, injected: 1 });
    expect(await call('DELETE', '/throttle')).toEqual({ status: 200, body: { removed: 1 } });
    expect((await call('DELETE', '/throttle')).status).toBe(404);
    expect((await rawJson(server.url, 'ListQueues', {})).status).toBe(200);
    expect(await call('DELETE')).toEqual({ status: 200, body: { removed: 2 } });
    expect((await call('GET')).body).toEqual({ faults: [] });
  });

  test('bad rules are a 400 naming the field; nothing is added', async () => {
    for (const [body, message] of [
      [{ faults: [{ error: 'OverLimit' }, { error: 'Teapot' }] }, 'faults[1].error: must be one of'],
      [[{ latencyMs: -5 }], '[0].latencyMs: must be an integer 0..120000'],
      ['{"error":', 'malformed request body'],
      [{ faults: [] }, 'faults: no rules given'],
      [{ error: 'OverLimit', id: '../x' }, 'fault.id: must be'],
    ] as const) {
      const res = await call('POST', '', body);
      expect(res.status).toBe(400);
      expect(res.body.error).toContain(message);
    }
    expect((await call('GET')).body).toEqual({ faults: [] });
  });
});

describe('faults in the config file', () => {
  const file = (content: unknown): string => {
    const path = join(mkdtempSync(join(tmpdir(), 'sqs-emulator-faults-')), 'config.json');
    writeFileSync(path, JSON.stringify(content));
    return path;
  };
  const options = (path: string) => {
    const c = parseCommandLine(['--config', path], {});
    if (c.kind !== 'run') throw new Error('expected run');
    return c.options;
  };

  test('rules load and act from the start', async () => {
    const opts = options(file({ faults: [{ action: 'ListQueues', error: 'KmsThrottled', times: 1 }] }));
    const server = await emulator({ faults: opts.faults });
    try {
      const res = await rawQuery(server.url, { Action: 'ListQueues', Version: '2012-11-05' });
      expect(res.status).toBe(400);
      expect(res.body.ErrorResponse.Error.Code).toBe('KMS.ThrottlingException');
      expect((await rawQuery(server.url, { Action: 'ListQueues', Version: '2012-11-05' })).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  test.each([
    [{ faults: {} }, /faults: must be a list/],
    [{ faults: [{ error: 'OverLimit' }, { action: ['SendMessage', 3], error: 'OverLimit' }] }, /faults\[1\]\.action\[1\]: must be a string/],
    [{ faults: [{ id: 'a', error: 'OverLimit' }, { id: 'a', error: 'OverLimit' }] }, /faults\[1\]\.id: duplicate id a/],
  ])('a bad faults entry is refused with its path: %j', (content, message) => {
    expect(() => options(file(content))).toThrow(message);
  });
});
