import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type MessageAttributeValue,
  type ReceiveMessageCommandInput,
  type SendMessageCommandInput,
} from '@aws-sdk/client-sqs';
import { ManualClock } from '../../src/index.js';
import { rawQuery, uniqueName } from '../support/clients.js';
import {
  expectError,
  expectRawError,
  items,
  md5Hex,
  md5OfAttributes,
  raw,
  result,
  type ExpectedError,
} from '../support/wire.js';
import { overBothProtocols, useEmulator } from '../support/overProtocols.js';

/**
 * SendMessage / ReceiveMessage / DeleteMessage on standard queues, over both protocols.
 * Facts Fnn are from /work/shared/reference/aws-behaviours.md. Time is a ManualClock, so
 * timestamps are exact and nothing here sleeps.
 */

const clock = new ManualClock();
const emu = useEmulator({ clock });

const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
const str = (StringValue: string): MessageAttributeValue => ({ DataType: 'String', StringValue });
const KENOBI = { 'Help.Me': str('Me'), Hello: str('There'), General: str('Kenobi') };

const invalidParameter = (message?: string): ExpectedError => ({
  name: 'InvalidParameterValue',
  code: 'InvalidParameterValue',
  shape: 'InvalidParameterValueException',
  status: 400,
  ...(message !== undefined ? { message } : {}),
});

overBothProtocols('messages over %s', emu, ({ sqs, protocol, target: t }) => {
  const newQueue = async (Attributes?: Record<string, string>): Promise<string> =>
    (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('msg'), Attributes }))).QueueUrl!;

  const send = (QueueUrl: string, input: Omit<SendMessageCommandInput, 'QueueUrl'>) =>
    sqs.send(new SendMessageCommand({ QueueUrl, ...input }));

  /** Receives the one message on the queue, leaving it visible for the next receive. */
  const receiveOne = async (QueueUrl: string, input: Omit<ReceiveMessageCommandInput, 'QueueUrl'> = {}): Promise<Message> => {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0, MaxNumberOfMessages: 10, ...input }));
    expect(Messages).toHaveLength(1);
    return Messages![0]!;
  };

  const counts = async (QueueUrl: string) =>
    (
      await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
        }),
      )
    ).Attributes;

  describe('send, receive, delete', () => {
    test('SendMessage returns MessageId and the body MD5, nothing else on a standard queue (F77, F78)', async () => {
      const QueueUrl = await newQueue();
      const sent = await send(QueueUrl, { MessageBody: 'message' });
      expect(sent.MD5OfMessageBody).toBe('78e731027d8fd50ed642340b7c9a63b3');
      expect(sent.MessageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(sent.SequenceNumber).toBeUndefined();
      expect(sent.MD5OfMessageAttributes).toBeUndefined();
      expect(sent.MD5OfMessageSystemAttributes).toBeUndefined();
      // On the wire: exactly two members, no nulls or empty elements.
      const res = await raw(protocol, emu.url, 'SendMessage', { QueueUrl, MessageBody: 'message' });
      expect(res.status).toBe(200);
      expect(Object.keys(result(protocol, 'SendMessage', res)).sort()).toEqual(['MD5OfMessageBody', 'MessageId']);
    });

    test('a received message carries id, handle, body and body MD5; delete empties the queue', async () => {
      const QueueUrl = await newQueue();
      const sent = await send(QueueUrl, { MessageBody: 'hello' });
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
      expect(Messages).toHaveLength(1);
      const m = Messages![0]!;
      expect(m).toMatchObject({ MessageId: sent.MessageId, Body: 'hello', MD5OfBody: '5d41402abc4b2a76b9719d911017c592' });
      expect(m.ReceiptHandle).toEqual(expect.any(String));
      expect(m.Attributes).toBeUndefined();
      expect(m.MessageAttributes).toBeUndefined();
      expect(m.MD5OfMessageAttributes).toBeUndefined();
      expect(await counts(QueueUrl)).toEqual({
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesNotVisible: '1',
        ApproximateNumberOfMessagesDelayed: '0',
      });
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      expect(await counts(QueueUrl)).toEqual({
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesNotVisible: '0',
        ApproximateNumberOfMessagesDelayed: '0',
      });
      clock.advance(31_000);
      expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    });

    test('DeleteMessage with an already-used handle succeeds every time (F62)', async () => {
      const QueueUrl = await newQueue();
      await send(QueueUrl, { MessageBody: 'once' });
      const { ReceiptHandle } = await receiveOne(QueueUrl, { VisibilityTimeout: 30 });
      for (let i = 0; i < 3; i++) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle }));
      const res = await raw(protocol, emu.url, 'DeleteMessage', { QueueUrl, ReceiptHandle });
      expect(res.status).toBe(200);
      if (protocol === 'json') expect(['', '{}']).toContain(res.text);
      else expect(Object.keys(res.body.DeleteMessageResponse).filter((k) => !k.startsWith('@_'))).toEqual(['ResponseMetadata']);
    });

    test('an empty receive has no Messages member (F10, F11, F101)', async () => {
      const QueueUrl = await newQueue();
      expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
      expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }))).Messages).toBeUndefined();
      const res = await raw(protocol, emu.url, 'ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 });
      expect(res.status).toBe(200);
      if (protocol === 'json') {
        expect(res.body).toEqual({});
      } else {
        expect(res.text).toMatch(/<ReceiveMessageResponse xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/"><ReceiveMessageResult\/><ResponseMetadata>/);
      }
    });

    test('messages of one queue are never received from another; bodies come back as a set (F105, F106)', async () => {
      const a = await newQueue();
      const b = await newQueue();
      for (let i = 0; i < 5; i++) await send(a, { MessageBody: `a-${i}` });
      await send(b, { MessageBody: 'b-0' });
      const fromB = await sqs.send(new ReceiveMessageCommand({ QueueUrl: b, MaxNumberOfMessages: 10 }));
      expect(fromB.Messages!.map((m) => m.Body)).toEqual(['b-0']);
      const bodies = new Set<string>();
      for (let i = 0; i < 5 && bodies.size < 5; i++) {
        const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: a, MaxNumberOfMessages: 3 }));
        for (const m of Messages ?? []) bodies.add(m.Body!);
      }
      expect([...bodies].sort()).toEqual(['a-0', 'a-1', 'a-2', 'a-3', 'a-4']);
    });
  });

  describe('message attributes and digests', () => {
    const vectors: [string, Record<string, MessageAttributeValue>, string][] = [
      ['Number timestamp', { timestamp: { DataType: 'Number', StringValue: '1493147359900' } }, '235c5c510d26fb653d073faed50ae77c'],
      ['String Foo', { Foo: str('Bar') }, 'ae7155c6026991b6d54b11589678bf9c'],
      ['String MyAttribute', { MyAttribute: str('foobar') }, 'adb59cd4678ea5a855436b949cd07ab6'],
      ['String k', { k: str('x') }, 'a45daa70926828a2f0a1db3418e6feb4'],
      [
        'Binary traceparent',
        {
          attr1: {
            DataType: 'Binary',
            BinaryValue: Buffer.from('traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01', 'latin1'),
          },
        },
        '8cbe4db156db8a94db8b801b7addb984',
      ],
      ['three Strings', KENOBI, '4c360f3fdafd970e05fae2f149d997f5'],
      ['String attribName1', { attribName1: str('attribValue 1') }, '19e27d4e946b072f3f58da80d94fd778'],
      [
        'Number.float',
        { customNumberTypeAttrib: { DataType: 'Number.float', StringValue: '4563442423554324324264524243.32543234' } },
        '9fe1b90bbd9965bdf77bac517c7d2495',
      ],
      ['Binary hello', { binaryAttribute: { DataType: 'Binary', BinaryValue: Buffer.from('Hello binary world!') } }, '31a92b15d92f8db860eda32aceb656c3'],
      [
        'mixed three',
        {
          attribName1: str('attribValue 1'),
          customNumberTypeAttrib: { DataType: 'Number.float', StringValue: '4563442423554324324264524243.32543234' },
          binaryAttribute: { DataType: 'Binary', BinaryValue: Buffer.from('Hello binary world!') },
        },
        'c932db14a896c663f83c260297d594ff',
      ],
    ];

    test.each(vectors)('MD5OfMessageAttributes vector: %s (F88)', async (_label, MessageAttributes, md5) => {
      expect(md5OfAttributes(MessageAttributes as never)).toBe(md5); // the test's own algorithm agrees
      const QueueUrl = await newQueue();
      const sent = await send(QueueUrl, { MessageBody: 'vector', MessageAttributes });
      expect(sent.MD5OfMessageAttributes).toBe(md5);
      const m = await receiveOne(QueueUrl, { MessageAttributeNames: ['All'] });
      expect(m.MD5OfMessageAttributes).toBe(md5);
      expect(Object.keys(m.MessageAttributes!).sort()).toEqual(Object.keys(MessageAttributes).sort());
    });

    test('Number and Binary attributes round-trip exactly (F87)', async () => {
      const QueueUrl = await newQueue();
      const bytes = Uint8Array.from([0, 1, 2, 0xfe, 0xff, 0x1e, 0x80]);
      const MessageAttributes = {
        n: { DataType: 'Number', StringValue: '1614717034367' },
        b: { DataType: 'Binary', BinaryValue: bytes },
        'b.custom': { DataType: 'Binary.gzip', BinaryValue: Uint8Array.from([9]) },
      };
      const sent = await send(QueueUrl, { MessageBody: 'typed', MessageAttributes });
      const m = await receiveOne(QueueUrl, { MessageAttributeNames: ['All'] });
      expect(m.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
      expect(m.MessageAttributes!.n).toEqual({ DataType: 'Number', StringValue: '1614717034367' });
      expect(m.MessageAttributes!.b!.DataType).toBe('Binary');
      expect(Buffer.from(m.MessageAttributes!.b!.BinaryValue!).equals(Buffer.from(bytes))).toBe(true);
      expect(Buffer.from(m.MessageAttributes!['b.custom']!.BinaryValue!)).toEqual(Buffer.from([9]));
      // On the wire the binary is base64 and the string value is absent, not empty.
      const res = await raw(protocol, emu.url, 'ReceiveMessage', { QueueUrl, MessageAttributeNames: ['b'], VisibilityTimeout: 0 });
      if (protocol === 'json') {
        expect(res.body.Messages[0].MessageAttributes).toEqual({ b: { DataType: 'Binary', BinaryValue: 'AAEC/v8egA==' } });
      } else {
        const attr = result(protocol, 'ReceiveMessage', res).Message.MessageAttribute;
        expect(attr).toEqual({ Name: 'b', Value: { BinaryValue: 'AAEC/v8egA==', DataType: 'Binary' } });
      }
    });

    test('AWSTraceHeader has its own digest and leaves MD5OfMessageAttributes alone (F89)', async () => {
      const QueueUrl = await newQueue();
      const sent = await send(QueueUrl, {
        MessageBody: 'traced',
        MessageAttributes: { Foo: str('Bar') },
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: TRACE } },
      });
      expect(sent.MD5OfMessageAttributes).toBe('ae7155c6026991b6d54b11589678bf9c');
      expect(sent.MD5OfMessageSystemAttributes).toBe('5ae4d5d7636402d80f4eb6d213245a88');
      const m = await receiveOne(QueueUrl, { MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['AWSTraceHeader'] });
      expect(m.Attributes).toEqual({ AWSTraceHeader: TRACE });
      expect(m.MD5OfMessageAttributes).toBe('ae7155c6026991b6d54b11589678bf9c');
      expect(Object.keys(m.MessageAttributes!)).toEqual(['Foo']);
      // Only system attributes: no MD5OfMessageAttributes at all.
      const only = await send(QueueUrl, {
        MessageBody: 'trace only',
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: TRACE } },
      });
      expect(only.MD5OfMessageAttributes).toBeUndefined();
      expect(only.MD5OfMessageSystemAttributes).toBe('5ae4d5d7636402d80f4eb6d213245a88');
    });

    test('the X-Amzn-Trace-Id header becomes the AWSTraceHeader system attribute (F81)', async () => {
      const QueueUrl = await newQueue();
      const res = await raw(protocol, emu.url, 'SendMessage', { QueueUrl, MessageBody: 'via header' }, { 'X-Amzn-Trace-Id': TRACE });
      expect(res.status).toBe(200);
      expect(result(protocol, 'SendMessage', res).MD5OfMessageAttributes).toBeUndefined();
      const m = await receiveOne(QueueUrl, { AttributeNames: ['All'] });
      expect(m.Attributes!.AWSTraceHeader).toBe(TRACE);
      expect(Object.keys(m.Attributes!).sort()).toEqual([
        'AWSTraceHeader',
        'ApproximateFirstReceiveTimestamp',
        'ApproximateReceiveCount',
        'SenderId',
        'SentTimestamp',
      ]);
    });

    test.each<[string, string[], string[], string | undefined]>([
      ['All', ['All'], ['General', 'Hello', 'Help.Me'], '4c360f3fdafd970e05fae2f149d997f5'],
      ['*', ['*'], ['General', 'Hello', 'Help.Me'], '4c360f3fdafd970e05fae2f149d997f5'],
      ['.*', ['.*'], ['General', 'Hello', 'Help.Me'], '4c360f3fdafd970e05fae2f149d997f5'],
      ['non-existing names', ['Nope', 'Foo'], [], undefined],
      ['Hello, General', ['Hello', 'General'], ['General', 'Hello'], 'fca026605781cb4126a1e9044df24232'],
      ['Foo, Hello', ['Foo', 'Hello'], ['Hello'], 'a311262e065454b75da111d535b8dacd'],
      ['prefix Hel.*', ['Hel.*'], ['Hello', 'Help.Me'], md5OfAttributes({ Hello: KENOBI.Hello as never, 'Help.Me': KENOBI['Help.Me'] as never })],
      ['malformed AWS.', ['AWS.'], [], undefined],
      ['malformed ..foo', ['..foo'], [], undefined],
    ])('MessageAttributeNames %s selects and re-digests the subset (F90, F91)', async (_label, names, expected, md5) => {
      const QueueUrl = await newQueue();
      const sent = await send(QueueUrl, { MessageBody: 'kenobi', MessageAttributes: KENOBI });
      expect(sent.MD5OfMessageAttributes).toBe('4c360f3fdafd970e05fae2f149d997f5');
      const m = await receiveOne(QueueUrl, { MessageAttributeNames: names });
      expect(Object.keys(m.MessageAttributes ?? {}).sort()).toEqual(expected);
      expect(m.MD5OfMessageAttributes).toBe(md5);
      for (const name of expected) expect(m.MessageAttributes![name]).toEqual(KENOBI[name as keyof typeof KENOBI]);
    });

    test('an empty MessageAttributeNames list returns no attributes and no digest (F90)', async () => {
      const QueueUrl = await newQueue();
      await send(QueueUrl, { MessageBody: 'kenobi', MessageAttributes: KENOBI });
      const m = await receiveOne(QueueUrl, { MessageAttributeNames: [] });
      expect(m.MessageAttributes).toBeUndefined();
      expect(m.MD5OfMessageAttributes).toBeUndefined();
      // Raw: sqs-consumer's empty lists on JSON, both empty-list spellings on query.
      const inputs =
        protocol === 'json'
          ? [{ QueueUrl, MessageAttributeNames: [], AttributeNames: [], MessageSystemAttributeNames: [], VisibilityTimeout: 0 }]
          : [
              { QueueUrl, MessageAttributeNames: [], AttributeNames: [], VisibilityTimeout: 0 }, // MessageAttributeName=&AttributeName=
            ];
      for (const input of inputs) {
        const res = await raw(protocol, emu.url, 'ReceiveMessage', input);
        expect(res.status).toBe(200);
        const message = protocol === 'json' ? res.body.Messages[0] : result(protocol, 'ReceiveMessage', res).Message;
        expect(Object.keys(message).sort()).toEqual(['Body', 'MD5OfBody', 'MessageId', 'ReceiptHandle']);
      }
      if (protocol === 'query') {
        // botocore 1.29 spells empty lists with the member name.
        const botocore = await rawQuery(emu.url, {
          Action: 'ReceiveMessage',
          Version: '2012-11-05',
          QueueUrl,
          VisibilityTimeout: '0',
          AttributeNames: '',
          MessageAttributeNames: '',
        });
        expect(botocore.status).toBe(200);
        expect(Object.keys(result(protocol, 'ReceiveMessage', botocore).Message).sort()).toEqual([
          'Body',
          'MD5OfBody',
          'MessageId',
          'ReceiptHandle',
        ]);
      }
    });

    test('a String attribute with an empty value fails (F82)', async () => {
      const QueueUrl = await newQueue();
      await expectError(
        t,
        SendMessageCommand,
        { QueueUrl, MessageBody: 'x', MessageAttributes: { ErrorDetails: str('') } },
        invalidParameter("Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'."),
      );
    });

    test('invalid attribute names, types and String values fail with InvalidParameterValue (F83-F85)', async () => {
      const QueueUrl = await newQueue();
      const badNames = ['aWs.trace', 'AMAZON.thing', '.dot', 'a!b', 'a"b', 'a§b', 'a(b', 'a?b', 'n'.repeat(257), 'ends.'];
      const cases: Record<string, MessageAttributeValue>[] = [
        ...badNames.map((name) => ({ [name]: str('v') })),
        { t: { DataType: 'Invalid', StringValue: 'v' } },
        { t: { DataType: 'Number.' + 'x'.repeat(256), StringValue: '1' } },
        { t: str('back\bspace') },
        { t: str('vertical\u000btab') },
      ];
      for (const MessageAttributes of cases) {
        await expectError(t, SendMessageCommand, { QueueUrl, MessageBody: 'x', MessageAttributes }, invalidParameter());
      }
      expect(await counts(QueueUrl)).toMatchObject({ ApproximateNumberOfMessages: '0' });
    });

    test('a name with non-ASCII letters and an inner dot is valid (F86)', async () => {
      const QueueUrl = await newQueue();
      const MessageAttributes = { 'attr.1øßä': str('ok') };
      const sent = await send(QueueUrl, { MessageBody: 'x', MessageAttributes });
      expect(sent.MD5OfMessageAttributes).toBe(md5OfAttributes(MessageAttributes as never));
      const m = await receiveOne(QueueUrl, { MessageAttributeNames: ['All'] });
      expect(m.MessageAttributes).toEqual(MessageAttributes);
    });
  });

  describe('system attributes', () => {
    const FOUR = ['ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'SenderId', 'SentTimestamp'];

    test('AttributeNames=All returns exactly the four standard-queue attributes, timestamps in ms (F92, F97)', async () => {
      const QueueUrl = await newQueue();
      const sentAt = clock.now();
      await send(QueueUrl, { MessageBody: 'x' });
      clock.advance(1_500);
      const m = await receiveOne(QueueUrl, { AttributeNames: ['All'] });
      expect(Object.keys(m.Attributes!).sort()).toEqual(FOUR);
      expect(m.Attributes!.SentTimestamp).toBe(String(sentAt));
      expect(m.Attributes!.ApproximateFirstReceiveTimestamp).toBe(String(sentAt + 1_500));
      expect(m.Attributes!.ApproximateReceiveCount).toBe('1');
      expect(m.Attributes!.SenderId).toMatch(/^\S+$/);
    });

    test.each<[string, string[], string[]]>([
      ['All', ['All'], FOUR],
      ['SenderId, SequenceNumber', ['SenderId', 'SequenceNumber'], ['SenderId']],
      ['ApproximateReceiveCount', ['ApproximateReceiveCount'], ['ApproximateReceiveCount']],
      ['FIFO-only names', ['MessageDeduplicationId', 'SequenceNumber'], []],
    ])('MessageSystemAttributeNames %s behaves like AttributeNames (F94, F95)', async (_label, names, expected) => {
      const QueueUrl = await newQueue();
      await send(QueueUrl, { MessageBody: 'x' });
      const viaNew = await receiveOne(QueueUrl, { MessageSystemAttributeNames: names as never });
      const viaOld = await receiveOne(QueueUrl, { AttributeNames: names as never });
      expect(Object.keys(viaNew.Attributes ?? {}).sort()).toEqual(expected);
      expect(Object.keys(viaOld.Attributes ?? {}).sort()).toEqual(expected);
    });

    test('AttributeNames and MessageSystemAttributeNames are united', async () => {
      const QueueUrl = await newQueue();
      await send(QueueUrl, { MessageBody: 'x' });
      if (protocol === 'json') {
        const m = await receiveOne(QueueUrl, { AttributeNames: ['SenderId' as never], MessageSystemAttributeNames: ['SentTimestamp'] });
        expect(Object.keys(m.Attributes!).sort()).toEqual(['SenderId', 'SentTimestamp']);
      } else {
        // Both members travel as AttributeName.N in query; an older client may number them in one list.
        const res = await raw(protocol, emu.url, 'ReceiveMessage', {
          QueueUrl,
          AttributeNames: ['SenderId', 'SentTimestamp'],
          VisibilityTimeout: 0,
        });
        const attrs = items(result(protocol, 'ReceiveMessage', res).Message.Attribute).map((a: any) => a.Name);
        expect(attrs.sort()).toEqual(['SenderId', 'SentTimestamp']);
        // The unindexed form AttributeName=All is a one-item list.
        const unindexed = await rawQuery(emu.url, { Action: 'ReceiveMessage', QueueUrl, AttributeName: 'All', VisibilityTimeout: '0' });
        const names = items(result(protocol, 'ReceiveMessage', unindexed).Message.Attribute).map((a: any) => a.Name);
        expect(names.sort()).toEqual(FOUR);
      }
    });

    test('ApproximateReceiveCount counts receives; the first receive timestamp stays (F98)', async () => {
      const QueueUrl = await newQueue();
      await send(QueueUrl, { MessageBody: 'x' });
      const first = await receiveOne(QueueUrl, { AttributeNames: ['All'] });
      clock.advance(2_000);
      const second = await receiveOne(QueueUrl, { AttributeNames: ['All'] });
      clock.advance(2_000);
      const third = await receiveOne(QueueUrl, { AttributeNames: ['All'] });
      expect([first, second, third].map((m) => m.Attributes!.ApproximateReceiveCount)).toEqual(['1', '2', '3']);
      expect(second.Attributes!.ApproximateFirstReceiveTimestamp).toBe(first.Attributes!.ApproximateFirstReceiveTimestamp);
      expect(third.Attributes!.ApproximateFirstReceiveTimestamp).toBe(first.Attributes!.ApproximateFirstReceiveTimestamp);
      expect(third.Attributes!.SentTimestamp).toBe(first.Attributes!.SentTimestamp);
    });
  });

  describe('fair queues: MessageGroupId on a standard queue', () => {
    test('is accepted and returned by All; no SequenceNumber (F79)', async () => {
      const QueueUrl = await newQueue();
      const sent = await send(QueueUrl, { MessageBody: 'fair', MessageGroupId: 'tenant-1' });
      expect(sent.SequenceNumber).toBeUndefined();
      const m = await receiveOne(QueueUrl, { MessageSystemAttributeNames: ['All'] });
      expect(m.Attributes!.MessageGroupId).toBe('tenant-1');
      expect(m.Attributes!.SequenceNumber).toBeUndefined();
      expect(m.Attributes!.MessageDeduplicationId).toBeUndefined();
      const long = 'g'.repeat(127) + '!';
      const { MessageId } = await send(QueueUrl, { MessageBody: 'fair', MessageGroupId: long });
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['MessageGroupId'] }));
      expect(Messages!.find((x) => x.MessageId === MessageId)?.Attributes?.MessageGroupId).toBe(long);
    });

    test.each([
      ['empty', ''],
      ['129 characters', 'a'.repeat(129)],
      ['a space', 'group 123'],
    ])('an invalid MessageGroupId (%s) fails (F80)', async (_label, MessageGroupId) => {
      const QueueUrl = await newQueue();
      await expectError(
        t,
        SendMessageCommand,
        { QueueUrl, MessageBody: 'x', MessageGroupId },
        invalidParameter(
          `Value ${MessageGroupId} for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
        ),
      );
    });
  });

  describe('body characters and size', () => {
    const bodies: [string, string][] = [
      ['CR', 'a\rb'],
      ['CRLF', 'line1\r\nline2\r\n'],
      ['LF and tab', '\tindented\n'],
      ['double quote', 'say "hi"'],
      ['literal &quot;', 'already &quot;escaped&quot;'],
      ['markup', '<a href="x">&amp; &lt; ></a>'],
      ['non-BMP and edges', '😀 \u00e9 \uE000 \uFFFD \u{10FFFF} \uD7FF'],
      ['leading and trailing spaces', '  padded  '],
    ];

    test.each(bodies)('a body with %s round-trips byte-exactly with matching MD5s (F76)', async (_label, body) => {
      const QueueUrl = await newQueue();
      const sent = await send(QueueUrl, { MessageBody: body });
      expect(sent.MD5OfMessageBody).toBe(md5Hex(body));
      const m = await receiveOne(QueueUrl);
      expect(m.Body).toBe(body);
      expect(m.MD5OfBody).toBe(md5Hex(body));
      expect(m.MessageId).toBe(sent.MessageId);
    });

    test('on the wire: query XML writes " as &quot; and CR as &#xD;, JSON is plain (F76)', async () => {
      const QueueUrl = await newQueue();
      const body = 'a"b\r\nc\rd &quot;';
      await send(QueueUrl, { MessageBody: body });
      const res = await raw(protocol, emu.url, 'ReceiveMessage', { QueueUrl });
      if (protocol === 'json') {
        expect(res.body.Messages[0].Body).toBe(body);
      } else {
        expect(res.text).toContain('<Body>a&quot;b&#xD;\nc&#xD;d &amp;quot;</Body>');
        expect(res.text).not.toContain('\r');
      }
    });

    test.each([
      ['U+0000', 'a\u0000b'],
      ['U+0008', 'a\bb'],
      ['U+0013', 'a\u0013b'],
      ['U+FFFF', 'a\uFFFFb'],
      ['U+FFFE', '\uFFFE'],
    ])('a body containing %s is InvalidMessageContents (F75)', async (_label, MessageBody) => {
      const QueueUrl = await newQueue();
      await expectError(t, SendMessageCommand, { QueueUrl, MessageBody }, {
        name: 'InvalidMessageContents',
        code: 'InvalidMessageContents',
        shape: 'InvalidMessageContents',
        status: 400,
      });
      expect(await counts(QueueUrl)).toMatchObject({ ApproximateNumberOfMessages: '0' });
    });

    test('an empty or absent MessageBody is MissingParameter (F72)', async () => {
      const QueueUrl = await newQueue();
      const missing: ExpectedError = {
        name: 'MissingParameter',
        code: 'MissingParameter',
        shape: 'MissingRequiredParameterException',
        status: 400,
        message: 'The request must contain the parameter MessageBody.',
      };
      await expectError(t, SendMessageCommand, { QueueUrl, MessageBody: '' }, missing);
      await expectRawError(t, 'SendMessage', { QueueUrl }, missing);
      expect(await counts(QueueUrl)).toMatchObject({ ApproximateNumberOfMessages: '0' });
    });

    test('1 MiB: 1048576 bytes of body and attributes are accepted, one byte more fails (F73)', async () => {
      const QueueUrl = await newQueue();
      const tooLong = invalidParameter('One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.');
      expect((await send(QueueUrl, { MessageBody: 'a'.repeat(1_048_576) })).MD5OfMessageBody).toBe(md5Hex('a'.repeat(1_048_576)));
      await expectError(t, SendMessageCommand, { QueueUrl, MessageBody: 'a'.repeat(1_048_577) }, tooLong);
      // {k: String "x"} counts 1 + 6 + 1 = 8 bytes.
      const k = { k: str('x') };
      await send(QueueUrl, { MessageBody: 'a'.repeat(1_048_568), MessageAttributes: k });
      await expectError(t, SendMessageCommand, { QueueUrl, MessageBody: 'a'.repeat(1_048_569), MessageAttributes: k }, tooLong);
      expect(await counts(QueueUrl)).toMatchObject({ ApproximateNumberOfMessages: '2' });
      const m = await receiveOne(QueueUrl, { MaxNumberOfMessages: 1 });
      expect([1_048_576, 1_048_568]).toContain(m.Body!.length);
    });

    test('MaximumMessageSize=1024: body + attribute bytes up to 1024 pass, 1025 fail (F74)', async () => {
      const QueueUrl = await newQueue({ MaximumMessageSize: '1024' });
      const tooLong = invalidParameter('One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.');
      await send(QueueUrl, { MessageBody: 'a'.repeat(1024) });
      await expectError(t, SendMessageCommand, { QueueUrl, MessageBody: 'a'.repeat(1025) }, tooLong);
      // UTF-8 bytes, not characters: 512 × 'é' is 1024 bytes.
      await send(QueueUrl, { MessageBody: 'é'.repeat(512) });
      await expectError(t, SendMessageCommand, { QueueUrl, MessageBody: 'é'.repeat(512) + 'a' }, tooLong);
      // Attributes count name + DataType + value: 1016 + 8 = 1024, 1017 + 8 = 1025.
      await send(QueueUrl, { MessageBody: 'a'.repeat(1016), MessageAttributes: { k: str('x') } });
      await expectError(t, SendMessageCommand, { QueueUrl, MessageBody: 'a'.repeat(1017), MessageAttributes: { k: str('x') } }, tooLong);
      // Binary values count their decoded bytes: 1 + 6 + 10 = 17.
      const bin = { b: { DataType: 'Binary', BinaryValue: new Uint8Array(10) } };
      await send(QueueUrl, { MessageBody: 'a'.repeat(1007), MessageAttributes: bin });
      await expectError(t, SendMessageCommand, { QueueUrl, MessageBody: 'a'.repeat(1008), MessageAttributes: bin }, tooLong);
      // System attributes do not count.
      await send(QueueUrl, {
        MessageBody: 'a'.repeat(1024),
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: TRACE } },
      });
      expect(await counts(QueueUrl)).toMatchObject({ ApproximateNumberOfMessages: '5' });
    });
  });

  describe('ReceiveMessage parameters', () => {
    test('MaxNumberOfMessages and WaitTimeSeconds out of range fail (F99, F100)', async () => {
      const QueueUrl = await newQueue();
      await expectError(
        t,
        ReceiveMessageCommand,
        { QueueUrl, MaxNumberOfMessages: 11 },
        invalidParameter('Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.'),
      );
      await expectError(
        t,
        ReceiveMessageCommand,
        { QueueUrl, MaxNumberOfMessages: 0 },
        invalidParameter('Value 0 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.'),
      );
      for (const wait of [21, -1]) {
        await expectError(
          t,
          ReceiveMessageCommand,
          { QueueUrl, WaitTimeSeconds: wait },
          invalidParameter(`Value ${wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`),
        );
      }
    });

    test('MaxNumberOfMessages caps one receive; the default is one message', async () => {
      const QueueUrl = await newQueue();
      for (let i = 0; i < 12; i++) await send(QueueUrl, { MessageBody: `m${i}` });
      expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toHaveLength(1);
      const ten = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      expect(ten.Messages).toHaveLength(10);
      expect(new Set(ten.Messages!.map((m) => m.MessageId)).size).toBe(10);
      expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages).toHaveLength(1);
    });
  });
});
