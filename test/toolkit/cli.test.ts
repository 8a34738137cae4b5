/**
 * The toolkit from the command line, as a sidecar container runs it: `src/cli.ts` in a child
 * process (through tsx, so this file needs no build): the manual clock driven over HTTP,
 * fault rules from the config file, /metrics, and LocalStack drop-in mode from the environment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rawJson, rawQuery } from '../support/clients.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function start(args: string[], env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SQS_EMULATOR_') && !k.startsWith('SQS_')));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', '0', '--log-level', 'error', ...args], {
    cwd: ROOT,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no startup line; ${out} ${err}`)), 20_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = / listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}: ${out} ${err}`));
    });
  });
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

test('--clock manual: a delayed message appears when time is advanced over HTTP; config-file faults and /metrics work', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sqs-emulator-toolkit-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ faults: [{ id: 'once', action: 'ListQueues', error: 'ServiceUnavailable', times: 1 }] }));
  const { url, child } = await start(['--clock', 'manual', '--config', config]);
  try {
    const clock = (await (await fetch(`${url}/_emulator/clock`)).json()) as { mode: string; now: number };
    expect(clock.mode).toBe('manual');
    const QueueUrl = (await rawJson(url, 'CreateQueue', { QueueName: 'cli-clock' })).body.QueueUrl as string;
    await rawJson(url, 'SendMessage', { QueueUrl, MessageBody: 'in 15 minutes', DelaySeconds: 900 });
    expect((await rawJson(url, 'ReceiveMessage', { QueueUrl })).body).toEqual({});
    const advanced = await fetch(`${url}/_emulator/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ms":900000}' });
    expect(((await advanced.json()) as { now: number }).now).toBe(clock.now + 900_000);
    expect((await rawJson(url, 'ReceiveMessage', { QueueUrl })).body.Messages[0].Body).toBe('in 15 minutes');

    expect((await rawQuery(url, { Action: 'ListQueues' })).status).toBe(503);
    expect((await rawQuery(url, { Action: 'ListQueues' })).status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('sqs_emulator_faults_injected_total{action="ListQueues",protocol="query",fault="ServiceUnavailable"} 1');
    expect(metrics).toContain('sqs_emulator_messages_received_total{region="us-east-1",account="000000000000",queue="cli-clock"} 1');
  } finally {
    await stop(child);
  }
});

test('SQS_EMULATOR_LOCALSTACK=1 with SQS_ENDPOINT_STRATEGY=path hands out path-style URLs and answers /_localstack/health', async () => {
  // The port is given (0) so that the test does not need 4566; the default there is covered elsewhere.
  const { url, child } = await start([], { SQS_EMULATOR_LOCALSTACK: '1', SQS_ENDPOINT_STRATEGY: 'path' });
  try {
    expect((await fetch(`${url}/_localstack/health`)).status).toBe(200);
    const created = await rawQuery(url, { Action: 'CreateQueue', QueueName: 'ls-cli' });
    expect(created.body.CreateQueueResponse.CreateQueueResult.QueueUrl).toBe(`${url}/queue/us-east-1/000000000000/ls-cli`);
  } finally {
    await stop(child);
  }
});
