/**
 * Coverage of the conformance suite, checked: every fact id of aws-behaviours.md is referenced
 * by a case or listed as not testable with a reason; every one of the 23 actions has a case;
 * every error code the reference names appears in a recording; every case has a recording
 * marked with its source; every known difference names a real case.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cases } from './cases/index.js';
import { knownDifferences } from './known-differences.js';
import { caveats, notTestable } from './not-testable.js';
import { readRecording, recordingsDir } from './suite.js';

// A copy of ../shared/reference/aws-behaviours.md lives beside the suite so that a fresh clone
// can check coverage; where the shared original is present, the copy must equal it.
const vendored = new URL('./aws-behaviours.md', import.meta.url);
const shared = new URL('../../../shared/reference/aws-behaviours.md', import.meta.url);
const reference = readFileSync(vendored, 'utf8');

const factIds = [...reference.matchAll(/^\| (F\d+) \|/gm)].map((m) => m[1]);
const covered = new Set(cases.flatMap((k) => k.facts));

test('the vendored aws-behaviours.md equals the shared reference (when present)', () => {
  if (existsSync(shared)) expect(reference).toBe(readFileSync(shared, 'utf8'));
  expect(factIds.length).toBeGreaterThan(100);
  expect(new Set(factIds).size).toBe(factIds.length);
});

test('every fact id is covered by a case or listed as not testable with a reason', () => {
  const listed = new Set(notTestable.map((n) => n.fact));
  const missing = factIds.filter((f) => !covered.has(f) && !listed.has(f));
  expect(missing).toEqual([]);
  for (const n of notTestable) {
    expect(factIds).toContain(n.fact);
    expect(n.reason.length).toBeGreaterThan(10);
    expect(covered.has(n.fact)).toBe(false);
  }
  for (const c of caveats) expect(covered.has(c.fact)).toBe(true);
});

test('cases reference only fact ids that exist (or L, the queue-URL section)', () => {
  const known = new Set([...factIds, 'L']);
  expect([...covered].filter((f) => !known.has(f))).toEqual([]);
});

test('all 23 actions have a case', () => {
  const actions = [
    'AddPermission', 'CancelMessageMoveTask', 'ChangeMessageVisibility', 'ChangeMessageVisibilityBatch', 'CreateQueue',
    'DeleteMessage', 'DeleteMessageBatch', 'DeleteQueue', 'GetQueueAttributes', 'GetQueueUrl', 'ListDeadLetterSourceQueues',
    'ListMessageMoveTasks', 'ListQueueTags', 'ListQueues', 'PurgeQueue', 'ReceiveMessage', 'RemovePermission',
    'SendMessage', 'SendMessageBatch', 'SetQueueAttributes', 'StartMessageMoveTask', 'TagQueue', 'UntagQueue',
  ];
  // an action counts when a case is about it (its report row): `action` or `also`
  const exercised = actions.filter((a) => cases.some((k) => k.action === a || k.also?.includes(a)));
  expect(exercised).toEqual(actions);
  expect(actions).toHaveLength(23);
});

test('every error code named in the reference appears in a recording', () => {
  const codes = new Set<string>();
  for (const m of reference.matchAll(/\b(AWS\.SimpleQueueService\.\w+)/g)) codes.add(m[1]);
  // legacy codes of the F1 pairs ("code ← shape") and the code column of the tables
  for (const m of reference.matchAll(/([A-Z][\w.]+) ←/g)) codes.add(m[1]);
  for (const m of reference.matchAll(/^\| F\d+ \|[^|]*\| ([A-Z][\w.]+)\b(?! \(query code)/gm)) codes.add(m[1]);
  // the F1 pairs name NonExistentQueue etc. without their AWS.SimpleQueueService. prefix
  for (const c of [...codes]) if (codes.has(`AWS.SimpleQueueService.${c}`)) codes.delete(c);
  const all = readdirSync(recordingsDir).map((f) => readFileSync(new URL(f, recordingsDir), 'utf8')).join('\n');
  // as an error code ("code"/"Code" members) or in the x-amzn-query-error header
  const absent = [...codes].filter((c) => !new RegExp(`"[cC]ode": "${c.replace(/\./g, '\\.')}"|"${c};Sender"`).test(all));
  expect([...codes].sort()).toEqual(expect.arrayContaining(['AWS.SimpleQueueService.EmptyBatchRequest', 'ReceiptHandleIsInvalid']));
  expect(absent).toEqual([]);
  expect(codes.size).toBeGreaterThanOrEqual(15);
});

test('every case has a recording marked with its source; ids are unique', () => {
  expect(new Set(cases.map((k) => k.id)).size).toBe(cases.length);
  for (const k of cases) {
    const r = readRecording(k.id);
    expect({ case: k.id, recording: !!r }).toEqual({ case: k.id, recording: true });
    expect(['reference', 'aws']).toContain(r!.source);
    expect(r!.case).toBe(k.id);
    for (const p of k.protocols ?? ['json', 'query']) expect(r!.responses).toHaveProperty(p);
  }
});

test('every known difference names a case and a reason', () => {
  for (const d of knownDifferences) {
    expect(cases.map((k) => k.id)).toContain(d.case);
    expect(d.reason.length).toBeGreaterThan(20);
  }
});
