/**
 * `npm start` as a developer runs it: npm → sh → node. Killing npm (SIGTERM or SIGKILL) must
 * not leave node holding the port and the data-directory lock; and a start with dist/ current
 * must not rebuild. Runs in a copy of the sources, so it never races suites building in the work tree.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'sqs-emulator-npmstart-'));
const copy = join(work, 'app');

beforeAll(() => {
  mkdirSync(copy);
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) cpSync(join(ROOT, f), join(copy, f));
  for (const d of ['src', 'scripts']) cpSync(join(ROOT, d), join(copy, d), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
});

const spawned: ChildProcess[] = [];
/** The node processes under npm: a failing test must not leave them running (their pipes would keep jest open). */
const nodes: number[] = [];
afterAll(() => {
  for (const c of spawned) c.kill('SIGKILL');
  for (const pid of nodes) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(work, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `npm start` on a free port with a data directory; resolves once /health answers, with node's pid (from the LOCK file). */
async function npmStart(): Promise<{ npm: ChildProcess; node: number; port: number; dataDir: string; stderr: () => string }> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(work, 'data-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && !k.startsWith('SQS_EMULATOR_')));
  const npm = spawn('npm', ['start'], {
    cwd: copy,
    env: { ...env, SQS_EMULATOR_PORT: String(port), SQS_EMULATOR_DATA_DIR: dataDir, SQS_EMULATOR_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.push(npm);
  let err = '';
  npm.stdout!.resume();
  npm.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  await until(
    '/health',
    () => fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => npm.exitCode !== null && Promise.reject(new Error(err))),
    90_000,
  );
  const node = (JSON.parse(readFileSync(join(dataDir, 'LOCK'), 'utf8')) as { pid: number }).pid;
  nodes.push(node);
  expect(node).not.toBe(npm.pid);
  return { npm, node, port, dataDir, stderr: () => err };
}

test.each(['SIGTERM', 'SIGKILL'] as const)('npm start killed with %s: node exits through its shutdown, the port and the lock are freed', async (signal) => {
  const { npm, node, port, dataDir, stderr } = await npmStart();
  npm.kill(signal);
  await until(`node ${node} to exit`, () => !alive(node), 5_000);
  expect(await portOpen(port)).toBe(false);
  // Released by the graceful shutdown, which also wrote the final snapshot.
  expect(existsSync(join(dataDir, 'LOCK'))).toBe(false);
  expect(existsSync(join(dataDir, 'snapshot.jsonl'))).toBe(true);
  expect(stderr()).toMatch(/parent process \d+ exited, shutting down/);
}, 120_000);

test('a second npm start with dist current does not rebuild', async () => {
  const stamp = join(copy, 'dist', '.build-stamp');
  // The first test's start built the copy.
  const before = [statSync(stamp).mtimeMs, statSync(join(copy, 'dist', 'cli.js')).mtimeMs];
  const { npm, node, stderr } = await npmStart();
  expect(stderr()).toContain('dist is current, not rebuilding');
  expect([statSync(stamp).mtimeMs, statSync(join(copy, 'dist', 'cli.js')).mtimeMs]).toEqual(before);
  npm.kill('SIGTERM');
  await until(`node ${node} to exit`, () => !alive(node), 5_000);
}, 120_000);

test('a server backgrounded by an npm script outlives the script shell', async () => {
  const port = await freePort();
  const dataDir = mkdtempSync(join(work, 'data-'));
  const pkg = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  // pre-script: the shell backgrounds the server and exits at once; npm then runs the script.
  pkg.scripts['prewait'] = 'node dist/cli.js &';
  pkg.scripts['wait'] = 'node -e "setTimeout(() => {}, 4000)"';
  writeFileSync(join(copy, 'package.json'), JSON.stringify(pkg, null, 2));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && !k.startsWith('SQS_EMULATOR_')));
  const npm = spawn('npm', ['run', 'wait'], {
    cwd: copy,
    env: { ...env, SQS_EMULATOR_PORT: String(port), SQS_EMULATOR_DATA_DIR: dataDir },
    stdio: 'ignore',
  });
  spawned.push(npm);
  await until('/health', () => fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false), 30_000);
  const node = (JSON.parse(readFileSync(join(dataDir, 'LOCK'), 'utf8')) as { pid: number }).pid;
  nodes.push(node);
  // Its shell is gone, npm is still running the next script: the server keeps answering.
  await new Promise((r) => setTimeout(r, 1500));
  expect(npm.exitCode).toBeNull();
  expect((await fetch(`http://127.0.0.1:${port}/health`)).ok).toBe(true);
  await new Promise((r) => npm.once('exit', r));
  process.kill(node, 'SIGTERM');
  await until(`node ${node} to exit`, () => !alive(node), 5_000);
}, 120_000);
