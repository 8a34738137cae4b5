/**
 * The README tells the truth: its quick start runs (AWS CLI and Node snippets, against a live
 * emulator), its option table is exactly the options the program takes, its action table is
 * exactly the 23 actions, and every developer endpoint, file and example it names exists.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAction } from '../../src/actions/registry.js';
import { OPTIONS, parseCommandLine } from '../../src/config.js';
import type { OptionSpec } from '../../src/config/options.js';
import type { RunningEmulator } from '../../src/index.js';
import { debianClient, debianEnv } from '../clients/support.js';
import { emulator } from '../support/clients.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The markdown section under a `## title` heading. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect([title, start]).not.toEqual([title, -1]);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** Rows of the first table in `text`, as cells. */
function table(text: string): string[][] {
  const lines = text.split('\n').filter((l) => l.startsWith('|'));
  return lines.slice(2).map((l) => l.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()));
}

let server: RunningEmulator;
beforeAll(async () => {
  server = await emulator();
});
afterAll(() => server?.stop());

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: ROOT, env, timeout: 60_000, encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

test('the section order: quick start, then the actions, then configuration', () => {
  const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  expect(headings.slice(0, 3)).toEqual(['Quick start (30 seconds)', 'The 23 actions', 'Configuration']);
});

test('the actions table names exactly the 23 actions', async () => {
  const names = table(section('The 23 actions')).flatMap((row) => row[0]!.split(' / '));
  expect(names).toHaveLength(23);
  expect(new Set(names).size).toBe(23);
  for (const name of names) expect([name, (await loadAction(name))?.name]).toEqual([name, name]);
});

test('the configuration table is exactly the options, with their env vars, config keys and defaults', () => {
  const rows = table(section('Configuration'));
  const documented = rows.filter((r) => !r[0]!.includes('--help'));
  expect(documented).toHaveLength(OPTIONS.length);
  for (const o of OPTIONS as readonly OptionSpec[]) {
    const row = documented.find((r) => r[0]!.split(/[`,\s]+/).includes(o.flag));
    expect([o.flag, row?.[1], row?.[2]]).toEqual([o.flag, `\`${o.env}\``, o.file === undefined ? '' : `\`${o.file}\``]);
    if (o.default !== undefined) {
      expect([o.flag, row?.[3]]).toEqual([o.flag, typeof o.default === 'boolean' ? (o.default ? 'on' : 'off') : `\`${String(o.default)}\``]);
    }
  }
  // Every config key of the table is accepted by a config file.
  const dir = mkdtempSync(join(tmpdir(), 'readme-config-'));
  for (const row of documented) {
    const key = row[2]!.replace(/`/g, '');
    if (key === '') continue;
    const file = join(dir, `${key}.json`);
    const value = { port: 9324, host: '127.0.0.1', region: 'us-east-1', accountId: '000000000000', logLevel: 'info', logFormat: 'json', console: false, strict: true, dataDir: '/tmp/x', persistence: 'snapshot', snapshotIntervalMs: 1000, clock: 'manual', queueUrlStrategy: 'path', localstack: true, auth: 'verify', credentials: 'AKID:SECRET:111111111111', maxLongPolls: 100, allowedHosts: 'sqs', corsOrigins: 'http://localhost:3000', eventSourceMappings: [{ queueName: 'orders', target: { url: 'http://127.0.0.1:3000/' } }] }[key];
    expect([key, value === undefined]).toEqual([key, false]);
    writeFileSync(file, JSON.stringify({ [key]: value }));
    expect(parseCommandLine(['--config', file], {}).kind).toBe('run');
  }
});

test('every developer endpoint of the table answers', async () => {
  await fetch(server.url + '/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.CreateQueue' },
    body: JSON.stringify({ QueueName: 'jobs' }),
  });
  const rows = table(section('Developer endpoints (not part of AWS)'));
  expect(rows.length).toBeGreaterThanOrEqual(6);
  for (const [request] of rows) {
    const [method, path] = request!.replace(/`/g, '').split(' ') as [string, string];
    const url = server.url + path.replace('<region>', 'us-east-1').replace('<account>', '000000000000').replace('<name>', 'jobs');
    const res = await fetch(url, { method });
    expect([request, res.status]).toEqual([request, 200]);
  }
  expect((await fetch(server.url + '/health')).status).toBe(200);
});

test('the two health endpoints answer with exactly the keys the README gives them', async () => {
  const rows = table(section('Developer endpoints (not part of AWS)'));
  for (const path of ['/_emulator/health', '/health']) {
    const row = rows.find((r) => r[0] === `\`GET ${path}\``);
    const documented = [...row![1]!.matchAll(/"(\w+)"/g)].map((m) => m[1]).filter((k) => k !== 'ok');
    const body = (await (await fetch(server.url + path)).json()) as Record<string, unknown>;
    expect([path, Object.keys(body).sort()]).toEqual([path, documented.sort()]);
  }
});

test('files and examples the README names exist', () => {
  for (const m of readme.matchAll(/`((?:examples|compose|docs|fixtures|test)\/[^`\s]+)`|\((docs\/[^)]+)\)/g)) {
    const path = (m[1] ?? m[2])!;
    expect([path, existsSync(join(ROOT, path))]).toEqual([path, true]);
  }
});

test('quick start: the Node snippet runs as printed', async () => {
  const quick = section('Quick start (30 seconds)');
  const js = /```js\n([\s\S]*?)```/.exec(quick)![1]!.replace(/^ {3}/gm, '').replaceAll('http://127.0.0.1:9324', server.url);
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const r = await run(process.execPath, ['--input-type=module', '-e', js], env);
  expect(r).toEqual({ code: 0, out: 'hello\n' });
});

const cli = debianClient('awscli (Debian, /usr/bin/aws)', ['awscli'], ['/usr/bin/aws']);
cli.test('quick start: the AWS CLI commands run as printed', async () => {
  cli.require();
  const quick = section('Quick start (30 seconds)');
  const sh = /```sh\n([\s\S]*?)```/g;
  const blocks = [...quick.matchAll(sh)].map((m) => m[1]!).filter((b) => b.includes('aws '));
  expect(blocks).toHaveLength(1);
  const script = blocks[0]!.replace(/^ {3}/gm, '').replaceAll('http://127.0.0.1:9324', server.url);
  const env = debianEnv();
  delete env.AWS_ACCESS_KEY_ID; // the block exports its own
  const r = await run('/bin/bash', ['-euo', 'pipefail', '-c', script], env);
  expect(r.code).toBe(0);
  expect(r.out).toContain(`"QueueUrl": "${server.url}/000000000000/jobs"`);
  expect(r.out).toMatch(/"Body": "hello"/);
}, 60_000);
