/**
 * docker-compose.yml without Docker: the emulator service is started with the environment
 * and files the compose file gives it (its config file creating queues, its data volume), its
 * health check is run, then the `example` profile's producer and consumer run with their
 * compose environment and working directory, the service name `sqs` resolved to 127.0.0.1
 * (as compose's network would) and the published port replaced by a free one.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseCommandLine } from '../../src/config.js';
import { startEmulator, type RunningEmulator } from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOSTS = fileURLToPath(new URL('./support/hosts.mjs', import.meta.url));

interface Service {
  build?: string;
  command?: string[];
  image?: string;
  profiles?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const { sqs, producer, consumer } = compose.services;

/** Where a container path of a service lives here: bind mounts in the repo, named volumes in a temp dir. */
function hostPath(service: Service, containerPath: string, named: Record<string, string>): string {
  for (const v of service.volumes ?? []) {
    const [source, target] = v.split(':') as [string, string];
    if (containerPath === target || containerPath.startsWith(target + '/')) {
      const base = source.startsWith('.') ? resolve(ROOT, source) : named[source]!;
      return base + containerPath.slice(target.length);
    }
  }
  throw new Error(`${containerPath} is not on a volume`);
}

let server: RunningEmulator;
let port: number;

afterAll(() => server?.stop());

test('the file: emulator service with health check, volume and config file; example services by profile', () => {
  expect(sqs).toBeDefined();
  expect(sqs!.build).toBe('.');
  // Loopback only unless SQS_PUBLISH chooses: compose substitutes `${VAR:-default}`.
  expect(sqs!.ports).toEqual(['${SQS_PUBLISH:-127.0.0.1:9324}:9324']);
  expect(sqs!.ports!.map((p) => p.replace(/\$\{SQS_PUBLISH:-([^}]*)\}/, '$1'))).toEqual(['127.0.0.1:9324:9324']);
  expect(sqs!.volumes).toEqual(expect.arrayContaining(['sqs-data:/data', './compose/sqs-emulator.json:/config/sqs-emulator.json:ro']));
  expect(Object.keys(compose.volumes)).toEqual(['sqs-data']);
  expect(sqs!.environment).toMatchObject({ SQS_EMULATOR_DATA_DIR: '/data', SQS_EMULATOR_CONFIG: '/config/sqs-emulator.json', SQS_EMULATOR_ALLOWED_HOSTS: 'sqs' });
  expect(sqs!.healthcheck!.test.slice(0, 2)).toEqual(['CMD', 'curl']);
  expect(sqs!.profiles).toBeUndefined(); // `docker compose up` starts it alone
  for (const s of [producer!, consumer!]) {
    expect(s.profiles).toEqual(['example']);
    expect(s.depends_on?.sqs).toEqual({ condition: 'service_healthy' });
    expect(s.environment!.SQS_ENDPOINT).toBe('http://sqs:9324');
    // Built from examples/compose: nothing of the clone is mounted (no npm install into it).
    expect(s.build).toBe('./examples/compose');
    expect(s.volumes).toBeUndefined();
    expect(s.command).toEqual(['node', expect.stringMatching(/^(producer|consumer)\.mjs$/)]);
  }
});

test('the example image installs the dependencies at build time and copies the scripts', () => {
  const dockerfile = readFileSync(join(ROOT, 'examples/compose/Dockerfile'), 'utf8');
  // The same pinned base image as the emulator's own.
  expect(dockerfile.match(/^ARG NODE_IMAGE=.*$/m)![0]).toBe(readFileSync(join(ROOT, 'Dockerfile'), 'utf8').match(/^ARG NODE_IMAGE=.*$/m)![0]);
  const lines = dockerfile.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  expect(lines).toEqual([
    expect.stringMatching(/^ARG NODE_IMAGE=node:22-alpine@sha256:[0-9a-f]{64}$/),
    'FROM ${NODE_IMAGE}',
    'WORKDIR /app',
    'COPY package.json ./',
    'RUN npm install --omit=dev --no-audit --no-fund',
    'COPY producer.mjs consumer.mjs ./',
    'USER node',
  ]);
  for (const s of [producer!, consumer!]) expect(existsSync(join(ROOT, s.build!, s.command![1]!))).toBe(true);
  expect(readFileSync(join(ROOT, 'examples/compose/.dockerignore'), 'utf8')).toContain('node_modules');
});

test('the emulator service starts from its compose environment, creates the config queues and is healthy', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'compose-data-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(sqs!.environment!)) {
    env[k] = k === 'SQS_EMULATOR_CONFIG' || k === 'SQS_EMULATOR_DATA_DIR' ? hostPath(sqs!, v, { 'sqs-data': dataDir }) : v;
  }
  // The image's own environment (Dockerfile ENV) listens on all interfaces.
  const command = parseCommandLine([], { SQS_EMULATOR_HOST: '0.0.0.0', ...env, SQS_EMULATOR_PORT: '0' });
  if (command.kind !== 'run') throw new Error('not a run');
  server = await startEmulator({ ...command.options, logLevel: 'silent' });
  port = server.port;
  const names = server.engine.queues().map((q) => q.name).sort();
  expect(names).toEqual(['events.fifo', 'orders', 'orders-dlq']);
  const orders = server.engine.stats({ region: 'us-east-1', accountId: '000000000000', name: 'orders' });
  expect(orders.redrive).toMatchObject({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:orders-dlq', maxReceiveCount: 3 });

  // Listening on all interfaces, it answers to its service name and loopback, not to a rebound name.
  expect(await statusFor(port, `sqs:${port}`)).toBe(200);
  expect(await statusFor(port, `localhost:${port}`)).toBe(200);
  expect(await statusFor(port, `evil.example:${port}`)).toBe(403);

  const [, check, ...args] = sqs!.healthcheck!.test as [string, string, ...string[]];
  expect(await run(check, args.map((a) => a.replace(':9324/', `:${port}/`)), ROOT, {})).toMatchObject({ code: 0 });
});

/** GET /health with a chosen Host header (fetch always sends the URL's). */
function statusFor(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    httpGet({ host: '127.0.0.1', port, path: '/health', headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).on('error', reject);
  });
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('SQS_') && !k.startsWith('npm_')));
    const child = spawn(cmd, args, { cwd, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, out });
    });
  });
}

/** A compose service's command run here: its environment (endpoint on our port), in its build context (the image's /app), `sqs` → 127.0.0.1. */
function runService(service: Service): Promise<{ code: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', TEST_HOSTS: JSON.stringify({ sqs: '127.0.0.1' }) };
  for (const [k, v] of Object.entries(service.environment!)) env[k] = v.replace('http://sqs:9324', `http://sqs:${port}`);
  // The image's dependencies are the repo's own here (resolved from its node_modules).
  const [node, script] = service.command as [string, string];
  expect(node).toBe('node');
  return run(process.execPath, ['--import', HOSTS, script], resolve(ROOT, service.build!), env);
}

test('producer and consumer reach the emulator by service name; queue URLs resolve in the network', async () => {
  const sent = await runService(producer!);
  expect(sent).toMatchObject({ code: 0 });
  expect(sent.out).toContain(`producer: queue URL http://sqs:${port}/000000000000/orders`);
  expect(sent.out).toContain('producer: sent 5 messages');
  const orders = { region: 'us-east-1', accountId: '000000000000', name: 'orders' };
  expect(server.engine.stats(orders).visible).toBe(5);

  const consumed = await runService(consumer!);
  expect(consumed).toMatchObject({ code: 0 });
  expect(consumed.out).toContain('consumer: done, 5 messages');
  expect(consumed.out.match(/consumer: got \{"order":\d,"item":"book"\} from producer/g)).toHaveLength(5);
  // sqs-consumer deleted each message after handling it.
  expect(server.engine.stats(orders).visible + server.engine.stats(orders).inflight).toBe(0);
}, 90_000);
