import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type Message,
  type ReceiveMessageCommandInput,
} from '@aws-sdk/client-sqs';
import { uniqueName } from '../support/clients.js';
import { overBothProtocols } from '../support/overProtocols.js';
import { expectError, raw, waitingReceives, type ExpectedError } from '../support/wire.js';

/**
 * Visibility timeouts, receipt handles, delays, retention, long polling and PurgeQueue on
 * standard queues, over both protocols. Time is a ManualClock: it moves only on
 * clock.advance(ms). Two bounded real-time long-poll checks run on the system clock.
 */

const S = 1_000;

overBothProtocols('visibility over %s (manual clock)', { clock: 'manual' }, ({ sqs, protocol, target: t, clock, emu }) => {
  const newQueue = async (Attributes?: Record<string, string>): Promise<string> =>
    (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('vis'), Attributes }))).QueueUrl!;

  const send = async (QueueUrl: string, MessageBody = 'body', DelaySeconds?: number) =>
    sqs.send(new SendMessageCommand({ QueueUrl, MessageBody, DelaySeconds }));

  const receive = async (QueueUrl: string, input: Omit<ReceiveMessageCommandInput, 'QueueUrl'> = {}): Promise<Message[]> =>
    (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ...input }))).Messages ?? [];

  const receiveOne = async (QueueUrl: string, input: Omit<ReceiveMessageCommandInput, 'QueueUrl'> = {}): Promise<Message> => {
    const messages = await receive(QueueUrl, { AttributeNames: ['All'], ...input });
    expect(messages).toHaveLength(1);
    return messages[0]!;
  };

  const counts = async (QueueUrl: string): Promise<[number, number, number]> => {
    const { Attributes: a } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    return [Number(a!.ApproximateNumberOfMessages), Number(a!.ApproximateNumberOfMessagesNotVisible), Number(a!.ApproximateNumberOfMessagesDelayed)];
  };

  const changeVisibility = (QueueUrl: string, ReceiptHandle: string, VisibilityTimeout: number) =>
    sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle, VisibilityTimeout }));

  describe('visibility timeout', () => {
    test('an undeleted message reappears after the queue timeout with the same body and a new handle (F66, F71)', async () => {
      const QueueUrl = await newQueue({ VisibilityTimeout: '10' });
      const sent = await send(QueueUrl, 'come back');
      const first = await receiveOne(QueueUrl);
      expect(await counts(QueueUrl)).toEqual([0, 1, 0]);
      clock.advance(10 * S - 1);
      expect(await receive(QueueUrl)).toEqual([]);
      clock.advance(1);
      expect(await counts(QueueUrl)).toEqual([1, 0, 0]);
      const second = await receiveOne(QueueUrl);
      expect(second.MessageId).toBe(sent.MessageId);
      expect(second.Body).toBe('come back');
      expect(second.ReceiptHandle).not.toBe(first.ReceiptHandle);
      expect(second.Attributes!.ApproximateReceiveCount).toBe('2');
    });

    test('6 messages, 1 received: 5 visible and 1 in flight, then 6 visible after the timeout (F56)', async () => {
      const QueueUrl = await newQueue({ VisibilityTimeout: '5' });
      for (let i = 0; i < 6; i++) await send(QueueUrl, `m${i}`);
      await receiveOne(QueueUrl, { MaxNumberOfMessages: 1 });
      expect(await counts(QueueUrl)).toEqual([5, 1, 0]);
      clock.advance(5 * S);
      expect(await counts(QueueUrl)).toEqual([6, 0, 0]);
    });

    test('the default VisibilityTimeout is 30 seconds', async () => {
      const QueueUrl = await newQueue();
      await send(QueueUrl);
      await receiveOne(QueueUrl);
      clock.advance(30 * S - 1);
      expect(await receive(QueueUrl)).toEqual([]);
      clock.advance(1);
      await receiveOne(QueueUrl);
    });

    test('VisibilityTimeout=0 on receive leaves the message receivable; a receive without it hides it (F67)', async () => {
      const QueueUrl = await newQueue({ VisibilityTimeout: '20' });
      const sent = await send(QueueUrl);
      const a = await receiveOne(QueueUrl, { VisibilityTimeout: 0 });
      const b = await receiveOne(QueueUrl, { VisibilityTimeout: 0 });
      expect(b.MessageId).toBe(sent.MessageId);
      expect(b.ReceiptHandle).not.toBe(a.ReceiptHandle);
      await receiveOne(QueueUrl);
      expect(await receive(QueueUrl)).toEqual([]);
      clock.advance(19 * S);
      expect(await receive(QueueUrl)).toEqual([]);
      clock.advance(1 * S);
      expect((await receiveOne(QueueUrl)).Attributes!.ApproximateReceiveCount).toBe('4');
    });

    test('the ReceiveMessage VisibilityTimeout overrides the queue default for that receive (F68)', async () => {
      const QueueUrl = await newQueue({ VisibilityTimeout: '300' });
      await send(QueueUrl);
      await receiveOne(QueueUrl, { VisibilityTimeout: 5 });
      clock.advance(5 * S - 1);
      expect(await receive(QueueUrl)).toEqual([]);
      clock.advance(1);
      await receiveOne(QueueUrl, { VisibilityTimeout: 3600 });
      clock.advance(300 * S);
      expect(await receive(QueueUrl)).toEqual([]);
      clock.advance(3300 * S);
      await receiveOne(QueueUrl);
    });

    test('ChangeMessageVisibility to 0 makes the message receivable at once, but not for good (F69)', async () => {
      const QueueUrl = await newQueue({ VisibilityTimeout: '60' });
      await send(QueueUrl);
      const { ReceiptHandle } = await receiveOne(QueueUrl);
      await changeVisibility(QueueUrl, ReceiptHandle!, 0);
      expect(await counts(QueueUrl)).toEqual([1, 0, 0]);
      await receiveOne(QueueUrl);
      expect(await receive(QueueUrl)).toEqual([]);
      clock.advance(60 * S);
      await receiveOne(QueueUrl);
    });

    test('repeated ChangeMessageVisibility keeps a message hidden beyond its original timeout (F70)', async () => {
      const QueueUrl = await newQueue({ VisibilityTimeout: '2' });
      await send(QueueUrl);
      const { ReceiptHandle } = await receiveOne(QueueUrl);
      for (let i = 0; i < 4; i++) {
        await changeVisibility(QueueUrl, ReceiptHandle!, 2);
        clock.advance(1 * S);
        expect(await receive(QueueUrl)).toEqual([]);
      }
      clock.advance(1 * S);
      await receiveOne(QueueUrl);
    });

    test('the new timeout counts from the change, not from the receive', async () => {
      const QueueUrl = await newQueue({ VisibilityTimeout: '10' });
      await send(QueueUrl);
      const { ReceiptHandle } = await receiveOne(QueueUrl);
      clock.advance(8 * S);
      await changeVisibility(QueueUrl, ReceiptHandle!, 5);
      clock.advance(5 * S - 1);
      expect(await receive(QueueUrl)).toEqual([]);
      clock.advance(1);
      await receiveOne(QueueUrl);
    });

    test('ChangeMessageVisibility with a handle whose visibility expired succeeds with an empty 200 (F58)', async () => {
      const QueueUrl = await newQueue({ VisibilityTimeout: '1' });
      await send(QueueUrl);
      const { ReceiptHandle } = await receiveOne(QueueUrl);
      clock.advance(2 * S);
      const res = await raw(protocol, emu.url, 'ChangeMessageVisibility', { QueueUrl, ReceiptHandle, VisibilityTimeout: 10 });
      expect(res.status).toBe(200);
      if (protocol === 'json') {
        expect(['', '{}']).toContain(res.text);
      } else {
        // An action without output: ResponseMetadata only, no Result element.
        expect(Object.keys(res.body.ChangeMessageVisibilityResponse).filter((k) => !k.startsWith('@_'))).toEqual(['ResponseMetadata']);
      }
      await changeVisibility(QueueUrl, ReceiptHandle!, 10);
    });
  });

  describe('receipt handles', () => {
    const invalidHandle = (handle: string): ExpectedError => ({
      name: 'ReceiptHandleIsInvalid',
      code: 'ReceiptHandleIsInvalid',
      shape: 'ReceiptHandleIsInvalid',
      status: 400,
      message: `The input receipt handle "${handle}" is not a valid receipt handle.`,
    });

    test('a malformed handle is ReceiptHandleIsInvalid (400, as recorded) for ChangeMessageVisibility and DeleteMessage (F59, F60)', async () => {
      const QueueUrl = await newQueue();
      await expectError(t, ChangeMessageVisibilityCommand, { QueueUrl, ReceiptHandle: 'INVALID', VisibilityTimeout: 60 }, invalidHandle('INVALID'));
      await expectError(t, DeleteMessageCommand, { QueueUrl, ReceiptHandle: 'garbage' }, invalidHandle('garbage'));
    });

    test('ChangeMessageVisibility on a deleted message is InvalidParameterValue (F61)', async () => {
      const QueueUrl = await newQueue();
      await send(QueueUrl);
      const { ReceiptHandle } = await receiveOne(QueueUrl);
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle }));
      await expectError(t, ChangeMessageVisibilityCommand, { QueueUrl, ReceiptHandle, VisibilityTimeout: 10 }, {
        name: 'InvalidParameterValue',
        code: 'InvalidParameterValue',
        shape: 'InvalidParameterValueException',
        status: 400,
        message: `Value ${ReceiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      });
    });

    test('on a standard queue a handle from an expired receive still deletes the message (F63)', async () => {
      const QueueUrl = await newQueue({ VisibilityTimeout: '1' });
      await send(QueueUrl);
      const { ReceiptHandle } = await receiveOne(QueueUrl);
      clock.advance(2 * S);
      expect(await counts(QueueUrl)).toEqual([1, 0, 0]);
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle }));
      expect(await counts(QueueUrl)).toEqual([0, 0, 0]);
      expect(await receive(QueueUrl)).toEqual([]);
    });

    test('deleting with the latest handle of a message received twice deletes it', async () => {
      const QueueUrl = await newQueue({ VisibilityTimeout: '1' });
      await send(QueueUrl);
      await receiveOne(QueueUrl);
      clock.advance(1 * S);
      const { ReceiptHandle } = await receiveOne(QueueUrl);
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle }));
      clock.advance(5 * S);
      expect(await counts(QueueUrl)).toEqual([0, 0, 0]);
    });
  });

  describe('delays', () => {
    test('a per-message DelaySeconds hides the message until the delay has passed', async () => {
      const QueueUrl = await newQueue();
      await send(QueueUrl, 'later', 5);
      expect(await counts(QueueUrl)).toEqual([0, 0, 1]);
      expect(await receive(QueueUrl)).toEqual([]);
      clock.advance(5 * S - 1);
      expect(await receive(QueueUrl)).toEqual([]);
      clock.advance(1);
      expect(await counts(QueueUrl)).toEqual([1, 0, 0]);
      expect((await receiveOne(QueueUrl)).Body).toBe('later');
    });

    test('the queue DelaySeconds delays every message; a per-message value overrides it (F104 with a manual clock)', async () => {
      const QueueUrl = await newQueue({ DelaySeconds: '10' });
      await send(QueueUrl, 'queue delay');
      await send(QueueUrl, 'no delay', 0);
      await send(QueueUrl, 'short delay', 2);
      expect(await counts(QueueUrl)).toEqual([1, 0, 2]);
      expect((await receive(QueueUrl)).map((m) => m.Body)).toEqual(['no delay']);
      clock.advance(2 * S);
      expect((await receive(QueueUrl)).map((m) => m.Body)).toEqual(['short delay']);
      clock.advance(8 * S - 1);
      expect(await receive(QueueUrl)).toEqual([]);
      clock.advance(1);
      expect((await receive(QueueUrl)).map((m) => m.Body)).toEqual(['queue delay']);
    });

    test('changing the queue DelaySeconds does not move messages already sent', async () => {
      const QueueUrl = await newQueue({ DelaySeconds: '10' });
      await send(QueueUrl, 'old');
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { DelaySeconds: '0' } }));
      await send(QueueUrl, 'new');
      expect((await receive(QueueUrl)).map((m) => m.Body)).toEqual(['new']);
      clock.advance(10 * S);
      expect((await receive(QueueUrl)).map((m) => m.Body)).toEqual(['old']);
    });

    test('a DelaySeconds above 900 is InvalidParameterValue', async () => {
      const QueueUrl = await newQueue();
      await expectError(t, SendMessageCommand, { QueueUrl, MessageBody: 'x', DelaySeconds: 901 }, {
        name: 'InvalidParameterValue',
        code: 'InvalidParameterValue',
        shape: 'InvalidParameterValueException',
        status: 400,
      });
      await send(QueueUrl, 'max', 900);
      clock.advance(900 * S);
      await receiveOne(QueueUrl);
    });
  });

  describe('retention', () => {
    test('MessageRetentionPeriod expires visible and in-flight messages; their handles still delete (F159)', async () => {
      const QueueUrl = await newQueue({ MessageRetentionPeriod: '60', VisibilityTimeout: '600' });
      await send(QueueUrl, 'in flight');
      const { ReceiptHandle } = await receiveOne(QueueUrl);
      clock.advance(30 * S);
      await send(QueueUrl, 'younger');
      await send(QueueUrl, 'visible');
      await receiveOne(QueueUrl, { MaxNumberOfMessages: 1, VisibilityTimeout: 0 });
      expect(await counts(QueueUrl)).toEqual([2, 1, 0]);
      clock.advance(29 * S);
      expect(await counts(QueueUrl)).toEqual([2, 1, 0]);
      clock.advance(2 * S);
      // The first message is gone although it was in flight; the two younger ones remain.
      expect(await counts(QueueUrl)).toEqual([2, 0, 0]);
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle }));
      await expect(changeVisibility(QueueUrl, ReceiptHandle!, 5)).rejects.toMatchObject({ name: 'InvalidParameterValue' });
      clock.advance(30 * S);
      expect(await counts(QueueUrl)).toEqual([0, 0, 0]);
      expect(await receive(QueueUrl)).toEqual([]);
    });

    test('shortening the retention of a queue expires old messages', async () => {
      const QueueUrl = await newQueue();
      await send(QueueUrl, 'old');
      clock.advance(120 * S);
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { MessageRetentionPeriod: '60' } }));
      expect(await receive(QueueUrl)).toEqual([]);
      expect(await counts(QueueUrl)).toEqual([0, 0, 0]);
    });
  });

  describe('long polling (manual clock)', () => {
    test('a waiting receive returns when advancing the clock makes a delayed message visible (F104)', async () => {
      const QueueUrl = await newQueue();
      await send(QueueUrl, 'delayed', 3);
      const polling = receive(QueueUrl, { WaitTimeSeconds: 20 });
      await waitingReceives(emu.server, QueueUrl);
      clock.advance(3 * S);
      expect((await polling).map((m) => m.Body)).toEqual(['delayed']);
    });

    test('a waiting receive returns when another message is sent (F103)', async () => {
      const QueueUrl = await newQueue();
      const polling = receive(QueueUrl, { WaitTimeSeconds: 20 });
      await waitingReceives(emu.server, QueueUrl);
      await send(QueueUrl, 'arrived');
      expect((await polling).map((m) => m.Body)).toEqual(['arrived']);
    });

    test('the queue ReceiveMessageWaitTimeSeconds applies when WaitTimeSeconds is omitted (F103)', async () => {
      const QueueUrl = await newQueue({ ReceiveMessageWaitTimeSeconds: '10' });
      const polling = receive(QueueUrl);
      await waitingReceives(emu.server, QueueUrl);
      await send(QueueUrl, 'default wait');
      expect((await polling).map((m) => m.Body)).toEqual(['default wait']);
      // WaitTimeSeconds=0 overrides the queue's default: an immediate empty answer.
      expect(await receive(QueueUrl, { WaitTimeSeconds: 0 })).toEqual([]);
    });

    test('a waiting receive returns when an in-flight message becomes visible again', async () => {
      const QueueUrl = await newQueue({ VisibilityTimeout: '30' });
      await send(QueueUrl, 'retry');
      await receiveOne(QueueUrl);
      const polling = receive(QueueUrl, { WaitTimeSeconds: 20, MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
      await waitingReceives(emu.server, QueueUrl);
      clock.advance(19 * S);
      clock.advance(1 * S);
      // The poll timed out at 20 s of a 30 s visibility: empty.
      expect(await polling).toEqual([]);
      const again = receive(QueueUrl, { WaitTimeSeconds: 20, MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
      await waitingReceives(emu.server, QueueUrl);
      clock.advance(10 * S);
      const messages = await again;
      expect(messages.map((m) => [m.Body, m.Attributes!.ApproximateReceiveCount])).toEqual([['retry', '2']]);
    });

    test('an unanswered long poll ends empty when its wait time passes on the clock', async () => {
      const QueueUrl = await newQueue();
      const polling = receive(QueueUrl, { WaitTimeSeconds: 5 });
      await waitingReceives(emu.server, QueueUrl);
      clock.advance(5 * S);
      expect(await polling).toEqual([]);
      // A message sent after the poll ended is still there for the next receive.
      await send(QueueUrl, 'after');
      expect((await receive(QueueUrl)).map((m) => m.Body)).toEqual(['after']);
    });
  });

  describe('PurgeQueue', () => {
    test('removes visible, in-flight and delayed messages; sending afterwards works (F158)', async () => {
      const QueueUrl = await newQueue();
      await send(QueueUrl, 'visible');
      await send(QueueUrl, 'in flight');
      await send(QueueUrl, 'delayed', 60);
      await receiveOne(QueueUrl, { MaxNumberOfMessages: 1 });
      expect(await counts(QueueUrl)).toEqual([1, 1, 1]);
      const res = await raw(protocol, emu.url, 'PurgeQueue', { QueueUrl });
      expect(res.status).toBe(200);
      expect(await counts(QueueUrl)).toEqual([0, 0, 0]);
      clock.advance(60 * S);
      expect(await receive(QueueUrl)).toEqual([]);
      await send(QueueUrl, 'after purge');
      expect((await receive(QueueUrl)).map((m) => m.Body)).toEqual(['after purge']);
    });

    test('without strict mode a second purge within 60 s succeeds', async () => {
      const QueueUrl = await newQueue();
      await sqs.send(new PurgeQueueCommand({ QueueUrl }));
      await send(QueueUrl, 'between purges');
      await sqs.send(new PurgeQueueCommand({ QueueUrl }));
      expect(await counts(QueueUrl)).toEqual([0, 0, 0]);
    });
  });
});

overBothProtocols('strict PurgeQueue over %s', { strict: true, clock: 'manual' }, ({ target: t, clock }) => {
  test('a second PurgeQueue within 60 s is PurgeQueueInProgress, HTTP 403 (F9, F157)', async () => {
    const name = uniqueName('purge');
    const { QueueUrl } = await t.sqs.send(new CreateQueueCommand({ QueueName: name }));
    await t.sqs.send(new PurgeQueueCommand({ QueueUrl }));
    clock.advance(59 * S);
    const inProgress: ExpectedError = {
      name: 'PurgeQueueInProgress',
      code: 'AWS.SimpleQueueService.PurgeQueueInProgress',
      shape: 'PurgeQueueInProgress',
      status: 403,
      message: `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`,
    };
    await expectError(t, PurgeQueueCommand, { QueueUrl }, inProgress);
    clock.advance(1 * S);
    await t.sqs.send(new PurgeQueueCommand({ QueueUrl }));
    await expectError(t, PurgeQueueCommand, { QueueUrl }, inProgress);
  });
});

overBothProtocols('long polling over %s (real clock)', {}, ({ sqs }) => {
  test('WaitTimeSeconds=5 returns within about a second when a message arrives 200 ms later (F102, F103)', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('lp') }));
    const started = Date.now();
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
    await new Promise((r) => setTimeout(r, 200));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'wake up' }));
    const { Messages } = await polling;
    const elapsed = Date.now() - started;
    expect(Messages?.map((m) => m.Body)).toEqual(['wake up']);
    expect(elapsed).toBeLessThan(1_500);
  });

  test('an empty 1 s long poll returns empty after about a second (F101)', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('lp') }));
    const started = Date.now();
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    const elapsed = Date.now() - started;
    expect(Messages).toBeUndefined();
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(3_000);
  });
});
