/**
 * Real client: Debian's aws-sdk-go v1 1.44 (query/XML), built offline in GOPATH mode from
 * test/clients/go/main.go (CGO_ENABLED=0) into a temporary directory. The SDK's body-digest
 * checks stay on; the program asserts every step and prints a JSON summary.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type RunningEmulator } from '../../src/index.js';
import { debianClient, lastJsonLine, run } from './support.js';

const go = debianClient(
  'aws-sdk-go v1 (Debian golang-go + golang-github-aws-aws-sdk-go-dev)',
  ['golang-go', 'golang-github-aws-aws-sdk-go-dev'],
  ['/usr/bin/go', '/usr/share/gocode/src/github.com/aws/aws-sdk-go/service/sqs/api.go'],
);
const source = fileURLToPath(new URL('./go/', import.meta.url));

let server: RunningEmulator;
let dir: string | undefined;
beforeAll(async () => {
  server = await startEmulator({ port: 0, logLevel: 'silent' });
});
afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

go.test('aws-sdk-go v1 (query): build offline, full scenario', async () => {
  go.require();
  dir = await mkdtemp(join(tmpdir(), 'sqs-go-v1-'));
  const binary = join(dir, 'sqs-go-v1');
  await run('/usr/bin/go', ['build', '-o', binary, 'main.go'], {
    cwd: source,
    timeoutMs: 60_000,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? dir,
      GO111MODULE: 'off',
      GOPATH: '/usr/share/gocode',
      GOFLAGS: '',
      GOPROXY: 'off',
      // Pure Go: no C compiler needed (.ci/run installs without Recommends, so no gcc).
      CGO_ENABLED: '0',
      // A stable cache: the first build compiles the standard library (~15 s), later ones
      // take well under a second.
      GOCACHE: join(tmpdir(), 'sqs-emulator-go-build-cache'),
    },
  });
  const { stdout } = await run(binary, [server.url, `go-v1-${process.pid}`], { timeoutMs: 20_000, env: { PATH: '/usr/bin:/bin' } });
  const summary = lastJsonLine(stdout);
  expect(summary).toMatchObject({ ok: true, sdk: expect.stringMatching(/^1\.44\./), received: 4 });
  expect(summary.waitedMs).toBeGreaterThanOrEqual(900);
}, 90_000);
