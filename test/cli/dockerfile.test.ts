/**
 * No Docker engine runs here, so this replays the Dockerfile by hand: each stage gets a clean
 * temporary directory standing for its WORKDIR, COPY copies what the Dockerfile copies (from
 * the build context, or `--from` an earlier stage), RUN runs its npm commands there, and the
 * runtime stage's CMD is started with the stage's ENV. Then /health, an SQS call, the
 * HEALTHCHECK command and a clean SIGTERM are checked. Steps that only touch the image's
 * filesystem outside the WORKDIR (creating /data for the non-root user) are not replayed.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rawJson, rawQuery } from '../support/clients.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const dockerignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8');

interface Instruction {
  readonly op: string;
  readonly args: string;
}
interface Stage {
  readonly base: string;
  readonly name?: string;
  readonly instructions: Instruction[];
}

/** Dockerfile instructions by stage; comments dropped, `\` continuations joined. */
function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (pending === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      continue;
    }
    logical.push((pending + line).trim());
    pending = '';
  }
  const stages: Stage[] = [];
  /** ARGs before the first FROM, with their defaults: they may only be used in FROM lines. */
  const globals: Record<string, string> = {};
  for (const line of logical) {
    const [, op, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    if (op!.toUpperCase() === 'ARG' && stages.length === 0) {
      const [name, value] = args!.split('=') as [string, string];
      globals[name] = value;
    } else if (op!.toUpperCase() === 'FROM') {
      const [base, as, name] = args!.replace(/\$\{(\w+)\}/g, (_, v: string) => globals[v] ?? '').split(/\s+/);
      stages.push({ base: base!, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      stages.at(-1)!.instructions.push({ op: op!.toUpperCase(), args: args! });
    }
  }
  return stages;
}

/** `KEY=value KEY2="v 2"` (the ENV forms used here). */
function parseEnv(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|\S*)/g)) out[m[1]!] = m[3] ?? m[2]!;
  return out;
}

/** The shell form of HEALTHCHECK CMD: the command line that `/bin/sh -c` runs. */
function shellForm(args: string): string {
  return args.slice(args.indexOf('CMD ') + 4);
}

/** The JSON (exec) form of CMD/HEALTHCHECK CMD. */
function execForm(args: string): string[] {
  const json = args.slice(args.indexOf('['));
  const parsed = JSON.parse(json) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) throw new Error(`not an exec form: ${args}`);
  return parsed as string[];
}

/** The test's environment minus what jest/npm put there that a container would not have. */
function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && !k.startsWith('SQS_EMULATOR_') && k !== 'NODE_ENV' && k !== 'INIT_CWD'),
  );
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} timed out after ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
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

const stages = parseDockerfile(dockerfile);
const runtime = stages.at(-1)!;
const instructions = (stage: Stage, op: string): string[] => stage.instructions.filter((i) => i.op === op).map((i) => i.args);

describe('Dockerfile, statically', () => {
  test('two stages on node alpine: build, then a runtime without dev dependencies', () => {
    expect(stages).toHaveLength(2);
    for (const stage of stages) expect(stage.base).toMatch(/^node:(22|24)-alpine@sha256:[0-9a-f]{64}$/);
    const [build] = stages;
    expect(build!.name).toBe('build');
    expect(instructions(build!, 'RUN')).toEqual([expect.stringMatching(/^npm ci\b/), 'npm run build']);
    expect(instructions(runtime, 'RUN')).toContainEqual(expect.stringMatching(/^npm ci --omit=dev --ignore-scripts\b/));
    expect(instructions(runtime, 'COPY')).toContainEqual(expect.stringMatching(/^--from=build \/app\/dist \.\/dist$/));
  });

  test('the base image is one ARG, node 22 LTS on Alpine pinned by digest, that a build argument can move', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22-alpine@sha256:[0-9a-f]{64}$/m);
    expect(dockerfile.match(/^FROM .*/gm)).toEqual(['FROM ${NODE_IMAGE} AS build', 'FROM ${NODE_IMAGE}']);
    expect(dockerfile).toContain('--build-arg NODE_IMAGE=node:22-alpine@sha256:<digest>');
  });

  test('runtime: non-root, listens on all interfaces, port 9324, /data volume, curl health check, node CMD', () => {
    expect(instructions(runtime, 'USER')).toEqual(['node']);
    const env = Object.assign({}, ...instructions(runtime, 'ENV').map(parseEnv)) as Record<string, string>;
    expect(env.SQS_EMULATOR_HOST).toBe('0.0.0.0');
    expect(instructions(runtime, 'EXPOSE')).toEqual(['9324']);
    expect(instructions(runtime, 'VOLUME')).toEqual(['/data']);
    const [healthcheck] = instructions(runtime, 'HEALTHCHECK');
    // The curl the image installs, not a node process every 10 s.
    expect(shellForm(healthcheck!)).toMatch(/^curl -fsS .*\/health" \|\| exit 1$/);
    expect(healthcheck).not.toMatch(/\bnode\b/);
    // The comments say one thing about curl: it is there, and used.
    expect(dockerfile).not.toMatch(/no curl/i);
    expect(execForm(instructions(runtime, 'CMD')[0]!)).toEqual(['node', 'dist/cli.js']);
    // USER comes after every RUN that needs root.
    const ops = runtime.instructions.map((i) => i.op);
    expect(ops.lastIndexOf('RUN')).toBeLessThan(ops.indexOf('USER'));
  });

  test('.dockerignore keeps out nothing the Dockerfile copies from the context', () => {
    const ignored = dockerignore
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const stage of stages) {
      for (const copy of instructions(stage, 'COPY').filter((c) => !c.startsWith('--from'))) {
        const sources = copy.split(/\s+/).filter((p) => !p.startsWith('--')).slice(0, -1);
        for (const source of sources) {
          expect([source, ignored.includes(source)]).toEqual([source, false]);
          expect(existsSync(join(ROOT, source))).toBe(true);
        }
      }
    }
    for (const excluded of ['node_modules', 'dist', '.git']) expect(ignored).toContain(excluded);
  });

  test('docker-compose.yml: the service builds here, publishes 9324 on loopback and has a curl health check', () => {
    expect(compose).toMatch(/^services:\s*$/m);
    expect(compose).toMatch(/^\s+build: \.\s*$/m);
    // Published on loopback unless the user sets SQS_PUBLISH.
    expect(compose).toMatch(/^\s+- "\$\{SQS_PUBLISH:-127\.0\.0\.1:9324\}:9324"\s*$/m);
    const test = /^\s+test: (\[.*\])\s*$/m.exec(compose);
    expect(test).not.toBeNull();
    const command = JSON.parse(test![1]!) as string[];
    expect(command.slice(0, 2)).toEqual(['CMD', 'curl']);
    expect(command.at(-1)).toBe('http://127.0.0.1:9324/health');
    expect(compose).not.toMatch(/\bnode -e\b|"node", "-e"/);
  });
});

describe('Dockerfile, replayed in a clean directory', () => {
  let work: string;
  let stop: (() => Promise<number | null>) | undefined;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'sqs-emulator-docker-'));
  });
  afterAll(async () => {
    await stop?.();
    rmSync(work, { recursive: true, force: true });
  });

  test('build and runtime stages install, build, start, answer SQS and stop cleanly', async () => {
    const stageDirs = new Map<string, { dir: string; workdir: string }>();
    let runtimeDir = '';
    let runtimeEnv: Record<string, string> = {};
    const skipped: string[] = [];
    for (const [index, stage] of stages.entries()) {
      const dir = join(work, stage.name ?? `stage-${index}`);
      mkdirSync(dir);
      let workdir = '/';
      const env: Record<string, string> = {};
      for (const { op, args } of stage.instructions) {
        switch (op) {
          case 'WORKDIR':
            workdir = posix.resolve(workdir, args);
            break;
          case 'ENV':
            Object.assign(env, parseEnv(args));
            break;
          case 'COPY': {
            const parts = args.split(/\s+/);
            const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
            const paths = parts.filter((p) => !p.startsWith('--'));
            const dest = paths.pop()!;
            const target = join(dir, posix.relative(workdir, posix.resolve(workdir, dest)));
            for (const source of paths) {
              let origin: string;
              if (from !== undefined) {
                const earlier = stageDirs.get(from);
                if (!earlier) throw new Error(`COPY --from=${from}: no such stage`);
                origin = join(earlier.dir, posix.relative(earlier.workdir, source));
              } else {
                origin = join(ROOT, source);
              }
              const into = dest.endsWith('/') || paths.length > 1;
              const destination = into ? join(target, posix.basename(source)) : target;
              mkdirSync(dirname(destination), { recursive: true });
              cpSync(origin, destination, { recursive: true });
            }
            break;
          }
          case 'RUN':
            for (const step of args.split('&&').map((s) => s.trim())) {
              if (/^npm /.test(step)) {
                const result = await run('sh', ['-c', step], dir, {
                  ...baseEnv(),
                  ...env,
                  // Same packages, taken from the local cache when it has them.
                  npm_config_prefer_offline: 'true',
                }, 240_000);
                if (result.code !== 0) throw new Error(`RUN ${step} failed (${result.code}):\n${result.output}`);
              } else if (/^(mkdir -p|chown [\w:]+) \/data$/.test(step) || step === 'apk add --no-cache curl') {
                skipped.push(step);
              } else {
                throw new Error(`RUN step this test does not know how to replay: ${step}`);
              }
            }
            break;
          case 'USER':
          case 'EXPOSE':
          case 'VOLUME':
          case 'HEALTHCHECK':
          case 'CMD':
            break;
          default:
            throw new Error(`Dockerfile instruction this test does not replay: ${op}`);
        }
      }
      if (stage.name) stageDirs.set(stage.name, { dir, workdir });
      runtimeDir = dir;
      runtimeEnv = env;
    }
    expect(skipped).toEqual(['apk add --no-cache curl', 'mkdir -p /data', 'chown node:node /data']);

    // The runtime stage holds production dependencies only, and the compiled code.
    expect(existsSync(join(runtimeDir, 'dist', 'cli.js'))).toBe(true);
    expect(existsSync(join(runtimeDir, 'node_modules', 'express'))).toBe(true);
    expect(existsSync(join(runtimeDir, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(join(runtimeDir, 'src'))).toBe(false);

    // CMD, with the image's ENV; the port and host are chosen as `docker run -e` would
    // (a free loopback port: this test listens on 127.0.0.1 only).
    const port = await freePort();
    const env = { ...baseEnv(), ...runtimeEnv, SQS_EMULATOR_PORT: String(port), SQS_EMULATOR_HOST: '127.0.0.1' };
    const [command, ...args] = execForm(instructions(runtime, 'CMD')[0]!);
    expect(command).toBe('node');
    const child = spawn(process.execPath, args, { cwd: runtimeDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    stop = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    };
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no startup line: ${output}`)), 10_000);
      child.stdout.on('data', () => {
        if (output.includes(' listening on ')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then((code) => reject(new Error(`exited ${code}: ${output}`)));
    });
    const url = `http://127.0.0.1:${port}`;
    expect(output).toContain(`listening on ${url}`);

    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const created = await rawQuery(url, { Action: 'CreateQueue', Version: '2012-11-05', QueueName: 'docker-q' });
    expect(created.status).toBe(200);
    const queueUrl = created.body.CreateQueueResponse.CreateQueueResult.QueueUrl as string;
    expect(queueUrl).toBe(`${url}/000000000000/docker-q`);
    expect((await rawJson(url, 'SendMessage', { QueueUrl: queueUrl, MessageBody: 'from the image' })).status).toBe(200);
    const received = await rawJson(url, 'ReceiveMessage', { QueueUrl: queueUrl });
    expect(received.body.Messages[0].Body).toBe('from the image');

    // The HEALTHCHECK command, run as Docker would inside the container (same env).
    const healthcheck = shellForm(instructions(runtime, 'HEALTHCHECK')[0]!);
    expect((await run('sh', ['-c', healthcheck], runtimeDir, env, 10_000)).code).toBe(0);
    // The compose file's health check works too (its fixed 9324 pointed at our port).
    const [, composeCommand, ...composeArgs] = JSON.parse(/^\s+test: (\[.*\])\s*$/m.exec(compose)![1]!) as string[];
    const pointed = composeArgs.map((a) => a.replace(':9324/', `:${port}/`));
    expect((await run(composeCommand!, pointed, runtimeDir, env, 10_000)).code).toBe(0);

    // docker stop sends SIGTERM: exit 0, and the health check then fails.
    expect(await stop()).toBe(0);
    expect((await run('sh', ['-c', healthcheck], runtimeDir, env, 10_000)).code).toBe(1);
  }, 420_000);
});
