import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type Message,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import { ManualClock } from '../../src/index.js';
import { uniqueName } from '../support/clients.js';
import { expectError, items, md5Hex, raw, result, type ExpectedError, type Input } from '../support/wire.js';
import { overBothProtocols, useEmulator } from '../support/overProtocols.js';

/**
 * SendMessageBatch, DeleteMessageBatch and ChangeMessageVisibilityBatch on standard queues,
 * over both protocols: whole-request errors with AWS's codes and messages, per-entry
 * failures as data in an HTTP 200. Time is a ManualClock.
 */

const clock = new ManualClock();
const emu = useEmulator({ clock });

const S = 1_000;

const sqsError = (shape: string, message?: string): ExpectedError => ({
  name: shape,
  code: `AWS.SimpleQueueService.${shape}`,
  shape,
  status: 400,
  ...(message !== undefined ? { message } : {}),
});

const INVALID_ID = 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.';

overBothProtocols('batches over %s', emu, ({ sqs, protocol, target: t }) => {
  const newQueue = async (Attributes?: Record<string, string>): Promise<string> =>
    (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('batch'), Attributes }))).QueueUrl!;

  const counts = async (QueueUrl: string): Promise<[number, number]> => {
    const { Attributes: a } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return [Number(a!.ApproximateNumberOfMessages), Number(a!.ApproximateNumberOfMessagesNotVisible)];
  };

  const receiveAll = async (QueueUrl: string, VisibilityTimeout = 30): Promise<Message[]> => {
    const out: Message[] = [];
    for (;;) {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout }));
      if (!Messages) return out;
      out.push(...Messages);
    }
  };

  const sendEntries = (n: number, body = (i: number) => `body-${i}`): SendMessageBatchRequestEntry[] =>
    Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, MessageBody: body(i) }));

  /** The three batch actions with entries of the right shape for `ids`. */
  const batchCases = (QueueUrl: string, ids: string[]) =>
    [
      [SendMessageBatchCommand, { QueueUrl, Entries: ids.map((Id) => ({ Id, MessageBody: 'x' })) }, 'SendMessageBatchRequestEntry'],
      [DeleteMessageBatchCommand, { QueueUrl, Entries: ids.map((Id) => ({ Id, ReceiptHandle: 'handle' })) }, 'DeleteMessageBatchRequestEntry'],
      [
        ChangeMessageVisibilityBatchCommand,
        { QueueUrl, Entries: ids.map((Id) => ({ Id, ReceiptHandle: 'handle', VisibilityTimeout: 5 })) },
        'ChangeMessageVisibilityBatchRequestEntry',
      ],
    ] as const;

  describe('SendMessageBatch', () => {
    test('sends every entry; Successful carries ids and digests, Failed is present and empty', async () => {
      const QueueUrl = await newQueue();
      const Entries: SendMessageBatchRequestEntry[] = [
        { Id: 'plain', MessageBody: 'message' },
        { Id: 'attrs', MessageBody: 'with attributes', MessageAttributes: { Foo: { DataType: 'String', StringValue: 'Bar' } } },
        {
          Id: 'traced',
          MessageBody: 'with trace',
          MessageSystemAttributes: {
            AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1' },
          },
        },
        { Id: 'fair-1', MessageBody: 'grouped', MessageGroupId: 'tenant' },
      ];
      const { Successful, Failed } = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
      expect(Failed ?? []).toEqual([]);
      expect(Successful!.map((s) => s.Id)).toEqual(['plain', 'attrs', 'traced', 'fair-1']);
      const byId = Object.fromEntries(Successful!.map((s) => [s.Id, s]));
      expect(byId.plain).toMatchObject({ MD5OfMessageBody: '78e731027d8fd50ed642340b7c9a63b3' });
      expect(byId.plain!.MD5OfMessageAttributes).toBeUndefined();
      expect(byId.plain!.SequenceNumber).toBeUndefined();
      expect(byId.attrs!.MD5OfMessageAttributes).toBe('ae7155c6026991b6d54b11589678bf9c');
      expect(byId.traced!.MD5OfMessageSystemAttributes).toBe('5ae4d5d7636402d80f4eb6d213245a88');
      expect(byId.traced!.MD5OfMessageAttributes).toBeUndefined();
      expect(new Set(Successful!.map((s) => s.MessageId)).size).toBe(4);
      const received = await receiveAll(QueueUrl);
      expect(received.map((m) => m.Body).sort()).toEqual(['grouped', 'message', 'with attributes', 'with trace']);
      expect(received.map((m) => m.MessageId).sort()).toEqual(Successful!.map((s) => s.MessageId).sort());

      // On the wire: JSON always has both lists; XML repeats result entries without a wrapper.
      const res = await raw(protocol, emu.url, 'SendMessageBatch', { QueueUrl, Entries: [{ Id: 'a', MessageBody: 'hello' }] });
      expect(res.status).toBe(200);
      const body = result(protocol, 'SendMessageBatch', res);
      if (protocol === 'json') {
        expect(body.Failed).toEqual([]);
        expect(body.Successful).toEqual([
          { Id: 'a', MessageId: expect.any(String), MD5OfMessageBody: '5d41402abc4b2a76b9719d911017c592' },
        ]);
      } else {
        expect(body.BatchResultErrorEntry).toBeUndefined();
        expect(body.SendMessageBatchResultEntry).toEqual({
          Id: 'a',
          MessageId: expect.any(String),
          MD5OfMessageBody: '5d41402abc4b2a76b9719d911017c592',
        });
      }
    });

    test('an invalid body fails only its entry, InvalidMessageContents with HTTP 200 (F113)', async () => {
      const QueueUrl = await newQueue();
      const Entries = sendEntries(10, (i) => (i === 4 ? '\x01' : `ok-${i}`));
      const { Successful, Failed } = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
      expect(Successful).toHaveLength(9);
      expect(Successful!.map((s) => s.Id)).not.toContain('e4');
      expect(Failed).toEqual([expect.objectContaining({ Id: 'e4', Code: 'InvalidMessageContents', SenderFault: true })]);
      expect((await receiveAll(QueueUrl)).length).toBe(9);
    });

    test('with MaximumMessageSize=1024, 1024- and 1025-byte entries give a partial failure in an HTTP 200 (F112)', async () => {
      const QueueUrl = await newQueue({ MaximumMessageSize: '1024' });
      const input = {
        QueueUrl,
        Entries: [
          { Id: 'fits', MessageBody: 'a'.repeat(1024) },
          // 1017 + 'k' + 'String' + 'x' = 1025 bytes
          { Id: 'over', MessageBody: 'a'.repeat(1017), MessageAttributes: { k: { DataType: 'String', StringValue: 'x' } } },
        ],
      };
      const failure = {
        Id: 'over',
        SenderFault: true,
        Code: 'InvalidParameterValue',
        Message: 'One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.',
      };
      const out = await sqs.send(new SendMessageBatchCommand(input));
      expect(out.Successful!.map((s) => s.Id)).toEqual(['fits']);
      expect(out.Failed).toEqual([failure]);
      const res = await raw(protocol, emu.url, 'SendMessageBatch', input);
      expect(res.status).toBe(200);
      const body = result(protocol, 'SendMessageBatch', res);
      if (protocol === 'json') {
        expect(body.Failed).toEqual([failure]);
      } else {
        expect(body.BatchResultErrorEntry).toEqual({ ...failure, SenderFault: 'true' });
        expect(items(body.SendMessageBatchResultEntry).map((e: any) => e.Id)).toEqual(['fits']);
      }
      expect(await counts(QueueUrl)).toEqual([2, 0]);
    });

    test('with MaximumMessageSize=2048 the per-entry limit is inclusive (F111)', async () => {
      const QueueUrl = await newQueue({ MaximumMessageSize: '2048' });
      const { Successful, Failed } = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: [
            // 2040 + 'k' + 'String' + 'x' = 2048 bytes
            { Id: 'exact', MessageBody: 'a'.repeat(2040), MessageAttributes: { k: { DataType: 'String', StringValue: 'x' } } },
            { Id: 'tiny', MessageBody: 'b' },
          ],
        }),
      );
      expect(Failed ?? []).toEqual([]);
      expect(Successful!.map((s) => s.Id)).toEqual(['exact', 'tiny']);
    });

    test('a total over 1048576 bytes fails the whole call, attributes included; exactly 1048576 passes (F110)', async () => {
      const QueueUrl = await newQueue();
      const k = { k: { DataType: 'String', StringValue: 'x' } }; // 8 bytes
      const exact = {
        QueueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'a'.repeat(524_288) },
          { Id: 'b', MessageBody: 'b'.repeat(524_280), MessageAttributes: k },
        ],
      };
      const sent = await sqs.send(new SendMessageBatchCommand(exact));
      expect(sent.Successful!.map((s) => s.Id)).toEqual(['a', 'b']);
      expect(sent.Successful![0]!.MD5OfMessageBody).toBe(md5Hex('a'.repeat(524_288)));
      const over = {
        QueueUrl,
        Entries: [exact.Entries[0]!, { Id: 'b', MessageBody: 'b'.repeat(524_281), MessageAttributes: k }],
      };
      const tooLong = sqsError('BatchRequestTooLong', 'Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.');
      await expectError(t, SendMessageBatchCommand, over, tooLong);
      expect(await counts(QueueUrl)).toEqual([2, 0]);
    });

    test('the 1 MiB batch limit applies even when MaximumMessageSize is smaller (F110)', async () => {
      const QueueUrl = await newQueue({ MaximumMessageSize: '1024' });
      const Entries = [
        { Id: 'a', MessageBody: 'a'.repeat(524_288) },
        { Id: 'b', MessageBody: 'b'.repeat(524_289) },
      ];
      await expectError(
        t,
        SendMessageBatchCommand,
        { QueueUrl, Entries },
        sqsError('BatchRequestTooLong', 'Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.'),
      );
      // Under the batch limit, the same oversize entries fail one by one instead.
      const { Successful, Failed } = await sqs.send(
        new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'a', MessageBody: 'a'.repeat(2000) }, { Id: 'b', MessageBody: 'b' }] }),
      );
      expect(Successful!.map((s) => s.Id)).toEqual(['b']);
      expect(Failed!.map((f) => [f.Id, f.Code])).toEqual([['a', 'InvalidParameterValue']]);
    });
  });

  describe('whole-request errors', () => {
    test('20 entries are TooManyEntriesInBatchRequest on all three actions (F107)', async () => {
      const QueueUrl = await newQueue();
      const ids = Array.from({ length: 20 }, (_, i) => `id${i}`);
      for (const [Command, input] of batchCases(QueueUrl, ids)) {
        await expectError(t, Command, input, sqsError('TooManyEntriesInBatchRequest', 'Maximum number of entries per request are 10. You have sent 20.'));
      }
      const eleven = batchCases(QueueUrl, ids.slice(0, 11))[0];
      await expectError(t, eleven[0], eleven[1], sqsError('TooManyEntriesInBatchRequest', 'Maximum number of entries per request are 10. You have sent 11.'));
      expect(await counts(QueueUrl)).toEqual([0, 0]);
    });

    test.each([
      ['containing ":"', 'a:b'],
      ['empty', ''],
      ['of 100 characters', 'x'.repeat(100)],
      ['of 81 characters', 'x'.repeat(81)],
      ['containing a space', 'a b'],
    ])('an entry id %s is InvalidBatchEntryId on all three actions (F108)', async (_label, badId) => {
      const QueueUrl = await newQueue();
      for (const [Command, input] of batchCases(QueueUrl, ['good', badId])) {
        await expectError(t, Command, input, sqsError('InvalidBatchEntryId', INVALID_ID));
      }
      expect(await counts(QueueUrl)).toEqual([0, 0]);
    });

    test('ids of 80 characters from [A-Za-z0-9_-] are accepted', async () => {
      const QueueUrl = await newQueue();
      const id = 'A-z_0'.repeat(16);
      const { Successful } = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: id, MessageBody: 'x' }] }));
      expect(Successful!.map((s) => s.Id)).toEqual([id]);
    });

    test('an empty Entries list is EmptyBatchRequest on all three actions (F109)', async () => {
      const QueueUrl = await newQueue();
      for (const [Command, input, entryShape] of batchCases(QueueUrl, [])) {
        const message =
          entryShape === 'SendMessageBatchRequestEntry'
            ? 'There should be at least one SendMessageBatchRequestEntry in the request.'
            : `There should be at least one ${entryShape} in the request.`;
        await expectError(t, Command, input, sqsError('EmptyBatchRequest', message));
      }
    });

    test('repeated entry ids are BatchEntryIdsNotDistinct on all three actions, and nothing is sent', async () => {
      const QueueUrl = await newQueue();
      for (const [Command, input] of batchCases(QueueUrl, ['one', 'two', 'one'])) {
        await expectError(t, Command, input, sqsError('BatchEntryIdsNotDistinct'));
      }
      expect(await counts(QueueUrl)).toEqual([0, 0]);
    });

    test('a batch on a missing queue is QueueDoesNotExist', async () => {
      const QueueUrl = (await newQueue()).replace(/[^/]+$/, uniqueName('missing'));
      for (const [Command, input] of batchCases(QueueUrl, ['one'])) {
        await expectError(t, Command, input as Input, {
          name: 'QueueDoesNotExist',
          code: 'AWS.SimpleQueueService.NonExistentQueue',
          shape: 'QueueDoesNotExist',
          status: 400,
          message: 'The specified queue does not exist.',
          queryMessage: 'The specified queue does not exist for this wsdl version.',
        });
      }
    });
  });

  describe('DeleteMessageBatch', () => {
    test('entry ids may be the MessageIds (UUIDs); the queue ends empty (F116)', async () => {
      const QueueUrl = await newQueue();
      await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: sendEntries(5) }));
      const received = await receiveAll(QueueUrl);
      expect(received).toHaveLength(5);
      const { Successful, Failed } = await sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl, Entries: received.map((m) => ({ Id: m.MessageId!, ReceiptHandle: m.ReceiptHandle! })) }),
      );
      expect(Failed ?? []).toEqual([]);
      expect(Successful!.map((s) => s.Id).sort()).toEqual(received.map((m) => m.MessageId).sort());
      expect(await counts(QueueUrl)).toEqual([0, 0]);
      clock.advance(60 * S);
      expect(await receiveAll(QueueUrl)).toEqual([]);
    });

    test('a malformed handle fails its entry with ReceiptHandleIsInvalid; used and stale handles succeed', async () => {
      const QueueUrl = await newQueue({ VisibilityTimeout: '1' });
      await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: sendEntries(2) }));
      const [first, second] = await receiveAll(QueueUrl);
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'used', ReceiptHandle: first!.ReceiptHandle! }] }));
      clock.advance(2 * S); // `second` is visible again: its handle is stale
      const input = {
        QueueUrl,
        Entries: [
          { Id: 'used', ReceiptHandle: first!.ReceiptHandle! },
          { Id: 'bad', ReceiptHandle: 'garbage' },
          { Id: 'stale', ReceiptHandle: second!.ReceiptHandle! },
        ],
      };
      const failure = {
        Id: 'bad',
        SenderFault: true,
        Code: 'ReceiptHandleIsInvalid',
        Message: 'The input receipt handle "garbage" is not a valid receipt handle.',
      };
      const { Successful, Failed } = await sqs.send(new DeleteMessageBatchCommand(input));
      expect(Successful!.map((s) => s.Id)).toEqual(['used', 'stale']);
      expect(Failed).toEqual([failure]);
      expect(await counts(QueueUrl)).toEqual([0, 0]);
      const res = await raw(protocol, emu.url, 'DeleteMessageBatch', input);
      expect(res.status).toBe(200);
      const body = result(protocol, 'DeleteMessageBatch', res);
      if (protocol === 'json') {
        expect(body).toEqual({ Successful: [{ Id: 'used' }, { Id: 'stale' }], Failed: [failure] });
      } else {
        expect(items(body.DeleteMessageBatchResultEntry)).toEqual([{ Id: 'used' }, { Id: 'stale' }]);
        expect(body.BatchResultErrorEntry).toEqual({ ...failure, SenderFault: 'true' });
      }
    });
  });

  describe('ChangeMessageVisibilityBatch', () => {
    test('changes each entry; a deleted message or a malformed handle fails only its entry', async () => {
      const QueueUrl = await newQueue({ VisibilityTimeout: '30' });
      await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: sendEntries(3) }));
      const [a, b, c] = await receiveAll(QueueUrl);
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'c', ReceiptHandle: c!.ReceiptHandle! }] }));
      const { Successful, Failed } = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl,
          Entries: [
            { Id: 'now', ReceiptHandle: a!.ReceiptHandle!, VisibilityTimeout: 0 },
            { Id: 'longer', ReceiptHandle: b!.ReceiptHandle!, VisibilityTimeout: 120 },
            { Id: 'deleted', ReceiptHandle: c!.ReceiptHandle!, VisibilityTimeout: 10 },
            { Id: 'bad', ReceiptHandle: 'INVALID', VisibilityTimeout: 10 },
          ],
        }),
      );
      expect(Successful!.map((s) => s.Id)).toEqual(['now', 'longer']);
      expect(Failed).toEqual([
        {
          Id: 'deleted',
          SenderFault: true,
          Code: 'InvalidParameterValue',
          Message: `Value ${c!.ReceiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
        },
        { Id: 'bad', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'The input receipt handle "INVALID" is not a valid receipt handle.' },
      ]);
      // `a` is visible at once; `b` stays hidden past the queue's 30 s.
      expect((await receiveAll(QueueUrl, 1_000)).map((m) => m.MessageId)).toEqual([a!.MessageId]);
      clock.advance(119 * S);
      expect(await receiveAll(QueueUrl)).toEqual([]);
      clock.advance(1 * S);
      expect((await receiveAll(QueueUrl)).map((m) => m.MessageId)).toEqual([b!.MessageId]);
    });

    test('the wire result lists ChangeMessageVisibilityBatchResultEntry items and an empty Failed', async () => {
      const QueueUrl = await newQueue();
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }));
      const [m] = await receiveAll(QueueUrl);
      const res = await raw(protocol, emu.url, 'ChangeMessageVisibilityBatch', {
        QueueUrl,
        Entries: [{ Id: 'x', ReceiptHandle: m!.ReceiptHandle!, VisibilityTimeout: 0 }],
      });
      expect(res.status).toBe(200);
      const body = result(protocol, 'ChangeMessageVisibilityBatch', res);
      if (protocol === 'json') expect(body).toEqual({ Successful: [{ Id: 'x' }], Failed: [] });
      else expect(body).toEqual({ ChangeMessageVisibilityBatchResultEntry: { Id: 'x' } });
    });
  });
});
