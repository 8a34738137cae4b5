import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { startEmulator } from '../../src/index.js';
import { lockTiming } from '../../src/persistence/files.js';
import { bootId, processStat } from '../../src/proc.js';
import { startEmulatorProcess } from '../support/child.js';

const quiet = { port: 0, logLevel: 'silent' as const };
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'sqs-emulator-lock-'));
const onLinux = processStat(process.pid) !== null;
const linuxOnly = onLinux ? test : test.skip;

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});
afterEach(() => {
  lockTiming.waitMs = 3000;
});

function writeLock(dir: string, owner: { pid: number; start: string | null; boot: string | null }): void {
  writeFileSync(join(dir, 'LOCK'), JSON.stringify(owner));
}

const lockOwner = (dir: string): { pid: number } => JSON.parse(readFileSync(join(dir, 'LOCK'), 'utf8'));

/** A live process unrelated to the emulator, and its real start time. */
async function bystander(): Promise<{ pid: number; start: string; child: ChildProcess }> {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((r) => child.once('spawn', r));
  return { pid: child.pid!, start: processStat(child.pid!)?.start ?? '', child };
}

linuxOnly('a lock naming a live pid that is another process now (other start time) is taken over: parent, pid 1', async () => {
  for (const pid of [process.ppid, 1]) {
    const dataDir = tempDir();
    expect(processStat(pid)).not.toBeNull();
    writeLock(dataDir, { pid, start: '1', boot: bootId() });
    const server = await startEmulator({ ...quiet, dataDir });
    expect(lockOwner(dataDir).pid).toBe(process.pid);
    await server.stop();
  }
});

linuxOnly('a lock written before the last boot is taken over even if its pid and start time match a live process', async () => {
  const dataDir = tempDir();
  const other = await bystander();
  writeLock(dataDir, { pid: other.pid, start: other.start, boot: '00000000-0000-0000-0000-000000000000' });
  const server = await startEmulator({ ...quiet, dataDir });
  expect(lockOwner(dataDir).pid).toBe(process.pid);
  await server.stop();
});

test('a live owner is refused, after waiting, with an error naming its pid; the lock is left alone', async () => {
  const dataDir = tempDir();
  const owner = await bystander();
  writeLock(dataDir, { pid: owner.pid, start: processStat(owner.pid)?.start ?? null, boot: bootId() });
  lockTiming.waitMs = 300;
  await expect(startEmulator({ ...quiet, dataDir })).rejects.toThrow(
    new RegExp(`data directory .* is in use by process ${owner.pid} \\(lock file .*LOCK\\)`),
  );
  expect(lockOwner(dataDir).pid).toBe(owner.pid);
});

test('an owner that exits while the newcomer waits hands the directory over', async () => {
  const dataDir = tempDir();
  const owner = await bystander();
  writeLock(dataDir, { pid: owner.pid, start: processStat(owner.pid)?.start ?? null, boot: bootId() });
  lockTiming.waitMs = 20_000;
  setTimeout(() => owner.child.kill('SIGKILL'), 300);
  const server = await startEmulator({ ...quiet, dataDir });
  expect(owner.child.exitCode !== null || owner.child.signalCode !== null).toBe(true);
  expect(lockOwner(dataDir).pid).toBe(process.pid);
  await server.stop();
});

linuxOnly('an owner that has exited but is not yet reaped (a zombie) is taken over at once', async () => {
  const dataDir = tempDir();
  // `sleep` never reaps the child the shell left it: that child stays a zombie.
  const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(parent);
  const pid = Number(await new Promise<string>((r) => parent.stdout!.once('data', (d: Buffer) => r(d.toString()))));
  const start = processStat(pid)!.start;
  while (processStat(pid)?.state !== 'Z') await new Promise((r) => setTimeout(r, 20));
  writeLock(dataDir, { pid, start, boot: bootId() });
  lockTiming.waitMs = 60_000; // longer than this test's timeout: only judging the zombie stale lets it pass
  const server = await startEmulator({ ...quiet, dataDir });
  expect(lockOwner(dataDir).pid).toBe(process.pid);
  await server.stop();
}, 10_000);

test('a lock from an older version (a bare pid) of a dead process is taken over; a torn (empty) old lock too', async () => {
  const dataDir = tempDir();
  const gone = await bystander();
  gone.child.kill('SIGKILL');
  await new Promise((r) => gone.child.once('exit', r));
  writeFileSync(join(dataDir, 'LOCK'), String(gone.pid));
  let server = await startEmulator({ ...quiet, dataDir });
  await server.stop();
  const torn = join(dataDir, 'LOCK');
  writeFileSync(torn, '');
  utimesSync(torn, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  server = await startEmulator({ ...quiet, dataDir });
  expect(lockOwner(dataDir).pid).toBe(process.pid);
  await server.stop();
});

const startChild = (dataDir: string) => startEmulatorProcess(dataDir, (c) => children.push(c));

test('an emulator killed with SIGKILL and restarted at once: the new one starts on the same directory', async () => {
  const dataDir = tempDir();
  const first = await startChild(dataDir);
  expect(lockOwner(dataDir).pid).toBe(first.child.pid);
  first.child.kill('SIGKILL');
  const second = await startChild(dataDir);
  expect(lockOwner(dataDir).pid).toBe(second.child.pid);
  expect((await fetch(`${second.url}/health`)).status).toBe(200);
  second.child.kill('SIGTERM');
  await new Promise((r) => second.child.once('exit', r));
}, 30_000);

test('a data directory this user cannot write: start-up stops with a message naming it, the uid and the way out', async () => {
  const dataDir = tempDir();
  let child: ChildProcess;
  if (process.getuid?.() !== 0) {
    chmodSync(dataDir, 0o555);
    child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', '0', '--data-dir', dataDir], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  } else {
    // Root writes anywhere: the lock code runs as nobody, on a directory that stays root's. The
    // checkout may sit in a directory nobody cannot enter (mktemp -d is 0700), so the three
    // modules the check needs are transpiled into a directory everyone can read.
    chmodSync(dataDir, 0o755);
    const code = mkdtempSync(join(tmpdir(), 'sqs-emulator-lockcode-'));
    chmodSync(code, 0o755);
    mkdirSync(join(code, 'persistence'), { mode: 0o755 });
    const js = (file: string): string =>
      ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(code, 'package.json'), '{"type":"module"}', { mode: 0o644 });
    writeFileSync(join(code, 'proc.js'), js('src/proc.ts'), { mode: 0o644 });
    writeFileSync(join(code, 'persistence', 'files.js'), js('src/persistence/files.ts'), { mode: 0o644 });
    writeFileSync(join(code, 'persistence', 'lines.js'), js('src/persistence/lines.ts'), { mode: 0o644 });
    const script = `import { acquireLock } from ${JSON.stringify(join(code, 'persistence', 'files.js'))};
      try { await acquireLock(process.argv[1]); } catch (e) { console.error('sqs-emulator: cannot start: ' + e.message); process.exit(1); }`;
    child = spawn(process.execPath, ['--input-type=module', '-e', script, dataDir], { cwd: code, stdio: ['ignore', 'pipe', 'pipe'], uid: 65534, gid: 65534 });
  }
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise((r) => child.once('exit', r));
  expect(code).toBe(1);
  const uid = process.getuid?.() === 0 ? 65534 : process.getuid?.();
  expect(err).toContain(`sqs-emulator: cannot start: data directory ${dataDir} is not writable by uid ${uid} (EACCES)`);
  expect(err).toContain('docker run --user "$(id -u):$(id -g)"');
}, 30_000);
