/**
 * Real client: Debian's python3-kombu 5.2 SQS transport (what Celery uses), with
 * broker URL sqs://test:test@127.0.0.1:PORT/. Both of its HTTP stacks:
 * the sync path (boto3, query: SimpleQueue put/get/ack/qsize) and the async path (event-loop
 * Hub + pycurl: ReceiveMessage POSTed to the queue URL's path without QueueUrl or Version).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type RunningEmulator } from '../../src/index.js';
import { debianClient, debianEnv, lastJsonLine, run } from './support.js';

const dist = '/usr/lib/python3/dist-packages';
const pycurl = existsSync(dist) ? readdirSync(dist).find((f) => /^pycurl\..*\.so$/.test(f)) : undefined;
const kombu = debianClient('python3-kombu (Debian)', ['python3-kombu', 'python3-pycurl', 'python3-boto3'], [
  '/usr/bin/python3',
  `${dist}/kombu/__init__.py`,
  `${dist}/boto3/__init__.py`,
  join(dist, pycurl ?? 'pycurl.*.so'),
]);
const script = fileURLToPath(new URL('./python/kombu_scenario.py', import.meta.url));

let server: RunningEmulator;
beforeAll(async () => {
  server = await startEmulator({ port: 0, logLevel: 'silent' });
});
afterAll(() => server?.stop());

kombu.test('kombu SQS transport: sync SimpleQueue and async (pycurl) receive', async () => {
  kombu.require();
  const prefix = `kombu-${process.pid}-`;
  const { stdout } = await run('/usr/bin/python3', [script, String(server.port), prefix], { env: debianEnv(), timeoutMs: 40_000 });
  const summary = lastJsonLine(stdout);
  expect(summary).toMatchObject({ ok: true, kombu: expect.stringMatching(/^5\.2\./), sync: 2, async: 1 });
  expect(summary.asyncRequests.length).toBeGreaterThan(0);
  for (const r of summary.asyncRequests) {
    expect(r).toMatchObject({ method: 'POST', url: `${server.url}/000000000000/${prefix}async`, client: 'CurlClient' });
    expect(r.body).toContain('Action=ReceiveMessage');
    expect(r.body).not.toMatch(/QueueUrl=|Version=/);
  }
}, 45_000);
