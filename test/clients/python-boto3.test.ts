/**
 * Real client: Debian's python3-boto3 1.26 / botocore 1.29 (query/XML), run with Debian's
 * /usr/bin/python3 (a pip botocore elsewhere on PATH may speak JSON). The script asserts each
 * step itself, digests included (botocore checks none), and prints a JSON summary.
 */
import { fileURLToPath } from 'node:url';
import { startEmulator, type RunningEmulator } from '../../src/index.js';
import { debianClient, debianEnv, lastJsonLine, run } from './support.js';

const python = debianClient('python3-boto3 (Debian)', ['python3-boto3'], ['/usr/bin/python3', '/usr/lib/python3/dist-packages/boto3/__init__.py']);
const script = fileURLToPath(new URL('./python/boto3_scenario.py', import.meta.url));

let server: RunningEmulator;
beforeAll(async () => {
  server = await startEmulator({ port: 0, logLevel: 'silent' });
});
afterAll(() => server?.stop());

python.test('boto3 (query): full scenario', async () => {
  python.require();
  const { stdout } = await run('/usr/bin/python3', [script, server.url, `boto3-${process.pid}`], { env: debianEnv(), timeoutMs: 25_000 });
  const summary = lastJsonLine(stdout);
  expect(summary).toMatchObject({ ok: true, botocore: expect.stringMatching(/^1\.29\./), received: 4 });
  expect(summary.waited).toBeGreaterThanOrEqual(0.9);
}, 30_000);
