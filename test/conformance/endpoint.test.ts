/** Endpoint mode: the binding used for SQS_CONFORMANCE_ENDPOINT, pointed at a second emulator instance. */
import { readFileSync } from 'node:fs';
import { emulator } from '../support/clients.js';
import { endpointClient, runPrefix } from './client.js';

test.each(['json', 'query'] as const)('endpoint binding against a second emulator (%s) matches the recording [F5]', async (protocol) => {
  const second = await emulator();
  const c = endpointClient(second.url, protocol);
  try {
    expect(c.target).toBe('endpoint');
    const rec = JSON.parse(readFileSync(new URL('../../fixtures/recordings/getQueueUrl-missing.json', import.meta.url), 'utf8'));
    const r = await c.send('GetQueueUrl', { QueueName: `${runPrefix}-endpoint-missing` });
    expect({ status: r.status, code: r.code, message: r.message }).toEqual(rec.responses[protocol]);
  } finally {
    c.destroy();
    await second.stop();
  }
});
