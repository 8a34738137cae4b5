/**
 * The npm package as a user gets it: `npm pack` (which builds through `prepare`), the tarball
 * installed into an empty project, then `npx sqs-emulator` (--version, --help, a start, one SQS
 * call, JSON logs, SIGTERM) and the programmatic API with its types. The pack runs from a copy
 * of the sources so that it never races other suites that build in the work tree; the install
 * takes the dependencies from npm's cache when they are there.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPTIONS } from '../../src/config.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
const work = mkdtempSync(join(tmpdir(), 'sqs-emulator-pack-'));
const app = join(work, 'app');
let tarball = '';

const clean = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && !k.startsWith('SQS_EMULATOR_') && k !== 'NODE_ENV' && k !== 'INIT_CWD'));

function sh(cmd: string, args: string[], cwd: string, timeout = 120_000): string {
  const r = spawnSync(cmd, args, { cwd, env: clean(), encoding: 'utf8', timeout });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  const src = join(work, 'src');
  mkdirSync(src);
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md']) cpSync(join(ROOT, f), join(src, f));
  cpSync(join(ROOT, 'scripts'), join(src, 'scripts'), { recursive: true });
  cpSync(join(ROOT, 'src'), join(src, 'src'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');
  const out = sh('npm', ['pack', '--json', '--pack-destination', work], src, 180_000);
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info!.filename);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }));
  sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], app, 180_000);
}, 400_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

test('the tarball holds compiled code, types, the console and the README; no sources or tests', () => {
  const listing = sh('tar', ['-tzf', tarball], work).split('\n').filter(Boolean);
  expect(listing).toEqual(expect.arrayContaining(['package/package.json', 'package/README.md', 'package/dist/cli.js', 'package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/console/assets/index.html', 'package/dist/console/assets/console.js']));
  expect(listing.filter((f) => /^package\/(src|test|bench|fixtures)\/|\.tsbuildinfo$/.test(f))).toEqual([]);
  const installed = JSON.parse(readFileSync(join(app, 'node_modules/sqs-emulator/package.json'), 'utf8')) as { version: string };
  expect(installed.version).toBe(pkg.version);
  // Only the runtime dependencies came along.
  const deps = readdirSync(join(app, 'node_modules'));
  for (const dep of Object.keys(pkg.dependencies)) expect(deps).toContain(dep);
  expect(deps).not.toContain('typescript');
  expect(deps).not.toContain('jest');
});

test('npx sqs-emulator --version and --help (every option with its env var and default)', () => {
  expect(sh('npx', ['--no-install', 'sqs-emulator', '--version'], app)).toBe(`${pkg.version}\n`);
  const help = sh('npx', ['--no-install', 'sqs-emulator', '--help'], app);
  for (const o of OPTIONS) {
    const at = help.indexOf(`  ${o.flag} `);
    expect([o.flag, at >= 0]).toEqual([o.flag, true]);
    const entry = help.slice(at, help.indexOf('\n  --', at + 1));
    expect([o.flag, entry]).toEqual([o.flag, expect.stringMatching(new RegExp(`default[\\s\\S]*env ${o.env}`))]);
  }
});

test('the installed bin starts, answers SQS, logs JSON lines and stops on SIGTERM', async () => {
  // The bin itself (what npx runs): npx does not pass SIGTERM on to it.
  const child = spawn(join(app, 'node_modules/.bin/sqs-emulator'), ['--port', '0', '--log-format', 'json'], { cwd: app, env: clean(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 20_000;
    while (!/listening on (http:\/\/\S+)/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no startup line:\n${out}\n${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
    const res = await fetch(url + '/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.CreateQueue' },
      body: JSON.stringify({ QueueName: 'from-npx' }),
    });
    expect(await res.json()).toEqual({ QueueUrl: `${url}/000000000000/from-npx` });
    expect((await fetch(url + '/console/')).status).toBe(200);
    const line = err.split('\n').find((l) => l.includes('CreateQueue'));
    expect(JSON.parse(line!)).toMatchObject({ level: 'info', msg: 'request', action: 'CreateQueue', status: 200, protocol: 'json' });
  } finally {
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  }
  expect(await exited).toBe(0);
}, 60_000);

test('the programmatic API and its types ship: import { startEmulator } from "sqs-emulator"', () => {
  writeFileSync(
    join(app, 'use.mjs'),
    `import { startEmulator, ManualClock, VERSION } from 'sqs-emulator';
const s = await startEmulator({ port: 0, logLevel: 'silent', clock: new ManualClock() });
const h = await (await fetch(s.url + '/_emulator/health')).json();
await s.stop();
console.log(JSON.stringify({ status: h.status, version: VERSION, same: h.version === VERSION }));`,
  );
  expect(JSON.parse(sh(process.execPath, ['use.mjs'], app, 30_000))).toEqual({ status: 'ok', version: pkg.version, same: true });

  // A TypeScript user type-checks against the shipped declarations (and a wrong option fails).
  writeFileSync(
    join(app, 'use.ts'),
    `import { startEmulator, type RunningEmulator, type EmulatorOptions } from 'sqs-emulator';
const options: EmulatorOptions = { port: 0, logFormat: 'json', console: false };
export const running: Promise<RunningEmulator> = startEmulator(options);
export const url: Promise<string> = running.then((r) => r.url);`,
  );
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules/@types'), 'use.ts'];
  sh(process.execPath, [tsc, ...args], app, 60_000);
  writeFileSync(join(app, 'bad.ts'), `import { startEmulator } from 'sqs-emulator';\nvoid startEmulator({ port: 'nope' });\n`);
  const bad = spawnSync(process.execPath, [tsc, ...args.slice(0, -1), 'bad.ts'], { cwd: app, encoding: 'utf8', timeout: 60_000 });
  expect(bad.status).not.toBe(0);
  expect(bad.stdout).toMatch(/bad\.ts.*error TS2322/);
  expect(existsSync(join(app, 'node_modules/sqs-emulator/dist/index.d.ts'))).toBe(true);
}, 90_000);
