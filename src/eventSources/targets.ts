import { createRequire } from 'node:module';
import type { SqsLambdaEvent } from '../api/lambdaEvent.js';
import type { Clock } from '../engine/clock.js';
import type { LambdaContext, LambdaHandler, TargetInput } from './config.js';

/**
 * Invoking a mapping's target with one SQSEvent, as Lambda invokes a function synchronously:
 *
 * - URL: POST the event as JSON; a 2xx answer is success and its body the function's response;
 * - command: spawned per batch without a shell, the event on stdin; exit 0 is success and
 *   stdout the response (logs belong on stderr);
 * - function (in-process): `(event, context, callback)`, async or with the callback.
 *
 * Anything else (an error status, a non-zero exit, a throw, a rejected promise, no answer before
 * the function timeout on the emulator's clock) is a failed invocation.
 */

export type Outcome = { readonly ok: true; readonly response: unknown } | { readonly ok: false; readonly error: string };

export interface Invocation {
  readonly event: SqsLambdaEvent;
  readonly functionName: string;
  readonly functionArn: string;
  readonly region: string;
  readonly requestId: string;
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** Aborted when the emulator stops: the invocation is abandoned like a timed-out one. */
  readonly signal: AbortSignal;
}

/** A response body or stdout: at most Lambda's 6 MB response payload. */
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

/** The response text as JSON: empty means none (null); text that is not JSON is kept as a string (a malformed response). */
function parseResponse(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function invoke(target: TargetInput, inv: Invocation): Promise<Outcome> {
  const deadline = inv.clock.now() + inv.timeoutMs;
  const controller = new AbortController();
  let timedOut = false;
  const timer = inv.clock.setTimer(deadline, () => {
    timedOut = true;
    controller.abort();
  });
  const onStop = (): void => controller.abort();
  inv.signal.addEventListener('abort', onStop, { once: true });
  const aborted = new Promise<Outcome>((resolve) => {
    const done = (): void => resolve({ ok: false, error: timedOut ? `Task timed out after ${(inv.timeoutMs / 1000).toFixed(2)} seconds` : 'the emulator stopped' });
    if (controller.signal.aborted) done();
    else controller.signal.addEventListener('abort', done, { once: true });
  });
  try {
    const run =
      'url' in target
        ? postEvent(target.url, inv, deadline, controller.signal)
        : 'command' in target
          ? runCommand(target.command, target.args ?? [], inv, controller.signal)
          : callHandler(target.handler, inv, deadline);
    return await Promise.race([run.catch((e: unknown): Outcome => ({ ok: false, error: (e as Error)?.message ?? String(e) })), aborted]);
  } finally {
    timer.cancel();
    inv.signal.removeEventListener('abort', onStop);
  }
}

async function postEvent(url: string, inv: Invocation, deadline: number, signal: AbortSignal): Promise<Outcome> {
  // The headers of Lambda's runtime API "next invocation" answer, for handlers that read them.
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': inv.requestId,
      'lambda-runtime-deadline-ms': String(deadline),
      'lambda-runtime-invoked-function-arn': inv.functionArn,
    },
    body: JSON.stringify(inv.event),
    signal,
  });
  const text = await res.text();
  if (res.status < 200 || res.status > 299) return { ok: false, error: `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
  if (Buffer.byteLength(text) > MAX_RESPONSE_BYTES) return { ok: false, error: 'response payload larger than 6 MB' };
  return { ok: true, response: parseResponse(text) };
}

/** node:child_process loads with the first command target, not at start-up. */
const require = createRequire(import.meta.url);

function runCommand(command: string, args: readonly string[], inv: Invocation, signal: AbortSignal): Promise<Outcome> {
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      shell: false,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        AWS_LAMBDA_FUNCTION_NAME: inv.functionName,
        AWS_LAMBDA_FUNCTION_TIMEOUT: String(inv.timeoutMs / 1000),
        AWS_REGION: inv.region,
        AWS_DEFAULT_REGION: inv.region,
        AWS_LAMBDA_REQUEST_ID: inv.requestId,
      },
      signal,
      killSignal: 'SIGKILL',
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      outBytes += d.length;
      if (outBytes <= MAX_RESPONSE_BYTES) out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-2000);
    });
    // A command that exits without reading its stdin must not fail the write.
    child.stdin.on('error', () => {});
    child.stdin.end(JSON.stringify(inv.event));
    child.once('error', (e) => resolve({ ok: false, error: `${command}: ${e.message}` }));
    child.once('close', (code, sig) => {
      if (code === 0) {
        if (outBytes > MAX_RESPONSE_BYTES) resolve({ ok: false, error: 'response payload larger than 6 MB' });
        else resolve({ ok: true, response: parseResponse(Buffer.concat(out).toString('utf8')) });
        return;
      }
      const tail = err.trim().split('\n').slice(-3).join(' | ');
      resolve({ ok: false, error: `${command} exited with ${code === null ? `signal ${sig}` : `code ${code}`}${tail ? `: ${tail}` : ''}` });
    });
  });
}

function callHandler(handler: LambdaHandler, inv: Invocation, deadline: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (error: unknown, result?: unknown): void => {
      if (settled) return;
      settled = true;
      if (error !== undefined && error !== null) resolve({ ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      else resolve({ ok: true, response: result ?? null });
    };
    const context: LambdaContext = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: inv.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: inv.functionArn,
      memoryLimitInMB: '128',
      awsRequestId: inv.requestId,
      logGroupName: `/aws/lambda/${inv.functionName}`,
      logStreamName: 'sqs-emulator',
      getRemainingTimeInMillis: () => Math.max(0, deadline - inv.clock.now()),
      done: (error, result) => finish(error, result),
      fail: (error) => finish(error),
      succeed: (result: unknown) => finish(undefined, result),
    };
    try {
      const returned = handler(inv.event, context, (error, result) => finish(error, result));
      if (returned !== null && typeof returned === 'object' && typeof (returned as PromiseLike<unknown>).then === 'function') {
        (returned as PromiseLike<unknown>).then(
          (result) => finish(undefined, result),
          (e: unknown) => finish(e ?? new Error('the handler rejected')),
        );
      } else if (handler.length < 3) finish(undefined, returned);
    } catch (e) {
      finish(e ?? new Error('the handler threw'));
    }
  });
}
