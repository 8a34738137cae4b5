/**
 * Heap bytes per stored message, measured inside one process with forced GCs: N 100-byte
 * messages (distinct, flat strings, as JSON.parse makes them) go through the SendMessage
 * action into a standard queue, then up to 100,000 of them through ReceiveMessage into flight. Run by bench/run.ts:
 *   node --expose-gc --import tsx bench/heap.ts [N]
 */
import { Engine } from '../src/engine/engine.js';
import { createQueue } from '../src/actions/createQueue.js';
import { sendMessage } from '../src/actions/sendMessage.js';
import { receiveMessage } from '../src/actions/receiveMessage.js';
import type { RequestContext } from '../src/actions/action.js';

const N = Number(process.argv[2] ?? 500_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const engine = new Engine({});
const ctx: RequestContext = {
  engine, requestId: 'r', region: 'us-east-1', accountId: '000000000000', baseUrl: 'http://127.0.0.1:9324',
  signal: new AbortController().signal,
};
const { QueueUrl } = (await createQueue.handler(ctx, { QueueName: 'heap' })) as { QueueUrl: string };
const bodies: string[] = [];
for (let i = 0; i < N; i++) bodies.push(JSON.parse(JSON.stringify(`${'x'.repeat(94)}${String(i).padStart(6, '0')}`)) as string);
const base = heap();
for (let i = 0; i < N; i++) sendMessage.handler(ctx, { QueueUrl, MessageBody: bodies[i]! });
bodies.length = 0;
const stored = heap();
// The bodies themselves: the same strings measured alone.
const alone: string[] = [];
const before = heap();
for (let i = 0; i < N; i++) alone.push(JSON.parse(JSON.stringify(`${'y'.repeat(94)}${String(i).padStart(6, '0')}`)) as string);
const bodyBytes = (heap() - before) / N - 8; // minus the array slot
alone.length = 0;
const ready = heap();
// At most 100,000 in flight (a standard queue's cap is 120,000).
const M = Math.min(N, 100_000);
for (let i = 0; i < M; i += 10) await receiveMessage.handler(ctx, { QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 });
const inflight = heap();
// `base` counted the bodies (kept by the messages) and the array that held them (freed since).
const beyondBody = (stored - base) / N + 8;
process.stdout.write(JSON.stringify({
  messages: N,
  bodyBytes: Math.round(bodyBytes),
  heapBytesPerMessage: Math.round(beyondBody + bodyBytes),
  heapBytesPerMessageBeyondBody: Math.round(beyondBody),
  heapBytesPerInFlightMessageBeyondBody: Math.round(beyondBody + (inflight - ready) / M),
}) + '\n');
