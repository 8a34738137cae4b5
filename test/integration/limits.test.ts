import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { RunningEmulator } from '../../src/index.js';
import type { QueueInfo } from '../../src/engine/address.js';
import { uniqueName } from '../support/clients.js';
import { overBothProtocols, useEmulator } from '../support/overProtocols.js';

const emu = useEmulator();

const scope = { region: 'us-east-1', accountId: '000000000000' };

/** Fills a queue through the engine directly (fast) and takes `inflight` of them in flight. */
async function filled(fifo: boolean, count: number, inflight: number, groups = 1): Promise<QueueInfo> {
  const name = fifo ? `${uniqueName('lim')}.fifo` : uniqueName('lim');
  const { engine } = emu.server;
  const queue = engine.createQueue({ ...scope, name }, { fifo, attributes: {}, tags: new Map() });
  const options = { batch: false, senderId: scope.accountId };
  for (let i = 0; i < count; i++) {
    engine.sendMessage(queue, fifo ? { MessageBody: `m${i}`, MessageGroupId: `g${i % groups}`, MessageDeduplicationId: `d${i}` } : { MessageBody: `m${i}` }, options);
  }
  let taken = 0;
  while (taken < inflight) taken += (await engine.receiveMessages(queue, { maxNumberOfMessages: 10 })).messages.length;
  return queue;
}

overBothProtocols('in-flight limits over %s', emu, ({ sqs }) => {
  test('a standard queue with 120,000 messages in flight answers a short poll with OverLimit (403)', async () => {
    const queue = await filled(false, 120_001, 120_000);
    expect(emu.server.engine.stats(queue).inflight).toBe(120_000);
    const QueueUrl = `${emu.url}/000000000000/${queue.name}`;
    await expect(sqs.send(new ReceiveMessageCommand({ QueueUrl }))).rejects.toMatchObject({
      name: 'OverLimit',
      $metadata: { httpStatusCode: 403 },
    });
    // A long poll gets no error, just nothing while the limit holds.
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }))).Messages).toBeUndefined();
  }, 60_000);

  test('100,000 FIFO groups: every receive takes the next group, without scanning them all', async () => {
    const queue = await filled(true, 100_000, 0, 100_000);
    const QueueUrl = `${emu.url}/000000000000/${queue.name}`;
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(Messages!.map((m) => m.Body)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    let received = 10;
    for (;;) {
      const batch = (await emu.server.engine.receiveMessages(queue, { maxNumberOfMessages: 10 })).messages;
      if (batch.length === 0) break;
      received += batch.length;
    }
    expect(received).toBe(100_000);
  }, 60_000);
});
