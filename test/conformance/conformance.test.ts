/**
 * The conformance suite (issue 6): every case of ./cases run per protocol against the target —
 * the emulator in-process (default), real AWS (SQS_CONFORMANCE_TARGET=aws) or any endpoint
 * (SQS_CONFORMANCE_ENDPOINT=<url>) — and each case's normalised observation compared with
 * fixtures/recordings/<case>.json. SQS_CONFORMANCE_RECORD=1 writes the observations as the new
 * recordings; SQS_CONFORMANCE_REPORT=1|<file.md> prints and writes the report.
 * Run it with `npm run conformance -- [--report] [--record] [--endpoint URL] [--target aws]`.
 */
import { writeFileSync } from 'node:fs';
import { ManualClock, startEmulator, type RunningEmulator } from '../../src/index.js';
import { cases as allCases } from './cases/index.js';
import { requests, type Protocol, type Target } from './client.js';
import { knownDifference } from './known-differences.js';
import { readRecording, reportMarkdown, runCases, Tracker, writeRecordings, type Binding, type CaseResult, type Recording, type Verdict } from './suite.js';

const target: Target = process.env.SQS_CONFORMANCE_TARGET === 'aws' ? 'aws' : process.env.SQS_CONFORMANCE_ENDPOINT ? 'endpoint' : 'emulator';
const protocols: Protocol[] = ['json', 'query'];
// --only PATTERN (SQS_CONFORMANCE_ONLY): run only the cases whose test name matches
const only = process.env.SQS_CONFORMANCE_ONLY ? new RegExp(process.env.SQS_CONFORMANCE_ONLY, 'i') : undefined;
const testName = (k: (typeof allCases)[number]) => `${k.action} ${k.id} [${k.facts.join(',')}]`;
const cases = only ? allCases.filter((k) => only.test(testName(k))) : allCases;
const tracker = new Tracker();
const emulators: RunningEmulator[] = [];
const recordings = new Map<string, Recording | undefined>(cases.map((k) => [k.id, readRecording(k.id)]));
const results = new Map<string, CaseResult>();
const verdicts: { action: string; protocol: Protocol; verdict: Verdict; case: string; reason?: string }[] = [];
let cleaned: string[] | undefined;

beforeAll(async () => {
  let binding: Binding;
  if (target === 'emulator') {
    // strict: AWS's 60-second rules (QueueDeletedRecently, one PurgeQueue per minute)
    const main = await startEmulator({ port: 0, logLevel: 'silent', strict: true });
    const clock = new ManualClock(Date.now());
    const manual = await startEmulator({ port: 0, logLevel: 'silent', strict: true, clock });
    emulators.push(main, manual);
    binding = { target, url: main.url, manual: { url: manual.url, advance: (ms) => clock.advance(ms) } };
  } else binding = { target, url: process.env.SQS_CONFORMANCE_ENDPOINT };
  for (const r of await runCases(cases, binding, tracker, { protocols })) results.set(`${r.case.id}|${r.protocol}`, r);
  const record = process.env.SQS_CONFORMANCE_RECORD;
  if (record) {
    const dir = record === '1' ? undefined : record;
    const written = writeRecordings([...results.values()], target, dir);
    console.log(`recorded ${written.length} cases to ${dir ?? 'fixtures/recordings'} (source: ${target})`);
  }
}, target === 'aws' ? 900_000 : 120_000);

afterAll(async () => {
  cleaned ??= await tracker.cleanup();
  tracker.destroy();
  await Promise.all(emulators.map((e) => e.stop()));
  if (process.env.SQS_CONFORMANCE_REPORT) {
    const md = reportMarkdown(target, verdicts, requests.count);
    const file = process.env.SQS_CONFORMANCE_REPORT === '1' ? new URL('./report.md', import.meta.url) : process.env.SQS_CONFORMANCE_REPORT;
    writeFileSync(file, md);
    console.log(md);
  }
}, 300_000);

describe.each(protocols)(`conformance %s (${target})`, (protocol) => {
  for (const k of cases) {
    test(testName(k), () => {
      const r = results.get(`${k.id}|${protocol}`);
      const tally = (verdict: Verdict, reason?: string): void => {
        for (const action of [k.action, ...(k.also ?? [])]) verdicts.push({ action, protocol, verdict, case: k.id, reason });
      };
      if (!r) throw new Error('the case did not run (see beforeAll)');
      if (r.outcome === 'n/a') return tally('n/a');
      const expected = recordings.get(k.id)?.responses[protocol];
      const known = knownDifference(k.id, target, protocol);
      if (r.outcome === 'error') {
        if (known) return tally('known-different', known.reason);
        tally('failed', r.error);
        throw new Error(`case failed: ${r.error}`);
      }
      if (expected === undefined) {
        tally('failed', 'no recording');
        throw new Error(`no recording for ${k.id} (${protocol}): run with --record against AWS, or write it from aws-behaviours.md`);
      }
      if (known) {
        tally('known-different', known.reason);
        // reported, not skipped: once the difference is gone, this fails and the entry must go
        expect(r.observation).not.toEqual(expected);
        return;
      }
      try {
        expect(r.observation).toEqual(expected);
      } catch (err) {
        tally('failed', 'differs from the recording');
        throw err;
      }
      tally('passed');
    });
  }
});

test('cleanup: no queue with the run prefix is left behind', async () => {
  cleaned = await tracker.cleanup();
  expect(cleaned).toEqual([]);
}, 300_000);
