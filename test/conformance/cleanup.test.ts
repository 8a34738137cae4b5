/**
 * The AWS mode's safety, checked against the emulator acting as the endpoint: every queue a run
 * creates carries the run prefix, and cleanup leaves none behind — in any region used — even
 * when cases fail half-way or create queues outside the tracked client.
 */
import { startEmulator } from '../../src/index.js';
import { cases } from './cases/index.js';
import { makeClient, runPrefix } from './client.js';
import { listAll, runCases, Tracker, type Case } from './suite.js';

test('a run names every queue with its prefix and cleans up everything, even after failures', async () => {
  const endpoint = await startEmulator({ port: 0, logLevel: 'silent', strict: true });
  const tracker = new Tracker();
  const observers = ['us-east-1', 'us-west-2', 'eu-west-1'].map((region) => makeClient({ target: 'endpoint', protocol: 'json', url: endpoint.url, region }));
  try {
    const failing: Case[] = [
      {
        id: 'fails-after-creating',
        action: 'CreateQueue',
        facts: [],
        run: async (x) => {
          await x.queue('left-std');
          await x.fifo('left-fifo');
          await x.inRegion('eu-west-1').send('CreateQueue', { QueueName: x.name('left-other-region') });
          // created by a raw request, outside the tracked SDK client: only the prefix sweep finds it
          await x.c.rawJson('CreateQueue', { QueueName: x.name('left-raw') });
          throw new Error('deliberate failure');
        },
      },
      {
        id: 'fails-before-finishing-a-dlq',
        action: 'CreateQueue',
        facts: [],
        run: async (x) => {
          const dlq = await x.queue('left-dlq');
          await x.queue('left-src', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await x.arn(dlq), maxReceiveCount: 1 }) });
          await x.sendOk(dlq, { MessageBody: 'x' });
          throw new Error('deliberate failure');
        },
      },
    ];
    const picked = cases.filter((k) => ['createQueue-idempotent', 'listQueues-pagination', 'createQueue-same-name-two-regions', 'dlq-move-on-exceeding-receive', 'createQueue-deleted-recently'].includes(k.id));
    const results = await runCases([...picked, ...failing], { target: 'endpoint', url: endpoint.url }, tracker);
    expect(results.filter((r) => r.case.id.startsWith('fails-')).map((r) => r.outcome)).toEqual(['error', 'error', 'error', 'error']);
    expect(results.filter((r) => !r.case.id.startsWith('fails-')).every((r) => r.outcome === 'ran')).toBe(true);

    // every queue on the endpoint, in every region, carries the run prefix
    const before = (await Promise.all(observers.map((o) => listAll(o, '')))).flat();
    expect(before.length).toBeGreaterThan(20);
    expect(before.filter((u) => !u.split('/').pop()!.startsWith(`${runPrefix}-`))).toEqual([]);
    expect(before.some((u) => u.endsWith('-left-raw'))).toBe(true);

    expect(await tracker.cleanup()).toEqual([]);
    for (const o of observers) expect(await listAll(o, '')).toEqual([]);
  } finally {
    tracker.destroy();
    for (const o of observers) o.destroy();
    await endpoint.stop();
  }
});

test('two runs never share a prefix, and the prefix leaves room for the longest case name', () => {
  expect(runPrefix).toMatch(/^conf-[0-9a-z]+$/);
  // queue names are `${runPrefix}-j-<suffix>`: at most 80 characters on AWS
  expect(`${runPrefix}-j-`.length + 'scopeg-withPerGroupLimit.fifo'.length).toBeLessThanOrEqual(80);
});
