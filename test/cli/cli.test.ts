/**
 * The command-line program as users run it: `node dist/cli.js` in a child process, after a
 * build. Options and their environment variables, refusals of bad values (exit 2), and clean
 * shutdown on SIGTERM/SIGINT while a long poll waits; the parts the bundled program loads on
 * first use (console, data directory, config-file queues).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rawJson, rawQuery } from '../support/clients.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = 'dist/cli.js';
const VERSION = (JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string }).version;

/** Every option the README documents, with its environment variable. */
const DOCUMENTED = [
  ['--port', 'SQS_EMULATOR_PORT'],
  ['--host', 'SQS_EMULATOR_HOST'],
  ['--region', 'SQS_EMULATOR_REGION'],
  ['--account-id', 'SQS_EMULATOR_ACCOUNT_ID'],
  ['--log-level', 'SQS_EMULATOR_LOG_LEVEL'],
  ['--strict', 'SQS_EMULATOR_STRICT'],
  ['--allowed-hosts', 'SQS_EMULATOR_ALLOWED_HOSTS'],
  ['--cors-origins', 'SQS_EMULATOR_CORS_ORIGINS'],
] as const;

beforeAll(() => {
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
  expect(existsSync(`${ROOT}/${CLI}`)).toBe(true);
}, 150_000);

/** The test process's environment without any SQS_EMULATOR_* setting, plus `env`. */
function environment(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SQS_EMULATOR_')));
  return { ...clean, ...env };
}

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly startup: string;
  stdout(): string;
  stderr(): string;
  /** Exit code and signal, once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Starts the CLI and resolves once it has printed its startup line. */
function start(args: string[], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: environment(env), stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no startup line within 10 s; stdout: ${out}; stderr: ${err}`)), 10_000);
    const check = (): void => {
      const line = out.split('\n').find((l) => / listening on /.test(l));
      if (!line) return;
      clearTimeout(timer);
      const url = /(https?:\/\/\S+)/.exec(line)![1]!;
      resolve({ child, url, startup: line, stdout: () => out, stderr: () => err, exited });
    };
    child.stdout!.on('data', check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before starting; stdout: ${out}; stderr: ${err}`));
    });
  });
}

/** Runs the CLI to completion (for --help, --version and refusals). */
function run(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string; ms: number } {
  const began = Date.now();
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env: environment(env), encoding: 'utf8', timeout: 10_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - began };
}

async function stop(running: Running): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  running.child.kill('SIGTERM');
  return running.exited;
}

/** GET /health with a chosen Host header (fetch always sends the URL's). */
function statusFor(url: string, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    httpGet(`${url}/health`, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).on('error', reject);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe('starting', () => {
  test('--port 0 prints the real URL and serves /health', async () => {
    const cli = await start(['--port', '0', '--log-level', 'silent']);
    expect(cli.startup).toMatch(new RegExp(`^sqs-emulator ${VERSION.replace(/\./g, '\\.')} listening on http://127\\.0\\.0\\.1:\\d+ `));
    const port = Number(new URL(cli.url).port);
    expect(port).toBeGreaterThan(0);
    const health = await fetch(`${cli.url}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await health.json()).toMatchObject({ status: 'ok', version: VERSION, region: 'us-east-1', accountId: '000000000000' });
    // It is an SQS endpoint too.
    const listed = await rawJson(cli.url, 'ListQueues', {});
    expect(listed.status).toBe(200);
    expect(await stop(cli)).toEqual({ code: 0, signal: null });
  });

  test('defaults: port 9324 is what an unconfigured start asks for', () => {
    // Not started (the port may be taken on a developer machine): the help text names the default.
    expect(run(['--help']).stdout).toMatch(/--port[\s\S]*9324/);
  });

  test('--port=N (inline form) listens on exactly that port', async () => {
    const port = await freePort();
    const cli = await start([`--port=${port}`, '--log-level=silent']);
    expect(cli.url).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect(await stop(cli)).toEqual({ code: 0, signal: null });
  });

  test('a port already in use is reported, with a non-zero exit', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const result = run(['--port', String(port)]);
      expect(result.status).not.toBe(0);
      expect(result.status).not.toBeNull();
      expect(result.stderr).toContain(`127.0.0.1:${port}`);
      expect(result.stderr).toMatch(/EADDRINUSE|in use/i);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('parts loaded on first use', () => {
  test("the console's assets, a data directory and a config file's queues work from the built program", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqs-cli-'));
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ queues: [{ name: 'from-config' }] }));
      const args = ['--port', '0', '--log-level', 'silent', '--data-dir', join(dir, 'data'), '--config', join(dir, 'config.json')];
      let cli = await start(args);
      const script = await fetch(`${cli.url}/console/console.js`);
      expect([script.status, (await script.text()).length > 0]).toEqual([200, true]);
      await rawJson(cli.url, 'CreateQueue', { QueueName: 'kept' });
      expect(await stop(cli)).toEqual({ code: 0, signal: null });
      cli = await start(args);
      const listed = await rawJson(cli.url, 'ListQueues', {});
      expect([...(listed.body.QueueUrls as string[])].sort()).toEqual([`${cli.url}/000000000000/from-config`, `${cli.url}/000000000000/kept`]);
      expect(await stop(cli)).toEqual({ code: 0, signal: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('--help and --version', () => {
  test('--help lists every option with its environment variable and exits 0', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: sqs-emulator/);
    for (const [flag, env] of DOCUMENTED) {
      const line = result.stdout.indexOf(flag);
      expect([flag, line]).not.toEqual([flag, -1]);
      // The variable is named next to its flag (same entry, before the next option).
      const entry = result.stdout.slice(line, result.stdout.indexOf('\n  --', line + 1) >>> 0);
      expect([flag, entry]).toEqual([flag, expect.stringContaining(env)]);
    }
    expect(result.stdout).toContain('--help');
    expect(result.stdout).toContain('--version');
    expect(run(['-h']).stdout).toBe(result.stdout);
  });

  test("--version prints package.json's version and exits 0", () => {
    const result = run(['--version']);
    expect(result).toMatchObject({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(run(['-v']).stdout).toBe(`${VERSION}\n`);
  });

  test('--help wins over bad values after it and does not start a server', () => {
    const result = run(['--help', '--port', 'nope']);
    expect(result.status).toBe(0);
    expect(result.ms).toBeLessThan(5_000);
  });
});

describe('environment variables', () => {
  test('SQS_EMULATOR_PORT, _REGION and _ACCOUNT_ID shape the server and its queue URLs', async () => {
    const port = await freePort();
    const cli = await start([], {
      SQS_EMULATOR_PORT: String(port),
      SQS_EMULATOR_REGION: 'eu-west-3',
      SQS_EMULATOR_ACCOUNT_ID: '123456789012',
      SQS_EMULATOR_LOG_LEVEL: 'silent',
    });
    expect(cli.url).toBe(`http://127.0.0.1:${port}`);
    expect(cli.startup).toContain('region eu-west-3');
    expect(cli.startup).toContain('account 123456789012');
    expect(await (await fetch(`${cli.url}/health`)).json()).toMatchObject({ region: 'eu-west-3', accountId: '123456789012' });
    const created = await rawJson(cli.url, 'CreateQueue', { QueueName: 'env-q' });
    expect(created.body.QueueUrl).toBe(`${cli.url}/123456789012/env-q`);
    const arn = await rawQuery(cli.url, { Action: 'GetQueueAttributes', QueueUrl: created.body.QueueUrl, 'AttributeName.1': 'QueueArn' });
    expect(arn.text).toContain('<Value>arn:aws:sqs:eu-west-3:123456789012:env-q</Value>');
    expect(await stop(cli)).toEqual({ code: 0, signal: null });
  });

  test('flags win over the environment', async () => {
    const cli = await start(['--account-id', '222222222222', '--port', '0'], {
      SQS_EMULATOR_ACCOUNT_ID: '111111111111',
      SQS_EMULATOR_PORT: '1',
      SQS_EMULATOR_LOG_LEVEL: 'silent',
    });
    const created = await rawJson(cli.url, 'CreateQueue', { QueueName: 'flag-q' });
    expect(created.body.QueueUrl).toBe(`${cli.url}/222222222222/flag-q`);
    expect(await stop(cli)).toEqual({ code: 0, signal: null });
  });

  test('SQS_EMULATOR_HOST chooses the interface', async () => {
    // 127.0.0.2 is loopback on Linux; elsewhere it may not exist.
    const host = process.platform === 'linux' ? '127.0.0.2' : '127.0.0.1';
    const cli = await start([], { SQS_EMULATOR_HOST: host, SQS_EMULATOR_PORT: '0', SQS_EMULATOR_LOG_LEVEL: 'silent' });
    const port = new URL(cli.url).port;
    expect(cli.url).toBe(`http://${host}:${port}`);
    expect((await fetch(`${cli.url}/health`)).status).toBe(200);
    if (host !== '127.0.0.1') await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    expect(await stop(cli)).toEqual({ code: 0, signal: null });
  });

  test('SQS_EMULATOR_CORS_ORIGINS lets a browser app of that origin call; --allowed-hosts names the hosts', async () => {
    const cli = await start(['--port', '0', '--allowed-hosts', 'sqs'], { SQS_EMULATOR_CORS_ORIGINS: 'http://localhost:3000', SQS_EMULATOR_LOG_LEVEL: 'silent' });
    const app = await rawJson(cli.url, 'ListQueues', {}, { headers: { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-site' } });
    expect(app.status).toBe(200);
    expect(app.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const other = await rawJson(cli.url, 'ListQueues', {}, { headers: { origin: 'http://localhost:3001' } });
    expect([other.status, other.body.__type]).toEqual([403, 'com.amazon.coral.service#AccessDeniedException']);
    const port = new URL(cli.url).port;
    expect(await statusFor(cli.url, `sqs:${port}`)).toBe(200);
    expect(await statusFor(cli.url, `evil.example:${port}`)).toBe(403);
    expect(await stop(cli)).toEqual({ code: 0, signal: null });
  });

  test('SQS_EMULATOR_LOG_LEVEL: silent writes nothing, info reports the shutdown', async () => {
    const quiet = await start(['--port', '0'], { SQS_EMULATOR_LOG_LEVEL: 'silent' });
    await rawJson(quiet.url, 'FooBar', {});
    expect(await stop(quiet)).toEqual({ code: 0, signal: null });
    expect(quiet.stderr()).toBe('');
    const chatty = await start(['--port', '0'], { SQS_EMULATOR_LOG_LEVEL: 'info' });
    expect(await stop(chatty)).toEqual({ code: 0, signal: null });
    expect(chatty.stderr()).toMatch(/INFO SIGTERM received/);
  });

  test('SQS_EMULATOR_STRICT=true turns on the 60-second PurgeQueue rule', async () => {
    const cli = await start(['--port', '0'], { SQS_EMULATOR_STRICT: 'true', SQS_EMULATOR_LOG_LEVEL: 'silent' });
    const { body } = await rawJson(cli.url, 'CreateQueue', { QueueName: 'strict-q' });
    expect((await rawJson(cli.url, 'PurgeQueue', { QueueUrl: body.QueueUrl })).status).toBe(200);
    const again = await rawJson(cli.url, 'PurgeQueue', { QueueUrl: body.QueueUrl });
    expect(again.status).toBe(403);
    expect(again.body.__type).toBe('com.amazonaws.sqs#PurgeQueueInProgress');
    expect(await stop(cli)).toEqual({ code: 0, signal: null });
  });
});

describe('bad values exit 2 with a clear message', () => {
  test.each([
    [['--port', 'abc'], {}, /--port.*port must be 0-65535.*"abc"/],
    [['--port', '70000'], {}, /--port.*70000/],
    [['--port', '-1'], {}, /--port.*-1/],
    [['--port'], {}, /--port needs a value/],
    [[], { SQS_EMULATOR_PORT: 'eighty' }, /SQS_EMULATOR_PORT.*eighty/],
    [['--account-id', '123'], {}, /--account-id.*12 digits.*"123"/],
    [[], { SQS_EMULATOR_ACCOUNT_ID: '12345678901x' }, /SQS_EMULATOR_ACCOUNT_ID.*12 digits/],
    [['--region', 'EU WEST'], {}, /--region.*EU WEST/],
    [[], { SQS_EMULATOR_REGION: 'us_east_1!' }, /SQS_EMULATOR_REGION/],
    [['--log-level', 'loud'], {}, /--log-level.*silent, error, warn, info, debug/],
    [[], { SQS_EMULATOR_LOG_LEVEL: 'verbose' }, /SQS_EMULATOR_LOG_LEVEL/],
    [['--strict=maybe'], {}, /--strict.*"maybe"/],
    [[], { SQS_EMULATOR_STRICT: 'yes please' }, /SQS_EMULATOR_STRICT/],
    [['--host', ''], {}, /--host.*empty/],
    [['--cors-origins', 'localhost:3000'], {}, /--cors-origins: "localhost:3000" is not an origin like http:\/\/localhost:3000/],
    [[], { SQS_EMULATOR_ALLOWED_HOSTS: 'sqs:9324' }, /SQS_EMULATOR_ALLOWED_HOSTS: "sqs:9324" is not a host name/],
    [['--bogus'], {}, /unknown option --bogus/],
    [['9324'], {}, /unknown option 9324/],
  ] as [string[], Record<string, string>, RegExp][])('%j %j', (args, env, message) => {
    const result = run(args, env);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^sqs-emulator: /);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.ms).toBeLessThan(5_000);
  });
});

describe('shutdown', () => {
  test.each(['SIGTERM', 'SIGINT'] as const)('%s while long polls wait: they are answered empty and the process exits 0', async (signal) => {
    const cli = await start(['--port', '0', '--log-level', 'silent']);
    const { body } = await rawJson(cli.url, 'CreateQueue', { QueueName: 'poll-q' });
    const json = rawJson(cli.url, 'ReceiveMessage', { QueueUrl: body.QueueUrl, WaitTimeSeconds: 20 });
    const query = rawQuery(cli.url, { Action: 'ReceiveMessage', QueueUrl: body.QueueUrl, WaitTimeSeconds: '20' });
    await new Promise((r) => setTimeout(r, 300));
    const began = Date.now();
    cli.child.kill(signal);
    const [jsonAnswer, queryAnswer, exit] = await Promise.all([json, query, cli.exited]);
    expect(jsonAnswer.status).toBe(200);
    expect(jsonAnswer.body).toEqual({});
    expect(queryAnswer.status).toBe(200);
    expect(queryAnswer.text).toMatch(/<ReceiveMessageResult\s*\/>/);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - began).toBeLessThan(1_500);
    // The port is closed.
    await expect(fetch(`${cli.url}/health`)).rejects.toThrow();
  });

  test('an idle keep-alive connection does not hold the shutdown up', async () => {
    const cli = await start(['--port', '0', '--log-level', 'silent']);
    // fetch keeps its connection alive after this request.
    expect((await rawJson(cli.url, 'ListQueues', {})).status).toBe(200);
    const began = Date.now();
    expect(await stop(cli)).toEqual({ code: 0, signal: null });
    expect(Date.now() - began).toBeLessThan(1_500);
  });
});
