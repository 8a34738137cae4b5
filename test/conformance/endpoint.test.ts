/**
 * Endpoint mode (`--endpoint URL`): the binding used for SQS_CONFORMANCE_ENDPOINT, pointed at a
 * second emulator instance, runs cases and matches the same recordings.
 */
import { startEmulator } from '../../src/index.js';
import { queueUrlsOn, requestsOn } from '../support/observe.js';
import { cases } from './cases/index.js';
import { readRecording, runCases, Tracker } from './suite.js';

test('the suite bound to a second emulator instance as an endpoint matches the recordings', async () => {
  const second = await startEmulator({ port: 0, logLevel: 'silent', strict: true });
  const tracker = new Tracker();
  try {
    const picked = cases.filter((k) => ['getQueueUrl-missing', 'sendMessage-md5', 'createQueue-idempotent', 'fifo-send-without-group', 'receive-message-attribute-filters'].includes(k.id));
    const results = await runCases(picked, { target: 'endpoint', url: second.url }, tracker);
    expect(results).toHaveLength(picked.length * 2);
    for (const r of results) {
      expect({ case: r.case.id, protocol: r.protocol, outcome: r.outcome, observation: r.observation }).toEqual({
        case: r.case.id,
        protocol: r.protocol,
        outcome: 'ran',
        observation: readRecording(r.case.id)?.responses[r.protocol],
      });
    }
    // the queues really were created on the second instance, and the cleanup deleted them there
    expect(tracker.created.length).toBeGreaterThan(0);
    expect(tracker.created.every((c) => c.url.startsWith(second.url))).toBe(true);
    expect(await queueUrlsOn(second.url)).toEqual([...new Set(tracker.created.map((c) => c.url))].sort());
    for (const protocol of ['json', 'query'] as const) {
      expect(await requestsOn(second.url, 'GetQueueUrl', protocol)).toEqual({ '400': 1 });
      expect(await requestsOn(second.url, 'SendMessage', protocol)).toMatchObject({ '200': expect.any(Number) });
    }
    expect(await tracker.cleanup()).toEqual([]);
    expect(await queueUrlsOn(second.url)).toEqual([]);
  } finally {
    tracker.destroy();
    await second.stop();
  }
});
