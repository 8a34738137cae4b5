/**
 * Receive latency on a deep backlog: fills a standard queue with N messages through the
 * engine (fast), then times ReceiveMessage + DeleteMessage over HTTP (JSON protocol, a
 * keep-alive fetch with pre-encoded bodies). Bounded: N messages, R receives, then it stops.
 *   npm run bench -- [messages=1000000] [receives=2000]
 */
import { performance } from 'node:perf_hooks';
import { startEmulator } from '../src/index.js';

const N = Number(process.argv[2] ?? 1_000_000);
const R = Number(process.argv[3] ?? 2_000);

const emulator = await startEmulator({ port: 0, logLevel: 'error' });
const scope = { region: 'us-east-1', accountId: '000000000000' };
const queue = emulator.engine.createQueue({ ...scope, name: 'backlog' }, { fifo: false, attributes: {}, tags: new Map() });
const body = 'x'.repeat(256);
const sendOptions = { batch: false, senderId: scope.accountId };
const rssBefore = process.memoryUsage().rss;
const fillStart = performance.now();
for (let i = 0; i < N; i++) {
  emulator.engine.sendMessage(queue, { MessageBody: body }, sendOptions);
}
const fillMs = performance.now() - fillStart;
const rssAfter = process.memoryUsage().rss;

const url = `${emulator.url}/`;
const queueUrl = `${emulator.url}/000000000000/backlog`;
const receiveBody = JSON.stringify({ QueueUrl: queueUrl, MaxNumberOfMessages: 1 });
const call = async (target: string, payload: string): Promise<any> => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${target}` },
    body: payload,
  });
  return res.json();
};
const latencies: number[] = [];
for (let i = 0; i < R; i++) {
  const t = performance.now();
  const out = await call('ReceiveMessage', receiveBody);
  latencies.push(performance.now() - t);
  await call('DeleteMessage', JSON.stringify({ QueueUrl: queueUrl, ReceiptHandle: out.Messages[0].ReceiptHandle }));
}
latencies.sort((a, b) => a - b);
const pct = (p: number): string => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(3);
console.log(
  JSON.stringify(
    {
      scenario: 'receive on a deep backlog (JSON over loopback, fetch client)',
      messages: N,
      fillSeconds: +(fillMs / 1000).toFixed(2),
      bytesPerStoredMessage: Math.round((rssAfter - rssBefore) / N),
      receives: R,
      receiveLatencyMs: { p50: +pct(50), p99: +pct(99) },
      remaining: emulator.engine.stats(queue).visible,
    },
    null,
    2,
  ),
);
await emulator.stop();
