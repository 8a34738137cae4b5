/** One log line per SQS request, text or JSON; quiet by default under jest; options for both. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { parseCommandLine } from '../../src/config.js';
import { startEmulator } from '../../src/index.js';
import { createLogger } from '../../src/log.js';
import { jsonClient, queryClient } from '../support/clients.js';

test('json: one line per request with action, queue, status, error code, duration and request id', async () => {
  const lines: string[] = [];
  const server = await startEmulator({ port: 0, logger: createLogger('info', (l) => lines.push(l), 'json') });
  try {
    const { QueueUrl } = await jsonClient(server.url).send(new CreateQueueCommand({ QueueName: 'logged' }));
    const sent = await queryClient(server.url).send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }));
    await expect(jsonClient(server.url).send(new ReceiveMessageCommand({ QueueUrl: QueueUrl + '-missing' }))).rejects.toThrow();
    await fetch(server.url + '/_emulator/health'); // not an SQS request: no line
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(3);
    expect(records[0]).toMatchObject({ level: 'info', msg: 'request', action: 'CreateQueue', status: 200, protocol: 'json' });
    expect(records[1]).toMatchObject({ action: 'SendMessage', queue: 'logged', status: 200, protocol: 'query' });
    expect(records[2]).toMatchObject({ action: 'ReceiveMessage', queue: 'logged-missing', status: 400, error: 'AWS.SimpleQueueService.NonExistentQueue' });
    for (const r of records) {
      expect(typeof r.ms).toBe('number');
      expect(r.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(r.time as string).toISOString()).toBe(r.time);
    }
    expect(sent.$metadata.requestId).toBe(records[1]!.requestId);
  } finally {
    await server.stop();
  }
});

test('the error code is logged from the answer itself: query XML, query JSON and the bare 404 at a queue URL (F181)', async () => {
  const lines: string[] = [];
  const server = await startEmulator({ port: 0, logger: createLogger('info', (l) => lines.push(l), 'json') });
  try {
    const { QueueUrl } = await jsonClient(server.url).send(new CreateQueueCommand({ QueueName: 'coded' }));
    await expect(queryClient(server.url).send(new ReceiveMessageCommand({ QueueUrl: QueueUrl + '-missing' }))).rejects.toThrow();
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    const asJson = await fetch(server.url + '/', { ...form, headers: { ...form.headers, accept: 'application/json' }, body: 'Action=GetQueueUrl&QueueName=nope' });
    expect(asJson.status).toBe(400);
    const bare = await fetch(QueueUrl!);
    expect([bare.status, await bare.text()]).toEqual([404, '<UnknownOperationException/>']);
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>).slice(1);
    expect(records.map((r) => [r.protocol, r.status, r.error])).toEqual([
      ['query', 400, 'AWS.SimpleQueueService.NonExistentQueue'],
      ['query', 400, 'AWS.SimpleQueueService.NonExistentQueue'],
      ['query', 404, 'UnknownOperationException'],
    ]);
  } finally {
    await server.stop();
  }
});

test('text: one readable line per request', async () => {
  const lines: string[] = [];
  const server = await startEmulator({ port: 0, logger: createLogger('info', (l) => lines.push(l)) });
  try {
    const { QueueUrl } = await jsonClient(server.url).send(new CreateQueueCommand({ QueueName: 'q' }));
    await jsonClient(server.url).send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }));
    expect(lines[1]).toMatch(/^\S+Z INFO request action=SendMessage queue=q status=200 ms=[\d.]+ protocol=json requestId=[0-9a-f-]{36}$/);
  } finally {
    await server.stop();
  }
});

test('below info no request hook runs; under jest the default level is quiet', async () => {
  const writes: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    const server = await startEmulator({ port: 0 }); // no logLevel: NODE_ENV=test under jest
    await jsonClient(server.url).send(new CreateQueueCommand({ QueueName: 'quiet' }));
    await server.stop();
  } finally {
    process.stderr.write = original;
  }
  expect(process.env.NODE_ENV).toBe('test');
  expect(writes.filter((w) => /request|CreateQueue/.test(w))).toEqual([]);
});

test('--log-format and --console: flag > environment > config file > default, bad values refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dx-config-'));
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ logFormat: 'json', console: false }));
  const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const c = parseCommandLine(argv, env);
    if (c.kind !== 'run') throw new Error('not a run');
    return { logFormat: c.options.logFormat, console: c.options.console };
  };
  expect(run([])).toEqual({ logFormat: 'text', console: true });
  expect(run(['--config', file])).toEqual({ logFormat: 'json', console: false });
  expect(run(['--config', file], { SQS_EMULATOR_LOG_FORMAT: 'text', SQS_EMULATOR_CONSOLE: 'true' })).toEqual({ logFormat: 'text', console: true });
  expect(run(['--log-format', 'json', '--no-console'], { SQS_EMULATOR_LOG_FORMAT: 'text' })).toEqual({ logFormat: 'json', console: false });
  expect(run(['--console=false'])).toEqual({ logFormat: 'text', console: false });
  expect(run(['--console'], { SQS_EMULATOR_CONSOLE: 'false' })).toEqual({ logFormat: 'text', console: true });
  expect(() => run(['--log-format', 'xml'])).toThrow('--log-format: log format must be one of text, json, got "xml"');
  expect(() => run([], { SQS_EMULATOR_CONSOLE: 'maybe' })).toThrow('SQS_EMULATOR_CONSOLE: expected true or false, got "maybe"');
  writeFileSync(file, '{"__proto__": "x"}');
  expect(() => run(['--config', file])).toThrow(`config file ${file}: unknown key "__proto__"`);
  writeFileSync(file, '{"constructor": "x"}');
  expect(() => run(['--config', file])).toThrow(`config file ${file}: unknown key "constructor"`);
});

test('console: on by default, off with console: false (404, JSON)', async () => {
  const on = await startEmulator({ port: 0, logLevel: 'silent' });
  const off = await startEmulator({ port: 0, logLevel: 'silent', console: false });
  try {
    const page = await fetch(on.url + '/console/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>sqs-emulator console</title>');
    const redirect = await fetch(on.url + '/console', { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([301, '/console/']);
    expect((await fetch(on.url + '/console/console.js')).headers.get('content-type')).toMatch(/^text\/javascript/);
    const gone = await fetch(off.url + '/console/');
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ error: 'NotFound' });
    expect((await fetch(off.url + '/_emulator/health')).status).toBe(200);
  } finally {
    await on.stop();
    await off.stop();
  }
});
