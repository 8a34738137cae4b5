import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { SqsEvent } from '../../src/index.js';
import { WaitForTimeout } from '../../src/index.js';
import { emulator, protocols, queueArn, uniqueName } from '../support/clients.js';
import { overBothProtocols } from '../support/overProtocols.js';

/** Spies: the event stream and waitFor, driven by real clients over both protocols. */

overBothProtocols('spies over %s', { clock: 'manual' }, ({ sqs, emu }) => {
  const queue = async (Attributes?: Record<string, string>, fifo = false) => {
    const name = uniqueName('spy') + (fifo ? '.fifo' : '');
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;
    return { name, url };
  };

  test('waitFor resolves with a message sent before it was called (history), with body, attributes and ids', async () => {
    const { name, url } = await queue();
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: '{"order":42}',
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: 'order' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 255]) },
        },
      }),
    );
    const message = await emu.server.waitFor({ queue: name, event: 'sent' });
    expect(message.messageId).toBe(sent.MessageId);
    expect(message.body).toBe('{"order":42}');
    expect(message.md5OfBody).toBe(sent.MD5OfMessageBody);
    expect(message.messageAttributes.kind).toEqual({ DataType: 'String', StringValue: 'order' });
    expect(Buffer.from(message.messageAttributes.blob!.BinaryValue!)).toEqual(Buffer.from([0, 1, 255]));
    expect(message.sentTimestamp).toBe(emu.server.clock.now());
    expect(message.event).toMatchObject({ type: 'sent', queue: { name, region: 'us-east-1', accountId: '000000000000' } });
  });

  test('waitFor resolves as soon as a matching message is sent later; others are skipped', async () => {
    const { url } = await queue();
    const waiting = emu.server.waitFor({ queue: url, match: (m) => m.body.includes('"paid"') });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"status":"new"}' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"status":"paid"}' }));
    expect((await waiting).body).toBe('{"status":"paid"}');
  });

  test('received, visibilityChanged and deleted events carry the receipt handle and counts', async () => {
    const { name, url } = await queue();
    const arn = await queueArn(sqs, url);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'life' }));
    const [m] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages!;
    const received = await emu.server.waitFor({ queue: arn, event: 'received' });
    expect(received.receiptHandle).toBe(m!.ReceiptHandle);
    expect(received.receiveCount).toBe(1);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m!.ReceiptHandle, VisibilityTimeout: 300 }));
    const changed = await emu.server.waitFor({ queue: name, event: 'visibilityChanged' });
    expect(changed.event.visibilityTimeout).toBe(300);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m!.ReceiptHandle }));
    const deleted = await emu.server.waitFor({ queue: name, event: ['deleted', 'expired'] });
    expect(deleted.event.type).toBe('deleted');
    expect(deleted.messageId).toBe(m!.MessageId);
  });

  test('movedToDeadLetterQueue names both queues; FIFO messages carry group and dedup ids', async () => {
    const dlq = await queue({ FifoQueue: 'true' }, true);
    const dlqArn = await queueArn(sqs, dlq.url);
    const src = await queue(
      { FifoQueue: 'true', VisibilityTimeout: '0', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) },
      true,
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: src.url, MessageBody: 'poison', MessageGroupId: 'g1', MessageDeduplicationId: 'd1' }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: src.url }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: src.url }));
    const moved = await emu.server.waitFor({ queue: src.name, event: 'movedToDeadLetterQueue' });
    expect(moved.body).toBe('poison');
    expect(moved.groupId).toBe('g1');
    expect(moved.deduplicationId).toBe('d1');
    expect(moved.sequenceNumber).toMatch(/^\d{20}$/);
    expect(moved.event.deadLetterQueue?.name).toBe(dlq.name);
  });

  test('expired follows the manual clock; purged is an event with a count', async () => {
    const { name, url } = await queue({ MessageRetentionPeriod: '60' });
    const seen: SqsEvent[] = [];
    const stop = emu.server.events.subscribe((e) => {
      if (e.queue.name === name) seen.push(e);
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'short-lived' }));
    emu.server.clock.advance(60_000);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b' }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    stop();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'after unsubscribe' }));
    expect(seen.map((e) => [e.type, e.message?.body ?? e.count])).toEqual([
      ['sent', 'short-lived'],
      ['expired', 'short-lived'],
      ['sent', 'a'],
      ['sent', 'b'],
      ['purged', 2],
    ]);
    expect(seen[1]!.at - seen[0]!.at).toBe(60_000);
  });

  test('a timeout rejects with what was seen instead', async () => {
    const { name, url } = await queue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'not this one' }));
    const error = await emu.server.waitFor({ queue: name, match: (m) => m.body === 'that one', timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitForTimeout);
    const text = (error as Error).message;
    expect(text).toContain(`no sent event on queue "${name}" matching the predicate within 50 ms`);
    expect(text).toContain(`sent on ${name}: "not this one"`);
    const nothing = await emu.server.waitFor({ queue: 'no-such-queue', timeoutMs: 20, history: false }).catch((e: unknown) => e);
    expect((nothing as Error).message).toContain('No events were seen at all.');
  });
});

describe('event history', () => {
  test('is bounded, can be cleared, and is off (inactive) with eventHistory 0', async () => {
    const server = await emulator({ eventHistory: 3 });
    const off = await emulator({ eventHistory: 0, metrics: false });
    try {
      const sqs = protocols[0][1](server.url);
      const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'h' }))).QueueUrl!;
      for (const b of ['1', '2', '3', '4', '5']) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: b }));
      expect(server.events.history().map((e) => e.message!.body)).toEqual(['3', '4', '5']);
      await expect(server.waitFor({ match: (m) => m.body === '1', timeoutMs: 20 })).rejects.toThrow(WaitForTimeout);
      server.events.clear();
      expect(server.events.history()).toEqual([]);

      expect(off.engine.changes.messages).toBe(false);
      const listener = (): void => undefined;
      off.events.subscribe(listener);
      expect(off.engine.changes.messages).toBe(true);
      off.events.unsubscribe(listener);
      expect(off.engine.changes.messages).toBe(false);
      await expect(off.waitFor({ queue: '::bad', timeoutMs: 10 })).rejects.toThrow(WaitForTimeout);
      await expect(off.waitFor({ queue: 'http://[bad/x', timeoutMs: 10 })).rejects.toThrow(/neither a queue name, URL nor ARN/);
    } finally {
      await server.stop();
      await off.stop();
    }
  });
});
