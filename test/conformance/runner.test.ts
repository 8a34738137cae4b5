/**
 * `npm run conformance -- …` (run.mjs): flags become SQS_CONFORMANCE_* variables and jest runs
 * test/conformance. Shown end to end with --endpoint against a second emulator instance and
 * --report to a file; --only keeps the nested run to one case (and keeps it from recursing).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../src/index.js';
import { queueUrlsOn, requestsOn } from '../support/observe.js';
import { makeClient } from './client.js';
import { listAll } from './suite.js';

const root = new URL('../..', import.meta.url);
const clean = (env: NodeJS.ProcessEnv) => Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('SQS_CONFORMANCE_')));
const run = (args: string[], env: Record<string, string> = {}) =>
  new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, ['test/conformance/run.mjs', ...args], {
      cwd: root,
      env: { ...clean(process.env), ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });

test('unknown flags are refused before jest sees them', async () => {
  const r = await run(['--bogus']);
  expect(r.code).toBe(2);
  expect(r.out).toMatch(/unknown flag --bogus[\s\S]*usage: npm run conformance/);
  expect((await run(['--target', 'mars'])).code).toBe(2);
  const record = await run(['--record']);
  expect(record.code).toBe(2);
  expect(record.out).toMatch(/--record needs --target aws/);
});

test('--endpoint URL --report FILE runs the suite against another endpoint and writes the report', async () => {
  const second = await startEmulator({ port: 0, logLevel: 'silent', strict: true });
  const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
  try {
    const report = join(dir, 'report.md');
    const r = await run(['--endpoint', second.url, '--report', report, '--only', 'getQueueUrl-missing']);
    expect(r.code).toBe(0);
    const md = readFileSync(report, 'utf8');
    expect(md).toMatch(/^# Conformance report \(target: endpoint\)/);
    expect(md).toMatch(/\| GetQueueUrl \| json \| 1 \| 0 \| 0 \| 0 \|/);
    expect(md).toMatch(/\| GetQueueUrl \| query \| 1 \| 0 \| 0 \| 0 \|/);
    // the nested run's requests reached the endpoint (the case's GetQueueUrl, once per protocol) and left no queue there
    expect(await requestsOn(second.url, 'GetQueueUrl', 'json')).toEqual({ '400': 1 });
    expect(await requestsOn(second.url, 'GetQueueUrl', 'query')).toEqual({ '400': 1 });
    expect(await queueUrlsOn(second.url)).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await second.stop();
  }
}, 90_000);

test('--target aws runs the AWS mode (credential chain, region, both protocols, cleanup) against an endpoint given by AWS_ENDPOINT_URL_SQS', async () => {
  const stand = await startEmulator({ port: 0, logLevel: 'silent', strict: true });
  const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
  try {
    const report = join(dir, 'report.md');
    const only = 'getQueueUrl-missing|sendMessage-md5|json-error-envelopes|query-error-envelope|request-to-queue-url-path|createQueue-same-name-two-regions';
    const recorded = join(dir, 'recordings');
    const r = await run(['--target', 'aws', '--report', report, '--record', recorded, '--only', only], {
      AWS_ENDPOINT_URL_SQS: stand.url,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'eu-west-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PROFILE: '',
    });
    const md = readFileSync(report, 'utf8');
    expect(md).toMatch(/^# Conformance report \(target: aws\)/);
    expect(md).toMatch(/\| CreateQueue \| json \| 1 \| 0 \| 0 \| 0 \|/);
    expect(md).toMatch(/\| GetQueueUrl \| json \| 2 \| 0 \| 0 \| 1 \|/);
    expect(md).toMatch(/\| GetQueueUrl \| query \| 2 \| 0 \| 0 \| 1 \|/);
    expect(md).toMatch(/\| SendMessage \| query \| 2 \| 0 \| 0 \| 0 \|/);
    expect(r.code).toBe(0);
    // --record wrote each case's normalised observations, marked as recorded from "aws"
    const rec = JSON.parse(readFileSync(join(recorded, 'getQueueUrl-missing.json'), 'utf8'));
    expect(rec.source).toBe('aws');
    expect(rec.responses).toEqual(JSON.parse(readFileSync(new URL('../../fixtures/recordings/getQueueUrl-missing.json', import.meta.url), 'utf8')).responses);
    expect(readdirSync(recorded).sort()).toEqual(only.split('|').map((id) => `${id}.json`).sort());
    // queues were created in the credential-chain region and in the second region, and all deleted
    for (const region of ['eu-west-1', 'us-west-2']) {
      const c = makeClient({ target: 'endpoint', protocol: 'json', url: stand.url, region });
      try {
        expect(await listAll(c, '')).toEqual([]);
      } finally {
        c.destroy();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await stand.stop();
  }
}, 120_000);
