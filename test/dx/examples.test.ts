/**
 * Every example in examples/ runs against a live emulator: Node (@aws-sdk/client-sqs and
 * sqs-consumer), a jest project whose globalSetup calls startEmulator(), Python boto3
 * (Debian's /usr/bin/python3) and the AWS CLI (/usr/bin/aws). The compose example has its own
 * suite (compose.test.ts). Missing Debian clients skip with a message, or fail under CI=true.
 */
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunningEmulator } from '../../src/index.js';
import { debianClient, debianEnv } from '../clients/support.js';
import { emulator } from '../support/clients.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let server: RunningEmulator;

beforeAll(async () => {
  server = await emulator();
});
afterAll(() => server?.stop());

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeout = 60_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: ROOT, env, timeout, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

const nodeEnv = (): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('SQS_') && !k.startsWith('npm_'))),
  SQS_ENDPOINT: server.url,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

const queueNames = (): string[] => server.engine.queues().map((q) => q.name);

test('Node: @aws-sdk/client-sqs send, receive, delete', async () => {
  const r = await run(process.execPath, ['examples/node/send-receive.mjs'], nodeEnv());
  expect(r).toMatchObject({ code: 0, out: expect.stringMatching(/received [0-9a-f-]{36}: hello from Node \(kind=greeting\)\nok\n/) });
  const q = server.engine.stats({ region: 'us-east-1', accountId: '000000000000', name: 'example-node' });
  expect(q.visible + q.inflight).toBe(0);
});

test('Node: sqs-consumer handles and deletes three messages', async () => {
  const r = await run(process.execPath, ['examples/node/consumer.mjs'], nodeEnv());
  expect(r).toMatchObject({ code: 0, out: expect.stringContaining('handled one, three, two\nok\n') });
  const q = server.engine.stats({ region: 'us-east-1', accountId: '000000000000', name: 'example-consumer' });
  expect(q.visible + q.inflight).toBe(0);
});

test('jest: a globalSetup that starts the emulator with startEmulator() (the package import, built)', async () => {
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  expect([build.status, build.stderr]).toEqual([0, expect.anything()]);
  const env = nodeEnv();
  delete env.SQS_ENDPOINT; // the example's globalSetup provides it
  delete env.NODE_OPTIONS;
  const r = await run(
    process.execPath,
    ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', 'node_modules/jest/bin/jest.js', '--config', 'examples/jest/jest.config.js', '--ci'],
    env,
    120_000,
  );
  expect([r.code, r.out]).toEqual([0, expect.stringMatching(/Tests:\s+2 passed, 2 total/)]);
}, 240_000);

const python = debianClient('python3-boto3 (Debian)', ['python3-boto3'], ['/usr/bin/python3', '/usr/lib/python3/dist-packages/boto3/__init__.py']);
python.test('Python: boto3 send, receive, delete', async () => {
  python.require();
  const r = await run('/usr/bin/python3', ['examples/python/boto3_example.py'], debianEnv({ SQS_ENDPOINT: server.url }));
  expect(r).toMatchObject({ code: 0, out: expect.stringMatching(/received [0-9a-f-]{36}: hello from boto3 \(kind=greeting\)\nok\n/) });
  expect(queueNames()).toContain('example-python');
}, 60_000);

const cli = debianClient('awscli (Debian, /usr/bin/aws)', ['awscli'], ['/usr/bin/aws']);
cli.test('AWS CLI: create-queue, send-message, receive-message, delete-message', async () => {
  cli.require();
  const r = await run('/bin/bash', ['examples/aws-cli/example.sh'], debianEnv({ SQS_ENDPOINT: server.url }));
  expect(r).toMatchObject({ code: 0, out: expect.stringContaining(`queue: ${server.url}/000000000000/example-cli`) });
  expect(r.out).toContain('received: hello from the AWS CLI\nok\n');
  const q = server.engine.stats({ region: 'us-east-1', accountId: '000000000000', name: 'example-cli' });
  expect(q.visible + q.inflight).toBe(0);
}, 60_000);
