import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { RunningEmulator } from '../../src/index.js';
import type { Queue } from '../../src/engine/queue.js';
import { md5Hex } from '../../src/engine/md5.js';
import { uniqueName } from '../support/clients.js';
import { overBothProtocols, useEmulator } from '../support/overProtocols.js';

const emu = useEmulator();

const scope = { region: 'us-east-1', accountId: '000000000000' };

/** Fills a queue through the engine directly (fast) and takes `inflight` of them in flight. */
function filled(fifo: boolean, count: number, inflight: number, groups = 1): Queue {
  const name = fifo ? `${uniqueName('lim')}.fifo` : uniqueName('lim');
  const queue = emu.server.engine.createQueue(scope, { name, fifo, attributes: {}, tags: new Map() });
  for (let i = 0; i < count; i++) {
    const body = `m${i}`;
    queue.send(
      {
        id: `id-${name.replace(/\W/g, '')}-${i}`,
        body,
        md5OfBody: md5Hex(body),
        sentTimestamp: Date.now(),
        senderId: scope.accountId,
        groupId: fifo ? `g${i % groups}` : undefined,
        deduplicationId: fifo ? `d${i}` : undefined,
      },
      undefined,
    );
  }
  let taken = 0;
  while (taken < inflight) taken += queue.receive({ maxNumberOfMessages: 10 }).length;
  return queue;
}

overBothProtocols('in-flight limits over %s', emu, ({ sqs }) => {
  test('a standard queue with 120,000 messages in flight answers a short poll with OverLimit (403)', async () => {
    const queue = filled(false, 120_001, 120_000);
    expect(queue.approximateNumberOfMessagesNotVisible).toBe(120_000);
    const QueueUrl = `${emu.url}/000000000000/${queue.name}`;
    await expect(sqs.send(new ReceiveMessageCommand({ QueueUrl }))).rejects.toMatchObject({
      name: 'OverLimit',
      $metadata: { httpStatusCode: 403 },
    });
    // A long poll gets no error, just nothing while the limit holds.
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }))).Messages).toBeUndefined();
  }, 60_000);

  test('100,000 FIFO groups: every receive takes the next group, without scanning them all', async () => {
    const queue = filled(true, 100_000, 0, 100_000);
    const QueueUrl = `${emu.url}/000000000000/${queue.name}`;
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(Messages!.map((m) => m.Body)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    let received = 10;
    for (;;) {
      const batch = queue.receive({ maxNumberOfMessages: 10 });
      if (batch.length === 0) break;
      received += batch.length;
    }
    expect(received).toBe(100_000);
  }, 60_000);
});
