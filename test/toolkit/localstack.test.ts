import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  DeleteQueueCommand,
} from '@aws-sdk/client-sqs';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parseQueueUrl, type QueueUrlStrategy } from '../../src/api/queueUrl.js';
import { parseCommandLine } from '../../src/config.js';
import { startEmulator, type RunningEmulator } from '../../src/index.js';
import { emulator, jsonClient, protocols, queryClient, rawJson, rawQuery } from '../support/clients.js';
import { overBothProtocols } from '../support/overProtocols.js';

/** LocalStack drop-in mode: URL shapes in and out, /_aws/sqs/messages, /_localstack/health, settings. */

const ACCOUNT = '000000000000';

describe('LocalStack queue URL shapes are accepted as input', () => {
  test.each([
    ['http://sqs.eu-west-1.localhost.localstack.cloud:4566/000000000000/q', 'eu-west-1'],
    ['http://eu-west-1.queue.localhost.localstack.cloud:4566/000000000000/q', 'eu-west-1'],
    ['http://queue.localhost.localstack.cloud:4566/000000000000/q', 'us-east-1'],
    ['http://localhost:4566/queue/eu-west-1/000000000000/q', 'eu-west-1'],
    ['http://localhost:4566/000000000000/q', undefined],
    ['http://sqs.ap-south-2.my-localstack.internal:4566/000000000000/q', 'ap-south-2'],
    ['http://us-gov-west-1.queue.example.test:4566/000000000000/q', 'us-gov-west-1'],
    // Hosts that merely start with sqs./queue. keep the caller's region.
    ['http://sqs.example.internal:4566/000000000000/q', undefined],
    ['http://queue.internal:4566/000000000000/q', undefined],
  ])('%s → region %s', (url, region) => {
    expect(parseQueueUrl(url)).toEqual({ accountId: ACCOUNT, name: 'q', region });
  });

  overBothProtocols('over %s', {}, ({ makeClient, emu }) => {
    test('every shape reaches the queue of the region it names', async () => {
      const eu = makeClient(emu.url, 'eu-west-1');
      const us = makeClient(emu.url, 'us-east-1');
      await eu.send(new CreateQueueCommand({ QueueName: 'ls-shapes' }));
      await us.send(new CreateQueueCommand({ QueueName: 'ls-shapes-us' }));
      const shapes = [
        'http://sqs.eu-west-1.localhost.localstack.cloud:4566/000000000000/ls-shapes',
        'http://eu-west-1.queue.localhost.localstack.cloud:4566/000000000000/ls-shapes',
        'http://localhost:4566/queue/eu-west-1/000000000000/ls-shapes',
        'http://sqs.eu-west-1.custom-host:4566/000000000000/ls-shapes',
      ];
      // A us-east-1 client: the region comes from the URL.
      for (const QueueUrl of shapes) await us.send(new SendMessageCommand({ QueueUrl, MessageBody: QueueUrl }));
      // The legacy path has no region: the caller's.
      await eu.send(new SendMessageCommand({ QueueUrl: 'http://localhost:4566/000000000000/ls-shapes', MessageBody: 'legacy' }));
      await us.send(new SendMessageCommand({ QueueUrl: 'http://queue.localhost.localstack.cloud:4566/000000000000/ls-shapes-us', MessageBody: 'domain us-east-1' }));
      const count = async (client: typeof us, QueueUrl: string) =>
        (await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes!
          .ApproximateNumberOfMessages;
      expect(await count(us, shapes[0]!)).toBe('5');
      expect(await count(us, 'http://localhost:4566/000000000000/ls-shapes-us')).toBe('1');
    });
  });
});

describe.each(['emulator', 'off', 'path', 'standard', 'domain'] as const)('queue URLs handed out with strategy %s', (strategy) => {
  let server: RunningEmulator;
  beforeAll(async () => {
    server = await emulator({ queueUrlStrategy: strategy as QueueUrlStrategy });
  });
  afterAll(() => server.stop());

  const expected = (region: string, name: string): string => {
    const port = server.port;
    switch (strategy) {
      case 'emulator':
        // The default region's URLs are short; another region's carry it in the path (F30).
        return region === 'us-east-1' ? `${server.url}/${ACCOUNT}/${name}` : `${server.url}/queue/${region}/${ACCOUNT}/${name}`;
      case 'off':
        return `${server.url}/${ACCOUNT}/${name}`;
      case 'path':
        return `${server.url}/queue/${region}/${ACCOUNT}/${name}`;
      case 'standard':
        return `http://sqs.${region}.localhost.localstack.cloud:${port}/${ACCOUNT}/${name}`;
      case 'domain':
        return `http://${region === 'us-east-1' ? '' : `${region}.`}queue.localhost.localstack.cloud:${port}/${ACCOUNT}/${name}`;
    }
  };

  test.each(protocols)('CreateQueue, GetQueueUrl and ListQueues over %s; the URLs work as input', async (protocol, makeClient) => {
    for (const region of ['us-east-1', 'eu-central-1']) {
      const sqs = makeClient(server.url, region);
      const name = `strat-${protocol}`;
      const created = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
      expect(created).toBe(expected(region, name));
      expect((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(created);
      expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }))).QueueUrls).toEqual([created]);
      await sqs.send(new SendMessageCommand({ QueueUrl: created, MessageBody: 'round trip' }));
      // From a client of another region: the URL alone finds the queue (except the region-less shapes).
      const other = makeClient(server.url, region === 'us-east-1' ? 'eu-central-1' : 'us-east-1');
      if (strategy === 'path' || strategy === 'standard' || (strategy === 'domain' && region !== 'us-east-1')) {
        const got = await other.send(new ReceiveMessageCommand({ QueueUrl: created }));
        expect(got.Messages?.[0]?.Body).toBe('round trip');
      }
    }
  });
});

test('a query request POSTed to a path-strategy queue URL is served (kombu-style)', async () => {
  const server = await emulator({ queueUrlStrategy: 'path' });
  try {
    const url = (await jsonClient(server.url).send(new CreateQueueCommand({ QueueName: 'on-path' }))).QueueUrl!;
    const path = new URL(url).pathname;
    expect(path).toBe(`/queue/us-east-1/${ACCOUNT}/on-path`);
    const sent = await rawQuery(server.url, { Action: 'SendMessage', Version: '2012-11-05', MessageBody: 'hi' }, { path });
    expect(sent.status).toBe(200);
    const json = await rawJson(server.url, 'ReceiveMessage', {}, { path });
    expect(json.body.Messages[0].Body).toBe('hi');
  } finally {
    await server.stop();
  }
});

describe('/_aws/sqs/messages', () => {
  let server: RunningEmulator;
  let queueUrl: string;
  let fifoUrl: string;
  beforeAll(async () => {
    server = await emulator();
    const sqs = jsonClient(server.url);
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'peeked' }))).QueueUrl!;
    fifoUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'peeked.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }))).QueueUrl!;
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'in flight' }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 600 }));
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'visible', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'delayed', DelaySeconds: 600 }));
    await sqs.send(new SendMessageCommand({ QueueUrl: fifoUrl, MessageBody: 'fifo one', MessageGroupId: 'g' }));
  });
  afterAll(() => server.stop());

  const state = async () => {
    const { Attributes: a } = await jsonClient(server.url).send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    return a;
  };

  test.each(protocols)('usable as an SDK endpoint for ReceiveMessage over %s, without side effects', async (_p, makeClient) => {
    const before = await state();
    const peekClient = makeClient(`${server.url}/_aws/sqs/messages`);
    for (let i = 0; i < 2; i++) {
      const { Messages } = await peekClient.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ['All'] }));
      expect(Messages).toHaveLength(1);
      expect(Messages![0]).toMatchObject({
        Body: 'visible',
        ReceiptHandle: 'SQS/BACKDOOR/ACCESS',
        MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
        Attributes: { ApproximateReceiveCount: '0' },
      });
    }
    const fifo = await peekClient.send(new ReceiveMessageCommand({ QueueUrl: fifoUrl }));
    expect(fifo.Messages![0]!.Attributes).toMatchObject({ MessageGroupId: 'g', SequenceNumber: expect.stringMatching(/^\d{20}$/) });
    expect(await state()).toEqual(before);
    // Other actions are refused; so are missing and unknown queues.
    await expect(peekClient.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 400 },
      message: 'This endpoint only accepts ReceiveMessage calls',
    });
    await expect(peekClient.send(new ReceiveMessageCommand({ QueueUrl: `${server.url}/${ACCOUNT}/nope` }))).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
    });
  });

  test('plain GET with QueueUrl, ShowInvisible and ShowDelayed; XML by default, JSON on Accept', async () => {
    const get = async (query: string, accept?: string) => {
      const res = await fetch(`${server.url}/_aws/sqs/messages?${query}`, { headers: accept ? { accept } : {} });
      return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
    };
    const q = `QueueUrl=${encodeURIComponent(queueUrl)}`;
    const xml = await get(q);
    expect(xml.status).toBe(200);
    expect(xml.type).toMatch(/xml/);
    expect(xml.text).toContain('<Body>visible</Body>');
    expect(xml.text).not.toContain('in flight');
    const all = JSON.parse((await get(`${q}&ShowInvisible=true&ShowDelayed=1`, 'application/json')).text);
    const flags = Object.fromEntries(
      all.Messages.map((m: { Body: string; Attributes: Record<string, string> }) => [m.Body, [m.Attributes.IsVisible, m.Attributes.IsDelayed]]),
    );
    expect(flags).toEqual({ 'in flight': ['false', 'false'], visible: ['true', 'false'], delayed: ['false', 'true'] });
    const onlyInvisible = JSON.parse((await get(`${q}&ShowInvisible=True`, 'application/json')).text);
    expect(onlyInvisible.Messages.map((m: { Body: string }) => m.Body)).toEqual(['in flight', 'visible']);
  });

  test('the /<region>/<account>/<queue> form', async () => {
    const res = await fetch(`${server.url}/_aws/sqs/messages/us-east-1/${ACCOUNT}/peeked?ShowDelayed=true`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { Messages: { Body: string }[] };
    expect(body.Messages.map((m) => m.Body)).toEqual(['visible', 'delayed']);
    const missing = await fetch(`${server.url}/_aws/sqs/messages/us-east-1/${ACCOUNT}/nope`);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('<Code>AWS.SimpleQueueService.NonExistentQueue</Code>');
  });

  test('errors in the caller protocol: missing QueueUrl, bad address, other actions', async () => {
    const noUrl = await rawJson(server.url, 'ReceiveMessage', {}, { path: '/_aws/sqs/messages' });
    expect(noUrl.status).toBe(400);
    expect(noUrl.body.__type).toBe('com.amazonaws.sqs#QueueDoesNotExist');
    const bad = await rawQuery(server.url, { Action: 'ReceiveMessage', QueueUrl: 'http://host/a/b/c/d/e' }, { path: '/_aws/sqs/messages' });
    expect(bad.status).toBe(404);
    expect(bad.body.ErrorResponse.Error.Code).toBe('InvalidAddress');
    const other = await rawQuery(server.url, { Action: 'DeleteQueue', QueueUrl: queueUrl }, { path: '/_aws/sqs/messages' });
    expect(other.status).toBe(400);
    expect(other.body.ErrorResponse.Error).toMatchObject({ Code: 'InvalidRequest', Message: 'This endpoint only accepts ReceiveMessage calls' });
    const garbage = await fetch(`${server.url}/_aws/sqs/messages`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage' }, body: '{nope' });
    expect(garbage.status).toBe(400);
    const undecodable = await fetch(`${server.url}/_aws/sqs/messages/%ZZ/${ACCOUNT}/q`);
    expect(undecodable.status).toBe(404);
    expect(await undecodable.text()).toContain('<Code>InvalidAddress</Code>');
    const huge = await fetch(`${server.url}/_aws/sqs/messages`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0' }, body: 'x'.repeat(1_048_577) });
    expect(huge.status).toBe(413);
    const proto = await fetch(`${server.url}/_aws/sqs/messages?QueueUrl=__proto__`);
    expect(proto.status).toBe(400);
    expect(await proto.text()).toContain('NonExistentQueue');
  });
});

describe('/_localstack/health and init', () => {
  test('answers 200 with LocalStack’s document; sqs is "available", then "running" once used', async () => {
    const server = await emulator();
    try {
      const health = async () => {
        const res = await fetch(`${server.url}/_localstack/health`);
        expect(res.status).toBe(200);
        return res.text();
      };
      const first = await health();
      expect(first).toContain('"services": {"sqs": "available"}');
      expect(JSON.parse(first).edition).toBe('community');
      await jsonClient(server.url).send(new CreateQueueCommand({ QueueName: 'h' }));
      expect(await health()).toContain('"sqs": "running"');
      expect((await fetch(`${server.url}/_localstack/health`, { method: 'HEAD' })).status).toBe(200);
      expect(await (await fetch(`${server.url}/_localstack/init/ready`)).json()).toEqual({ completed: true, scripts: [] });
      expect(((await (await fetch(`${server.url}/_localstack/init`)).json()) as any).completed.READY).toBe(true);
      expect((await fetch(`${server.url}/_localstack/init/nonsense`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});

describe('LocalStack settings', () => {
  const options = (env: NodeJS.ProcessEnv, argv: string[] = []) => {
    const c = parseCommandLine(argv, env);
    if (c.kind !== 'run') throw new Error('expected run');
    return c.options;
  };

  test('drop-in mode maps SQS_ENDPOINT_STRATEGY and the timing flags; outside it they are ignored', () => {
    const env = { SQS_EMULATOR_LOCALSTACK: '1', SQS_ENDPOINT_STRATEGY: 'path', SQS_DELAY_RECENTLY_DELETED: '1', SQS_DELAY_PURGE_RETRY: '0' };
    expect(options(env)).toMatchObject({ port: 4566, queueUrlStrategy: 'path', strictQueueNameReuse: true, strictPurge: false, messageRetention: false });
    expect(options({ ...env, SQS_ENABLE_MESSAGE_RETENTION_PERIOD: 'true' }).messageRetention).toBe(true);
    expect(options({ ...env, SQS_EMULATOR_PORT: '9000' }).port).toBe(9000);
    expect(options(env, ['--queue-url-strategy', 'standard']).queueUrlStrategy).toBe('standard');
    expect(options({ SQS_EMULATOR_LOCALSTACK: 'true', SQS_ENDPOINT_STRATEGY: 'dynamic' }).queueUrlStrategy).toBe('emulator');
    const plain = options({ SQS_ENDPOINT_STRATEGY: 'path', SQS_DELAY_PURGE_RETRY: '1' });
    expect(plain).toMatchObject({ port: 9324 });
    expect(plain.queueUrlStrategy).toBeUndefined();
    expect(plain.strictPurge).toBeUndefined();
    expect(() => options({ SQS_EMULATOR_LOCALSTACK: '1', SQS_ENDPOINT_STRATEGY: 'weird' })).toThrow(
      'SQS_ENDPOINT_STRATEGY: must be standard, domain, path, dynamic or off, got "weird"',
    );
    expect(() => options({}, ['--queue-url-strategy', 'nope'])).toThrow(/--queue-url-strategy: queue URL strategy must be one of/);
  });

  test.each(protocols)('the mapped options behave like LocalStack over %s', async (_p, makeClient) => {
    const env = { SQS_EMULATOR_LOCALSTACK: '1', SQS_DELAY_RECENTLY_DELETED: '1' };
    const { strictQueueNameReuse, strictPurge, messageRetention } = options(env);
    const server = await emulator({ clock: 'manual', strictQueueNameReuse, strictPurge, messageRetention });
    try {
      const sqs = makeClient(server.url);
      const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'ls-rules', Attributes: { MessageRetentionPeriod: '60' } }))).QueueUrl!;
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'kept' }));
      server.clock.advance(24 * 3_600_000);
      // Retention off (LocalStack's default): the message is still there a day later.
      expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages?.[0]?.Body).toBe('kept');
      // SQS_DELAY_PURGE_RETRY unset: purges in a row are fine.
      await sqs.send(new PurgeQueueCommand({ QueueUrl }));
      await sqs.send(new PurgeQueueCommand({ QueueUrl }));
      // SQS_DELAY_RECENTLY_DELETED=1: re-creating within 60 s fails.
      await sqs.send(new DeleteQueueCommand({ QueueUrl }));
      await expect(sqs.send(new CreateQueueCommand({ QueueName: 'ls-rules' }))).rejects.toMatchObject({ name: 'QueueDeletedRecently' });
      server.clock.advance(60_000);
      await sqs.send(new CreateQueueCommand({ QueueName: 'ls-rules' }));
    } finally {
      await server.stop();
    }
  });
});

describe('a compose file written for LocalStack, replayed', () => {
  const dir = new URL('../../examples/toolkit/localstack-compose/', import.meta.url);
  const before = readFileSync(new URL('docker-compose.localstack.yml', dir), 'utf8');
  const after = readFileSync(new URL('docker-compose.emulator.yml', dir), 'utf8');
  const lines = (text: string) => text.split('\n').filter((l) => !l.trimStart().startsWith('#'));

  test('differs only in the image line and one environment variable', () => {
    const [a, b] = [lines(before), lines(after)];
    expect(b).toHaveLength(a.length);
    const changed = a.map((l, i) => [l, b[i]]).filter(([x, y]) => x !== y);
    expect(changed).toEqual([
      ['    image: localstack/localstack:3', '    image: sqs-emulator:local'],
      ['      - SERVICES=sqs', '      - SQS_EMULATOR_LOCALSTACK=1'],
    ]);
  });

  /** One request as a container of the compose network sends it: to host `localstack:4566`. */
  function request(port: number, method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method, path, headers: { host: 'localstack:4566', 'content-length': String(Buffer.byteLength(body)), ...headers } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  test('the health check passes and the app’s path-strategy queue URL works, on port 4566', async () => {
    // The emulator service's environment: the image's (SQS_EMULATOR_HOST; loopback here) and the compose file's.
    // The image listens on 0.0.0.0, where any Host (here the service name) is allowed; on loopback it is named.
    const env: NodeJS.ProcessEnv = { SQS_EMULATOR_HOST: '127.0.0.1', SQS_EMULATOR_ALLOWED_HOSTS: 'localstack', SQS_EMULATOR_LOG_LEVEL: 'silent' };
    const envBlock = /localstack:\n(?:.*\n)*?    environment:\n((?:      - .*\n)+)/.exec(after)![1]!;
    for (const m of envBlock.matchAll(/- (\w+)=(.*)/g)) env[m[1]!] = m[2]!;
    const app = Object.fromEntries([...after.matchAll(/^      (\w+): (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
    const command = parseCommandLine([], env);
    if (command.kind !== 'run') throw new Error('expected run');
    expect(command.options.port).toBe(4566);
    const server = await startEmulator(command.options);
    try {
      // healthcheck: curl -f http://localhost:4566/_localstack/health
      const health = await request(4566, 'GET', '/_localstack/health', { host: 'localhost:4566' });
      expect(health.status).toBe(200);
      // An init step or the app creates the queue (AWS CLI style: query protocol).
      const form = (p: Record<string, string>) => new URLSearchParams({ ...p, Version: '2012-11-05' }).toString();
      const queryHeaders = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
      const created = await request(4566, 'POST', '/', queryHeaders, form({ Action: 'CreateQueue', QueueName: 'orders' }));
      expect(created.text).toContain(`<QueueUrl>${app.ORDERS_QUEUE_URL}</QueueUrl>`);
      // The app (SDK v3, JSON) sends to the URL from its environment, through AWS_ENDPOINT_URL.
      const json = (action: string) => ({ 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` });
      const sent = await request(4566, 'POST', '/', json('SendMessage'), JSON.stringify({ QueueUrl: app.ORDERS_QUEUE_URL, MessageBody: 'order #1' }));
      expect(sent.status).toBe(200);
      // A consumer that posts to the queue URL itself (kombu, aws-sdk v2 style).
      const received = await request(4566, 'POST', new URL(app.ORDERS_QUEUE_URL!).pathname, queryHeaders, form({ Action: 'ReceiveMessage', WaitTimeSeconds: '1' }));
      expect(received.text).toContain('<Body>order #1</Body>');
      const handle = /<ReceiptHandle>([^<]+)<\/ReceiptHandle>/.exec(received.text)![1]!;
      const deleted = await request(4566, 'POST', '/', json('DeleteMessage'), JSON.stringify({ QueueUrl: app.ORDERS_QUEUE_URL, ReceiptHandle: handle }));
      expect(deleted.status).toBe(200);
      // LocalStack's message peek agrees: nothing left.
      const peek = await request(4566, 'GET', `/_aws/sqs/messages?QueueUrl=${encodeURIComponent(app.ORDERS_QUEUE_URL!)}&ShowInvisible=true`, {
        accept: 'application/json',
      });
      expect(JSON.parse(peek.text)).toEqual({});
      // The SDK from the host machine, as compose's port mapping exposes it.
      const sqs = queryClient('http://127.0.0.1:4566');
      expect((await sqs.send(new ListQueuesCommand({}))).QueueUrls).toEqual(['http://127.0.0.1:4566/queue/us-east-1/000000000000/orders']);
    } finally {
      await server.stop();
    }
  });
});
