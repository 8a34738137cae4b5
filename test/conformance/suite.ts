/**
 * The conformance engine: cases written once, run per target × protocol, observations
 * normalised (ids, handles, timestamps and names masked to their formats) and compared with
 * fixtures/recordings/<case>.json. Used by conformance.test.ts and cleanup.test.ts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { eventually, makeClient, runPrefix, type ConformanceClient, type Protocol, type Response, type Target } from './client.js';

export const recordingsDir = new URL('../../fixtures/recordings/', import.meta.url);

export interface Ctx {
  readonly c: ConformanceClient;
  readonly target: Target;
  readonly protocol: Protocol;
  /** A queue name carrying the run prefix (and the protocol, so both protocols can run at once). */
  name(suffix: string): string;
  /** CreateQueue (name from `name(suffix)`), failing the case if it does not succeed. */
  queue(suffix: string, attributes?: Record<string, string>, tags?: Record<string, string>): Promise<string>;
  /** A FIFO queue: `.fifo` suffix and FifoQueue=true added. */
  fifo(suffix: string, attributes?: Record<string, string>): Promise<string>;
  arn(url: string): Promise<string>;
  /** Real sleep, or a ManualClock advance for manual-clock cases on the emulator. */
  sleep(ms: number): Promise<void>;
  /** A bounded poll (F55); the bound is longer against AWS. */
  eventually(fn: () => Promise<boolean>, boundMs?: number): Promise<boolean>;
  /** A client of the same target and protocol in another region (F30); cleaned up like the rest. */
  inRegion(region: string): ConformanceClient;
  /** Sends a message and fails the case unless it succeeds; returns the output. */
  sendOk(url: string, params: Record<string, unknown>): Promise<Record<string, any>>;
  /** ReceiveMessage returning the messages ([] when none). */
  receive(url: string, params?: Record<string, unknown>): Promise<any[]>;
  /** Approximate counters [visible, notVisible, delayed]. */
  counts(url: string): Promise<[number, number, number]>;
}

export interface Case {
  /** Recording file name. */
  id: string;
  /** The action the case is about (report row). */
  action: string;
  /** Other actions the case checks (the report counts the case under them too). */
  also?: string[];
  /** aws-behaviours.md fact ids the case checks. */
  facts: string[];
  /** Default: both protocols. */
  protocols?: Protocol[];
  /** Default: every target. */
  targets?: Target[];
  /** On the emulator target, run against an instance with a ManualClock: ctx.sleep advances it. */
  manualClock?: boolean;
  run(ctx: Ctx): Promise<unknown>;
}

export class CaseFailure extends Error {}

// ---------------------------------------------------------------------------------------------
// Normalisation

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MD5 = /^[0-9a-f]{32}$/;
const fmt = (ok: boolean, label: string, v: unknown): string => (ok ? `<${label}>` : `<not-${label}:${String(v)}>`);

/** Replaces the run prefix (and protocol tag) in names with `<prefix>`. */
export function maskName(s: string): string {
  return s.split(`${runPrefix}-j-`).join('<prefix>-').split(`${runPrefix}-q-`).join('<prefix>-').split(runPrefix).join('<prefix>');
}

export function maskUrl(v: unknown): string {
  const m = typeof v === 'string' ? /^https?:\/\/[^/]+\/(\d{12})\/([^/?]+)$/.exec(v) : null;
  return m ? `<queue-url:${maskName(m[2])}>` : `<not-queue-url:${String(v)}>`;
}

export function maskArn(v: unknown): string {
  const m = typeof v === 'string' ? /^arn:aws:sqs:[a-z0-9-]+:\d{12}:(.+)$/.exec(v) : null;
  return m ? `<arn:${maskName(m[1])}>` : `<not-arn:${String(v)}>`;
}

const byKey: Record<string, (v: any) => unknown> = {
  MessageId: (v) => fmt(UUID.test(v), 'uuid', v),
  ReceiptHandle: (v) => fmt(typeof v === 'string' && v.length > 0, 'receipt-handle', v),
  QueueUrl: maskUrl,
  QueueArn: maskArn,
  SourceArn: maskArn,
  DestinationArn: maskArn,
  DeadLetterQueueSourceArn: maskArn,
  SequenceNumber: (v) => fmt(/^\d+$/.test(v), 'number-string', v),
  SentTimestamp: (v) => fmt(/^\d{13}$/.test(v), 'epoch-ms-string', v),
  ApproximateFirstReceiveTimestamp: (v) => fmt(/^\d{13}$/.test(v), 'epoch-ms-string', v),
  CreatedTimestamp: (v) => fmt(/^\d{10}$/.test(v), 'epoch-s-string', v),
  LastModifiedTimestamp: (v) => fmt(/^\d{10}$/.test(v), 'epoch-s-string', v),
  StartedTimestamp: (v) => fmt(typeof v === 'number' && v > 1e12, 'epoch-ms-number', v),
  SenderId: (v) => fmt(typeof v === 'string' && v.length > 0, 'sender-id', v),
  TaskHandle: (v) => fmt(typeof v === 'string' && v.length > 0, 'task-handle', v),
  MD5OfBody: (v) => fmt(MD5.test(v), 'md5-hex', v),
  // exact digests are picked explicitly by the cases that check them (F77, F88, F89, F90)
  MD5OfMessageBody: (v) => fmt(MD5.test(v), 'md5-hex', v),
  MD5OfMessageAttributes: (v) => fmt(MD5.test(v), 'md5-hex', v),
  MD5OfMessageSystemAttributes: (v) => fmt(MD5.test(v), 'md5-hex', v),
  deadLetterTargetArn: maskArn,
  Id: (v) => (UUID.test(v) ? '<uuid>' : v),
};

/** Masks a response value by member name and format, recursively; drops undefined members. */
export function mask(value: any, key?: string): any {
  if (value === undefined || value === null) return value;
  if (key && byKey[key] && typeof value !== 'object') return byKey[key](value);
  if (key === 'QueueUrls' || key === 'queueUrls') return (value as string[]).map(maskUrl).sort();
  if (value instanceof Uint8Array) return `<bytes:${Buffer.from(value).toString('base64')}>`;
  if (Array.isArray(value)) return value.map((v) => mask(v));
  if (typeof value === 'object') {
    const out: Record<string, any> = {};
    for (const k of Object.keys(value).sort()) if (value[k] !== undefined) out[k] = mask(value[k], k);
    return out;
  }
  return typeof value === 'string' ? maskName(value) : value;
}

/** The normalised form of one response: status, error code/type/message or the masked output. */
export function n(r: Response, opts: { noMessage?: boolean } = {}): Record<string, unknown> {
  if (r.code !== undefined || r.status >= 300) {
    const out: Record<string, unknown> = { status: r.status, code: r.code, type: r.type };
    if (!opts.noMessage) out.message = maskName(r.message ?? '');
    return out;
  }
  return { status: r.status, ...mask(r.output) };
}

/** Only the error envelope, or `{status}` on success. */
export function e(r: Response, opts: { noMessage?: boolean } = {}): Record<string, unknown> {
  return r.code !== undefined || r.status >= 300 ? n(r, opts) : { status: r.status };
}

/** Sorted member names present in an object. */
export function members(o: Record<string, unknown> | undefined): string[] {
  return Object.keys(o ?? {}).filter((k) => o![k] !== undefined).sort();
}

export function check(cond: unknown, what: string): asserts cond {
  if (!cond) throw new CaseFailure(what);
}

// ---------------------------------------------------------------------------------------------
// Running

export interface Binding {
  target: Target;
  /** Endpoint for emulator/endpoint targets. */
  url?: string;
  /** Endpoint of the ManualClock instance (emulator target) and how to advance it. */
  manual?: { url: string; advance(ms: number): void };
}

export interface CaseResult {
  case: Case;
  protocol: Protocol;
  /** `n/a`: the case does not apply to this target/protocol. */
  outcome: 'ran' | 'error' | 'n/a';
  observation?: unknown;
  error?: string;
  ms?: number;
}

interface Created {
  client: ConformanceClient;
  url: string;
}

/** Everything a run created, per client, for cleanup. */
export class Tracker {
  readonly clients = new Set<ConformanceClient>();
  readonly created: Created[] = [];

  /** Wraps a client so that every successful CreateQueue is remembered. */
  track(client: ConformanceClient): ConformanceClient {
    this.clients.add(client);
    const created = this.created;
    return {
      ...client,
      async send(action, params) {
        const r = await client.send(action, params);
        if (action === 'CreateQueue' && r.status === 200 && r.output.QueueUrl) created.push({ client, url: r.output.QueueUrl });
        return r;
      },
    };
  }

  /**
   * Deletes every queue the run created, then sweeps each region for queues still carrying the
   * prefix (ListQueues is eventually consistent on AWS). Returns the URLs still listed.
   */
  async cleanup(prefix = runPrefix): Promise<string[]> {
    // a URL names a queue within its region (the same URL may exist in two regions)
    const deleted = new Set<string>();
    const key = (client: ConformanceClient, url: string) => `${client.baseUrl}|${client.region}|${url}`;
    await pool(this.created, 8, async ({ client, url }) => {
      if (deleted.has(key(client, url))) return;
      deleted.add(key(client, url));
      await client.send('DeleteQueue', { QueueUrl: url }).catch(() => undefined);
    });
    const left: string[] = [];
    const seenRegions = new Set<string>();
    for (const client of this.clients) {
      const region = `${client.baseUrl}|${client.region}`;
      if (seenRegions.has(region)) continue;
      seenRegions.add(region);
      for (const url of await listAll(client, prefix)) {
        if (!deleted.has(key(client, url))) await client.send('DeleteQueue', { QueueUrl: url }).catch(() => undefined);
        deleted.add(key(client, url));
      }
      left.push(...(await listAll(client, prefix)));
    }
    return left;
  }

  destroy(): void {
    for (const c of this.clients) c.destroy();
  }
}

export async function listAll(client: ConformanceClient, prefix: string): Promise<string[]> {
  const urls: string[] = [];
  let NextToken: string | undefined;
  do {
    const r = await client.send('ListQueues', { QueueNamePrefix: prefix, MaxResults: 1000, NextToken });
    if (r.status !== 200) break;
    urls.push(...(r.output.QueueUrls ?? []));
    NextToken = r.output.NextToken;
  } while (NextToken);
  return urls;
}

async function pool<T>(items: T[], size: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]);
    }),
  );
}

export function applies(k: Case, target: Target, protocol: Protocol): boolean {
  return (k.protocols ?? ['json', 'query']).includes(protocol) && (k.targets ?? ['emulator', 'aws', 'endpoint']).includes(target);
}

/** Runs every case × protocol (concurrently, `concurrency` at a time). */
export async function runCases(
  cases: Case[],
  binding: Binding,
  tracker: Tracker,
  opts: { protocols?: Protocol[]; concurrency?: number } = {},
): Promise<CaseResult[]> {
  const protocols = opts.protocols ?? ['json', 'query'];
  const aws = binding.target === 'aws';
  const clients = new Map<string, ConformanceClient>();
  const clientFor = (protocol: Protocol, manual: boolean, region?: string): ConformanceClient => {
    const key = `${protocol}|${manual}|${region ?? ''}`;
    let c = clients.get(key);
    if (!c) {
      c = tracker.track(makeClient({ target: binding.target, protocol, url: manual ? binding.manual!.url : binding.url, region }));
      clients.set(key, c);
    }
    return c;
  };
  const jobs: CaseResult[] = [];
  for (const k of cases) for (const protocol of protocols) jobs.push({ case: k, protocol, outcome: applies(k, binding.target, protocol) ? 'ran' : 'n/a' });
  const runnable = jobs.filter((j) => j.outcome === 'ran');
  const isManual = (j: CaseResult) => !!j.case.manualClock && binding.target === 'emulator' && !!binding.manual;
  // Manual-clock cases share one clock: they run one after another, beside the others.
  const runJob = async (job: CaseResult): Promise<void> => {
      const { case: k, protocol } = job;
      const manual = !!k.manualClock && binding.target === 'emulator' && !!binding.manual;
      const c = clientFor(protocol, manual);
      const tag = protocol === 'json' ? 'j' : 'q';
      const name = (suffix: string) => `${runPrefix}-${tag}-${suffix}`;
      const ctx: Ctx = {
        c,
        target: binding.target,
        protocol,
        name,
        async queue(suffix, attributes, tags) {
          const r = await c.send('CreateQueue', { QueueName: name(suffix), Attributes: attributes, tags });
          if (r.status !== 200) throw new CaseFailure(`CreateQueue ${suffix}: ${r.status} ${r.code} ${r.message}`);
          return r.output.QueueUrl;
        },
        fifo(suffix, attributes = {}) {
          return this.queue(`${suffix}.fifo`, { FifoQueue: 'true', ...attributes });
        },
        async arn(url) {
          const r = await c.send('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['QueueArn'] });
          check(r.status === 200, `GetQueueAttributes QueueArn: ${r.code}`);
          return r.output.Attributes.QueueArn;
        },
        async sleep(ms) {
          if (manual) {
            binding.manual!.advance(ms);
            await new Promise((r) => setImmediate(r));
          } else await new Promise((r) => setTimeout(r, ms));
        },
        eventually(fn, boundMs = 10_000) {
          return eventually(fn, aws ? Math.max(boundMs, 70_000) : boundMs, aws ? 1000 : 100);
        },
        inRegion(region) {
          return clientFor(protocol, manual, region);
        },
        async sendOk(url, params) {
          const r = await c.send('SendMessage', { QueueUrl: url, ...params });
          if (r.status !== 200) throw new CaseFailure(`SendMessage: ${r.status} ${r.code} ${r.message}`);
          return r.output;
        },
        async receive(url, params = {}) {
          const r = await c.send('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10, ...params });
          if (r.status !== 200) throw new CaseFailure(`ReceiveMessage: ${r.status} ${r.code} ${r.message}`);
          return r.output.Messages ?? [];
        },
        async counts(url) {
          const r = await c.send('GetQueueAttributes', {
            QueueUrl: url,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
          });
          check(r.status === 200, `GetQueueAttributes counters: ${r.code}`);
          const a = r.output.Attributes;
          return [Number(a.ApproximateNumberOfMessages), Number(a.ApproximateNumberOfMessagesNotVisible), Number(a.ApproximateNumberOfMessagesDelayed)];
        },
      };
      const t0 = Date.now();
      try {
        job.observation = JSON.parse(JSON.stringify((await k.run(ctx)) ?? null));
      } catch (err) {
        job.outcome = 'error';
        job.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
      job.ms = Date.now() - t0;
  };
  await Promise.all([
    pool(runnable.filter((j) => !isManual(j)), opts.concurrency ?? (aws ? 8 : 32), runJob),
    pool(runnable.filter(isManual), 1, runJob),
  ]);
  return jobs;
}

// ---------------------------------------------------------------------------------------------
// Recordings

export interface Recording {
  case: string;
  action: string;
  facts: string[];
  /** `reference`: written from aws-behaviours.md; `aws`: recorded by `--record` against AWS. */
  source: 'reference' | 'aws' | 'emulator' | 'endpoint';
  recordedAt?: string;
  note?: string;
  responses: Partial<Record<Protocol, unknown>>;
}

export function readRecording(id: string): Recording | undefined {
  const file = new URL(`${id}.json`, recordingsDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Recording) : undefined;
}

/** `--record`: writes the run's observations, marking the source (aws when run against AWS). */
export function writeRecordings(results: CaseResult[], target: Target, dir: URL | string = recordingsDir): string[] {
  const base = typeof dir === 'string' ? pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`) : dir;
  mkdirSync(base, { recursive: true });
  const byCase = new Map<string, CaseResult[]>();
  for (const r of results) if (r.outcome === 'ran') byCase.set(r.case.id, [...(byCase.get(r.case.id) ?? []), r]);
  const written: string[] = [];
  for (const [id, rs] of byCase) {
    const k = rs[0].case;
    const rec: Recording = {
      case: id,
      action: k.action,
      facts: k.facts,
      source: target,
      recordedAt: new Date().toISOString(),
      responses: {},
    };
    for (const r of rs) rec.responses[r.protocol] = r.observation;
    writeFileSync(new URL(`${id}.json`, base), JSON.stringify(rec, null, 2) + '\n');
    written.push(id);
  }
  return written;
}

// ---------------------------------------------------------------------------------------------
// Report

export type Verdict = 'passed' | 'failed' | 'known-different' | 'n/a';

export function reportMarkdown(
  target: string,
  rows: { action: string; protocol: Protocol; verdict: Verdict; case: string; reason?: string }[],
  requestCount?: number,
): string {
  const table = new Map<string, Record<Verdict, number>>();
  for (const r of rows) {
    const key = `${r.action}|${r.protocol}`;
    const t = table.get(key) ?? { passed: 0, failed: 0, 'known-different': 0, 'n/a': 0 };
    t[r.verdict]++;
    table.set(key, t);
  }
  const total = { passed: 0, failed: 0, 'known-different': 0, 'n/a': 0 };
  const lines = [
    `# Conformance report (target: ${target})`,
    '',
    `${new Date().toISOString().slice(0, 10)}. Cases per action and protocol; a case counts under the action it is about.`,
    '',
    '| Action | Protocol | Passed | Failed | Known-different | Not applicable |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const [key, t] of [...table].sort(([a], [b]) => a.localeCompare(b))) {
    const [action, protocol] = key.split('|');
    lines.push(`| ${action} | ${protocol} | ${t.passed} | ${t.failed} | ${t['known-different']} | ${t['n/a']} |`);
    for (const v of Object.keys(total) as Verdict[]) total[v] += t[v];
  }
  lines.push(`| **all** | | **${total.passed}** | **${total.failed}** | **${total['known-different']}** | **${total['n/a']}** |`);
  if (requestCount !== undefined) lines.push('', `Requests sent by the run, cleanup included: ${requestCount}.`);
  const notable = rows.filter((r) => r.verdict === 'failed' || r.verdict === 'known-different');
  if (notable.length) {
    lines.push('', '| Case | Protocol | Verdict | Reason |', '|---|---|---|---|');
    for (const r of notable.sort((a, b) => a.case.localeCompare(b.case) || a.protocol.localeCompare(b.protocol)))
      lines.push(`| ${r.case} | ${r.protocol} | ${r.verdict} | ${(r.reason ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
  }
  return lines.join('\n') + '\n';
}
