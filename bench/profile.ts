/**
 * CPU profile of one scenario's load (issue 19): starts `node --cpu-prof dist/cli.js` (or a
 * floor, `--server floor`, `floor-answer` or `floor-store`), drives the scenario with the same lean client as bench/run.ts, stops
 * the server with SIGTERM (the profile is written at exit) and prints self time per function
 * and per file, top 25, in µs per message, counting only the samples taken while the load ran.
 *   npx tsx bench/profile.ts <send|batch|drain|longpoll|admin> [--count N] [--server floor|floor-answer|floor-store] [--dir DIR] [--persistence durable|snapshot] [--keep]
 * `--dir DIR` profiles another built checkout (its dist/cli.js); `--keep` leaves the .cpuprofile.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agent, jsonCall } from './client.js';

const args = process.argv.slice(2);
const scenario = args[0] ?? 'send';
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = resolvePath(opt('--dir') ?? root);
const server = opt('--server') ?? 'emulator';
const COUNT = Number(opt('--count') ?? 20_000);
const CONC = 12;
const BODY = 'x'.repeat(100);

interface Frame { functionName: string; url: string; lineNumber: number }
interface Profile { nodes: { id: number; callFrame: Frame }[]; samples: number[]; timeDeltas: number[]; startTime: number }

const profDir = mkdtempSync(join(tmpdir(), 'sqs-prof-'));
/** `--persistence durable|snapshot`: the emulator with a fresh data directory (removed at exit). */
const persistence = opt('--persistence');
const dataDir = persistence ? mkdtempSync(join(tmpdir(), 'sqs-prof-data-')) : undefined;
if (dataDir) process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
const floor = server !== 'emulator';
const script = floor ? [join(root, `bench/servers/${server}.mjs`)]
  : ['dist/cli.js', '--port', '0', '--log-level', 'error', ...(dataDir ? ['--data-dir', dataDir, '--persistence', persistence!] : [])];
// The floors have no signal handler: exit on SIGTERM so that the profile is written.
const onTerm = floor ? ['--import', 'data:text/javascript,process.on("SIGTERM",()=>process.exit(0))'] : [];
const proc = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profDir, ...onTerm, ...script], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve, reject) => {
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => {
    out += d;
    const m = /http:\/\/[^\s:]+:(\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
  });
  proc.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
});

const call = (target: string, body: string): Promise<any> => jsonCall(port, target, body);
async function drive(n: number, op: (i: number) => Promise<unknown>, done = () => false): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONC }, async () => {
    while (next < n && !done()) await op(next++);
  }));
}
const createQueue = async (name: string): Promise<string> =>
  floor ? 'q' : (await call('CreateQueue', JSON.stringify({ QueueName: name }))).QueueUrl;
const batchOf = (q: string) => JSON.stringify({ QueueUrl: q, Entries: Array.from({ length: 10 }, (_, j) => ({ Id: `m${j}`, MessageBody: BODY })) });

let messages = 0;
/**
 * Samples are counted from here to the end of the load only: not the server's start-up, nor
 * what its shutdown does (a durable server writes a snapshot at SIGTERM). The profile's times
 * and `process.hrtime` are both the monotonic clock, in µs here.
 */
const loadStart = Number(process.hrtime.bigint() / 1000n);
if (scenario === 'send') {
  const body = JSON.stringify({ QueueUrl: await createQueue('prof'), MessageBody: BODY });
  await drive(COUNT, () => call('SendMessage', body));
  messages = COUNT;
} else if (scenario === 'batch') {
  const body = batchOf(await createQueue('prof'));
  await drive(COUNT / 10, () => call('SendMessageBatch', body));
  messages = COUNT;
} else if (scenario === 'drain') {
  const q = await createQueue('prof');
  const body = batchOf(q);
  await drive(COUNT / 10, () => call('SendMessageBatch', body));
  const recv = JSON.stringify({ QueueUrl: q, MaxNumberOfMessages: 10, VisibilityTimeout: 60 });
  let got = 0;
  await drive(Infinity, async () => {
    const m = (await call('ReceiveMessage', recv)).Messages ?? [];
    got += m.length;
    if (m.length) await call('DeleteMessageBatch', JSON.stringify({ QueueUrl: q, Entries: m.map((x: any, j: number) => ({ Id: `d${j}`, ReceiptHandle: x.ReceiptHandle })) }));
  }, () => got >= COUNT);
  messages = COUNT; // per message drained; the profile includes the batched fill (bench/run.ts measures only the drain)
} else if (scenario === 'longpoll') {
  const q = await createQueue('prof');
  const recv = JSON.stringify({ QueueUrl: q, MaxNumberOfMessages: 1, WaitTimeSeconds: 5 });
  const send = JSON.stringify({ QueueUrl: q, MessageBody: BODY });
  const n = Math.min(COUNT, 2000);
  for (let i = 0; i < n; i++) {
    const p = call('ReceiveMessage', recv);
    await new Promise((z) => setTimeout(z, 2));
    await call('SendMessage', send);
    const m = (await p).Messages?.[0];
    if (m) await call('DeleteMessage', JSON.stringify({ QueueUrl: q, ReceiptHandle: m.ReceiptHandle }));
  }
  messages = n;
} else if (scenario === 'admin') {
  const n = Math.min(COUNT, 10_000);
  const urls: string[] = [];
  await drive(n, async (i) => { urls.push(await createQueue(`adm-${i}`)); });
  await call('ListQueues', JSON.stringify({ QueueNamePrefix: 'adm', MaxResults: 1000 }));
  await drive(urls.length, (i) => call('DeleteQueue', JSON.stringify({ QueueUrl: urls[i] })));
  messages = n * 2 + 1;
} else throw new Error(`unknown scenario ${scenario}`);

const loadEnd = Number(process.hrtime.bigint() / 1000n);
agent.destroy();
await new Promise<void>((r) => { proc.once('exit', () => r()); proc.kill('SIGTERM'); });
const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error('no profile written');
const profile = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as Profile;
if (args.includes('--keep')) console.log(`profile: ${join(profDir, file)}`);
else rmSync(profDir, { recursive: true, force: true });

const selfUs = new Map<number, number>();
let at = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  at += profile.timeDeltas[i] ?? 0;
  if (at >= loadStart && at <= loadEnd) selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const short = (url: string): string => url.replace(/^file:\/\//, '').replace(dir, '').replace(/^\//, '') || '(native)';
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0; let idle = 0;
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (!us) continue;
  const f = node.callFrame;
  if (f.functionName === '(idle)') { idle += us; continue; }
  total += us;
  const key = `${f.functionName || '(anonymous)'}  ${short(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const fileKey = f.url ? short(f.url) : f.functionName;
  byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
}
const top = (m: Map<string, number>, title: string): void => {
  console.log(`\n${title}\n  µs/msg   share  name`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${(us / messages).toFixed(2).padStart(8)}  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
  }
};
console.log(`${server} ${scenario}: ${messages} messages, busy ${(total / 1000).toFixed(0)} ms = ${(total / messages).toFixed(1)} µs/msg (idle ${(idle / 1000).toFixed(0)} ms)`);
top(byFunction, 'self time by function');
top(byFile, 'self time by file');
