/**
 * The browser guard on the wire: requests labelled as a browser's from another site, and
 * requests naming a Host the emulator does not answer to, are refused with 403 before any
 * state changes: AWS-shaped (AccessDenied) in the caller's protocol on SQS paths, a small
 * JSON body on the others. Requests without the labels (SDKs, CLI, curl) are untouched.
 */
import { request as httpRequest } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import type { EmulatorOptions, RunningEmulator } from '../../src/index.js';
import { emulator, rawJson } from '../support/clients.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** node:http, since fetch always sends the URL's Host and its own Sec-Fetch/Origin rules. */
function send(url: string, init: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    // A body always framed by its length: Node would not frame a DELETE's.
    const headers = init.body === undefined ? init.headers : { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) };
    const req = httpRequest(
      { host: target.hostname.replace(/^\[|\]$/g, ''), port: target.port, method: init.method ?? 'GET', path: init.path ?? '/', headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

const xml = new XMLParser({ parseTagValue: false });
const EVIL = { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' };

let server: RunningEmulator;
let host: string;
let queueUrl: string;

beforeAll(async () => {
  server = await emulator();
  host = new URL(server.url).host;
  queueUrl = (await rawJson(server.url, 'CreateQueue', { QueueName: 'kept' })).body.QueueUrl;
});
afterAll(() => server?.stop());

const queueNames = (s: RunningEmulator = server): string[] => s.engine.queues().map((q) => q.name).sort();

describe('cross-site browser requests are refused on SQS paths, AWS-shaped', () => {
  test('an <img> GET DeleteQueue (Sec-Fetch-Site cross-site, no Origin): query ErrorResponse, queue kept', async () => {
    const path = `/?Action=DeleteQueue&QueueUrl=${encodeURIComponent(queueUrl)}`;
    const res = await send(server.url, { path, headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'image', 'sec-fetch-mode': 'no-cors' } });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    const error = xml.parse(res.text).ErrorResponse;
    expect(error.Error).toEqual({
      Type: 'Sender',
      Code: 'AccessDenied',
      Detail: '',
      Message: expect.stringMatching(/^Request refused: a web page on another site sent it \(Sec-Fetch-Site cross-site\)\..*--cors-origins\.$/),
    });
    expect(error.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(queueNames()).toContain('kept');
  });

  test('the same GET on the queue path, and a same-site one, are refused too', async () => {
    const path = `${new URL(queueUrl).pathname}?Action=DeleteQueue`;
    expect((await send(server.url, { path, headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await send(server.url, { path, headers: { 'sec-fetch-site': 'same-site' } })).status).toBe(403);
    expect(queueNames()).toContain('kept');
  });

  test('a form POST CreateQueue from another origin: refused, nothing created', async () => {
    const res = await send(server.url, {
      method: 'POST',
      headers: { ...EVIL, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=CreateQueue&QueueName=planted',
    });
    expect(res.status).toBe(403);
    expect(xml.parse(res.text).ErrorResponse.Error.Code).toBe('AccessDenied');
    expect(queueNames()).not.toContain('planted');
  });

  test('over JSON: __type, message and x-amzn-query-error', async () => {
    const res = await send(server.url, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.CreateQueue' },
      body: '{"QueueName":"planted"}',
    });
    expect(res.status).toBe(403);
    expect(res.headers['x-amzn-query-error']).toBe('AccessDenied;Sender');
    expect(res.headers.connection).toBe('close'); // the body of a refused request is never read
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.parse(res.text)).toEqual({
      __type: 'com.amazon.coral.service#AccessDeniedException',
      message: expect.stringContaining('(Origin http://evil.example)'),
    });
    expect(queueNames()).not.toContain('planted');
  });
});

describe('cross-site browser requests are refused on every other path', () => {
  test.each([
    ['POST', '/_emulator/reset'],
    ['GET', '/_emulator/state'],
    ['GET', '/_emulator/queues'],
    ['POST', '/_emulator/clock/advance'],
    ['DELETE', '/_emulator/faults'],
    ['GET', '/_aws/sqs/messages'],
    ['GET', '/_localstack/health'],
    ['GET', '/console/'],
    ['GET', '/metrics'],
    ['GET', '/health'],
  ])('%s %s', async (method, path) => {
    const res = await send(server.url, { method, path, headers: { ...EVIL, 'content-type': 'text/plain' }, body: method === 'GET' ? undefined : '{}' });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(res.text)).toEqual({ error: 'Forbidden', message: expect.stringContaining('(Origin http://evil.example)') });
    expect(queueNames()).toContain('kept');
  });
});

describe('a Host the emulator does not answer to (DNS rebinding)', () => {
  test.each(['evil.example', 'localhost.evil.example', '127.0.0.1.nip.io'])('%s: refused on SQS and developer paths', async (name) => {
    const rebound = `${name}:${server.port}`;
    const sqs = await send(server.url, { path: `/?Action=ListQueues`, headers: { host: rebound } });
    expect(sqs.status).toBe(403);
    expect(xml.parse(sqs.text).ErrorResponse.Error).toMatchObject({ Code: 'AccessDenied', Message: expect.stringContaining(`Host ${rebound} is not a name of this emulator`) });
    const messages = await send(server.url, { path: `/_emulator/queues`, headers: { host: rebound, origin: `http://${rebound}` } });
    expect(messages.status).toBe(403);
    expect(JSON.parse(messages.text).message).toContain(`Host ${rebound}`);
  });

  test.each(['localhost', 'localhost.', 'app.localhost', '127.0.0.1', '127.0.0.2'])('%s passes', async (name) => {
    const res = await send(server.url, { path: '/?Action=ListQueues', headers: { host: `${name}:${server.port}` } });
    expect(res.status).toBe(200);
  });
});

describe('what passes', () => {
  test('no browser labels (SDKs, CLI, curl)', async () => {
    expect((await send(server.url, { path: '/?Action=ListQueues' })).status).toBe(200);
  });

  test('the emulator\'s own pages: Origin equal to its address, Sec-Fetch-Site same-origin or none', async () => {
    const own = await send(server.url, {
      method: 'POST',
      headers: { origin: server.url, 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
      body: '{}',
    });
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBeUndefined();
    const typed = await send(server.url, { path: '/console/', headers: { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' } });
    expect(typed.status).toBe(200);
    expect(typed.text).toContain('<html');
  });

  test('IPv6 loopback: [::1] as Host and Origin', async () => {
    let v6: RunningEmulator;
    try {
      v6 = await emulator({ host: '::1' });
    } catch {
      return; // no IPv6 loopback on this machine
    }
    try {
      expect(v6.url).toBe(`http://[::1]:${v6.port}`);
      const res = await send(v6.url, {
        method: 'POST',
        headers: { origin: v6.url, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
        body: '{}',
      });
      expect(res.status).toBe(200);
      expect((await send(v6.url, { path: '/health', headers: { host: `[fd00::1]:${v6.port}` } })).status).toBe(403);
    } finally {
      await v6.stop();
    }
  });
});

describe('listen address and --allowed-hosts', () => {
  const started: RunningEmulator[] = [];
  afterAll(() => Promise.all(started.map((s) => s.stop())));
  const start = async (options: EmulatorOptions): Promise<RunningEmulator> => {
    const s = await emulator(options);
    started.push(s);
    return s;
  };

  test('on 0.0.0.0: any Host (Docker service names); --allowed-hosts narrows it', async () => {
    const open = await start({ host: '0.0.0.0' });
    expect((await send(open.url, { path: '/?Action=ListQueues', headers: { host: `sqs:${open.port}` } })).status).toBe(200);
    const narrowed = await start({ host: '0.0.0.0', allowedHosts: ['sqs'] });
    expect((await send(narrowed.url, { path: '/?Action=ListQueues', headers: { host: `sqs:${narrowed.port}` } })).status).toBe(200);
    expect((await send(narrowed.url, { path: '/?Action=ListQueues', headers: { host: `evil.example:${narrowed.port}` } })).status).toBe(403);
    expect((await send(narrowed.url, { path: '/?Action=ListQueues', headers: { host: `localhost:${narrowed.port}` } })).status).toBe(200);
  });
});

describe('--cors-origins', () => {
  let app: RunningEmulator;
  beforeAll(async () => {
    app = await emulator({ corsOrigins: ['http://localhost:3000'] });
  });
  afterAll(() => app?.stop());

  test('the preflight is answered with the SDK\'s headers; the call gets CORS headers', async () => {
    const preflight = await send(app.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target,x-amz-date,authorization', 'sec-fetch-site': 'same-site' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(preflight.headers['access-control-allow-headers'])).toMatch(/x-amz-target.*content-type.*authorization.*x-amz-date/);
    const call = await send(app.url, {
      method: 'POST',
      headers: { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-site', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.CreateQueue' },
      body: '{"QueueName":"from-app"}',
    });
    expect(call.status).toBe(200);
    expect(call.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(call.headers['access-control-expose-headers']).toBe('x-amzn-requestid, x-amzn-query-error');
    expect(call.headers.vary).toBe('Origin');
    expect(queueNames(app)).toEqual(['from-app']);
    // Errors carry them too, so the app can read the error code.
    const missing = await send(app.url, {
      method: 'POST',
      headers: { origin: 'http://localhost:3000', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.GetQueueUrl' },
      body: '{"QueueName":"nope"}',
    });
    expect([missing.status, missing.headers['access-control-allow-origin']]).toEqual([400, 'http://localhost:3000']);
    const dev = await send(app.url, { path: '/_emulator/queues', headers: { origin: 'http://localhost:3000' } });
    expect([dev.status, dev.headers['access-control-allow-origin']]).toEqual([200, 'http://localhost:3000']);
  });

  test('programmatic options are checked and normalised like the CLI\'s', async () => {
    await expect(emulator({ corsOrigins: ['localhost:3000'] })).rejects.toThrow('corsOrigins: "localhost:3000" is not an origin like http://localhost:3000');
    await expect(emulator({ allowedHosts: ['sqs:9324'] })).rejects.toThrow('allowedHosts: "sqs:9324" is not a host name or address');
    const written = await emulator({ corsOrigins: ['HTTP://Localhost:3000/'] });
    try {
      const res = await send(written.url, { path: '/?Action=ListQueues', headers: { origin: 'http://localhost:3000' } });
      expect([res.status, res.headers['access-control-allow-origin']]).toEqual([200, 'http://localhost:3000']);
    } finally {
      await written.stop();
    }
  });

  test('other origins, and their preflights, are still refused', async () => {
    const preflight = await send(app.url, { method: 'OPTIONS', headers: { origin: 'http://localhost:3001', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});
