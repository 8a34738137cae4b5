/**
 * Shared pieces of the real-client tests: the scenario's data, independent digest
 * computations (the SDKs check only body digests), child-process helpers and the
 * "Debian client installed?" gate.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';

/** XML-hostile, CR/LF, non-ASCII and astral characters: all must round-trip byte for byte. */
export const BODY = 'hello <&> "emulator" \'q\'\r\nline2 \t✓ \u{1F600}';
export const BATCH_BODIES = ['batch-0', 'batch-1 <x/> & ✓', 'batch-2\r\n'];
export const BLOB = Uint8Array.from([0, 1, 2, 0xff]);
export const TAGS = { env: 'test', team: 'core ✓' };

export type AttrValue = { DataType: string; StringValue?: string; BinaryValue?: Uint8Array };

/** Message attributes of the scenario's single SendMessage (String, Number, Binary). */
export function messageAttributes(): Record<string, AttrValue> {
  return {
    color: { DataType: 'String', StringValue: 'blue ✓ <&>' },
    n: { DataType: 'Number', StringValue: '7' },
    blob: { DataType: 'Binary', BinaryValue: BLOB },
  };
}

export function md5(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** MD5OfMessageAttributes as AWS computes it, written out here independently of src/. */
export function md5OfAttributes(attrs: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array | string }>): string {
  const parts: Buffer[] = [];
  const field = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    parts.push(len, b);
  };
  for (const name of Object.keys(attrs).sort()) {
    const a = attrs[name]!;
    field(Buffer.from(name, 'utf8'));
    field(Buffer.from(a.DataType, 'utf8'));
    if (a.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      field(typeof a.BinaryValue === 'string' ? Buffer.from(a.BinaryValue, 'base64') : Buffer.from(a.BinaryValue));
    } else {
      parts.push(Buffer.from([1]));
      field(Buffer.from(a.StringValue ?? '', 'utf8'));
    }
  }
  return md5(Buffer.concat(parts));
}

// ---------------------------------------------------------------------------------------------
// Debian-packaged clients: present, or fail loudly in CI, or skip with a visible message.

export const isCI = /^(true|1)$/i.test(process.env.CI ?? '');

export interface DebianClient {
  /** `test`, or `test.skip` when the client is missing outside CI. */
  readonly test: jest.It;
  /** Throws (in CI) when the client is missing; call first in each test. */
  require(): void;
}

export function debianClient(label: string, packages: string[], paths: string[]): DebianClient {
  const missing = paths.filter((p) => !existsSync(p));
  const message =
    `${label}: not installed (missing ${missing.join(', ')}). ` +
    `Install with: apt-get install -y ${packages.join(' ')}  (.ci/run does this in CI)`;
  if (missing.length > 0 && !isCI) {
    // Visible in the jest output: a skipped client is never silent.
    console.warn(`SKIPPING real-client tests — ${message}`);
  }
  return {
    test: missing.length === 0 || isCI ? test : test.skip,
    require() {
      if (missing.length > 0) throw new Error(`CI=true but ${message}`);
    },
  };
}

/**
 * Environment for the Debian Python clients: static credentials, and no user config files that
 * could point them elsewhere.
 */
export function debianEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    LANG: 'C.UTF-8',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: REGION,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
    ...extra,
  };
}

export interface RunResult {
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a program, bounded in time; a non-zero exit rejects with its stdout and stderr. */
export function run(
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        env: options.env ?? process.env,
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 30_000,
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const ms = Date.now() - started;
        if (error) {
          reject(
            new Error(
              `${file} ${args.join(' ')}\nfailed after ${ms} ms (exit ${error.code ?? '-'}, signal ${error.signal ?? '-'}): ${error.message}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
            ),
          );
        } else {
          resolve({ stdout, stderr, ms });
        }
      },
    );
  });
}

/** The last line of a program's stdout, parsed as JSON (the scripts print their summary last). */
export function lastJsonLine(stdout: string): any {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}

// ---------------------------------------------------------------------------------------------

/** An HTTP server that records every request and answers 500: where no request should go. */
export interface Decoy {
  readonly url: string;
  readonly requests: { method?: string; url?: string; target?: string }[];
  stop(): Promise<void>;
}

export async function startDecoy(): Promise<Decoy> {
  const requests: Decoy['requests'] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    requests.push({ method: req.method, url: req.url, target: req.headers['x-amz-target'] as string | undefined });
    req.resume();
    res.writeHead(500, { 'content-type': 'text/plain', connection: 'close' }).end('decoy: this request went to the wrong host');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Polls `fn` until `done` says so or the deadline passes; returns the last value. */
export async function pollUntil<T>(fn: () => Promise<T>, done: (v: T) => boolean, deadlineMs = 8_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  let v = await fn();
  while (!done(v) && Date.now() < end) v = await fn();
  return v;
}
