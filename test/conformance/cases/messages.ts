/** E. SendMessage validation, body, size; F. message attributes, system attributes, MD5 vectors. */
import { check, e, mask, members, type Case, type Ctx } from '../suite.js';

const s = (StringValue: string) => ({ DataType: 'String', StringValue });
const send = (x: Ctx, url: string, params: Record<string, unknown>) => x.c.send('SendMessage', { QueueUrl: url, ...params });
/** Receives the one message of a queue (visibility 0 so it can be received again). */
const peek = async (x: Ctx, url: string, params: Record<string, unknown> = {}) => {
  let m: any;
  await x.eventually(async () => (m = (await x.receive(url, { VisibilityTimeout: 0, ...params }))[0]) !== undefined, 5000);
  check(m, 'message not received');
  return m;
};
/** Names, and the digest where aws-behaviours.md records its value (else only its format). */
const attrsOf = (m: any, exactDigest = true) => ({
  names: members(m.MessageAttributes),
  MD5OfMessageAttributes: exactDigest ? m.MD5OfMessageAttributes : mask(m.MD5OfMessageAttributes, 'MD5OfMessageAttributes'),
});

export const messageCases: Case[] = [
  {
    id: 'sendMessage-empty-body',
    action: 'SendMessage',
    facts: ['F72'],
    run: async (x) => e(await send(x, await x.queue('sm'), { MessageBody: '' })),
  },
  {
    id: 'sendMessage-over-1mib',
    action: 'SendMessage',
    facts: ['F73'],
    run: async (x) => e(await send(x, await x.queue('big'), { MessageBody: 'a'.repeat(1048576 - 5), MessageAttributes: { ab: s('xyz') } })),
  },
  {
    id: 'sendMessage-queue-maximum-size',
    action: 'SendMessage',
    facts: ['F74'],
    run: async (x) => {
      const url = await x.queue('max1024', { MaximumMessageSize: '1024' });
      return {
        body1024: e(await send(x, url, { MessageBody: 'a'.repeat(1024) })),
        total1025: e(await send(x, url, { MessageBody: 'a'.repeat(1000), MessageAttributes: { ab: s('b'.repeat(17)) } })),
      };
    },
  },
  {
    id: 'sendMessage-invalid-characters',
    action: 'SendMessage',
    facts: ['F75'],
    run: async (x) => {
      const url = await x.queue('badchars');
      const out: Record<string, unknown> = {};
      for (const [label, ch] of [['chr0', '\u0000'], ['chr8', '\u0008'], ['chr19', '\u0013'], ['uFFFF', '\uffff']])
        out[label] = e(await send(x, url, { MessageBody: `a${ch}b` }), { noMessage: true });
      return out;
    },
  },
  {
    id: 'sendMessage-body-round-trip',
    action: 'ReceiveMessage',
    facts: ['F76'],
    run: async (x) => {
      const url = await x.queue('roundtrip');
      const bodies = ['cr\rhere', 'crlf\r\nhere', 'quote " here', 'literal &quot; here'];
      const sent = new Map<string, { body: string; md5: string }>();
      for (const b of bodies) {
        const o = await x.sendOk(url, { MessageBody: b });
        sent.set(o.MessageId, { body: b, md5: o.MD5OfMessageBody });
      }
      const got = new Map<string, any>();
      await x.eventually(async () => {
        for (const m of await x.receive(url, { VisibilityTimeout: 30 })) got.set(m.MessageId, m);
        return got.size === bodies.length;
      });
      return bodies.map((b) => {
        const [id, v] = [...sent].find(([, v]) => v.body === b)!;
        const m = got.get(id);
        return { body: JSON.stringify(b), exact: m?.Body === b, md5Matches: m?.MD5OfBody === v.md5 };
      });
    },
  },
  {
    id: 'query-xml-escapes',
    action: 'ReceiveMessage',
    facts: ['F76'],
    protocols: ['query'],
    run: async (x) => {
      const url = await x.queue('escapes');
      await x.sendOk(url, { MessageBody: 'q"r\rs' });
      let text = '';
      await x.eventually(async () => {
        text = (await x.c.rawQuery({ Action: 'ReceiveMessage', Version: '2012-11-05', QueueUrl: url, VisibilityTimeout: '0' })).text;
        return text.includes('<Body>');
      }, 5000);
      return { quotEscaped: text.includes('q&quot;r'), crEscaped: text.includes('&#xD;s') };
    },
  },
  {
    id: 'sendMessage-md5',
    action: 'SendMessage',
    facts: ['F77', 'F78'],
    run: async (x) => {
      const r = await send(x, await x.queue('md5'), { MessageBody: 'message' });
      return { status: r.status, members: members(r.output), MessageId: mask(r.output).MessageId, MD5OfMessageBody: r.output.MD5OfMessageBody };
    },
  },
  {
    id: 'sendMessage-fifo-sequence-number',
    action: 'SendMessage',
    facts: ['F78'],
    run: async (x) => {
      const r = await send(x, await x.fifo('seq', { ContentBasedDeduplication: 'true' }), { MessageBody: 'message', MessageGroupId: 'g' });
      return { status: r.status, members: members(r.output), SequenceNumber: mask(r.output).SequenceNumber };
    },
  },
  {
    id: 'sendMessage-group-on-standard',
    action: 'SendMessage',
    facts: ['F79'],
    run: async (x) => {
      const url = await x.queue('fair');
      const r = await send(x, url, { MessageBody: 'fair', MessageGroupId: 'tenant-1' });
      const m = await peek(x, url, { AttributeNames: ['All'] });
      return { send: { status: r.status, members: members(r.output) }, MessageGroupId: m.Attributes?.MessageGroupId };
    },
  },
  {
    id: 'sendMessage-invalid-group-on-standard',
    action: 'SendMessage',
    facts: ['F80'],
    run: async (x) => {
      const url = await x.queue('badgroup');
      return {
        empty: e(await send(x, url, { MessageBody: 'x', MessageGroupId: '' })),
        length129: e(await send(x, url, { MessageBody: 'x', MessageGroupId: 'g'.repeat(129) })),
        space: e(await send(x, url, { MessageBody: 'x', MessageGroupId: 'a b' })),
      };
    },
  },
  {
    id: 'sendMessage-trace-header',
    action: 'SendMessage',
    facts: ['F81'],
    run: async (x) => {
      const url = await x.queue('trace');
      const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
      const headers = { 'x-amzn-trace-id': trace };
      const r =
        x.protocol === 'json'
          ? await x.c.rawJson('SendMessage', { QueueUrl: url, MessageBody: 'traced' }, { headers })
          : await x.c.rawQuery({ Action: 'SendMessage', Version: '2012-11-05', QueueUrl: url, MessageBody: 'traced' }, { headers });
      const m = await peek(x, url, { MessageSystemAttributeNames: ['AWSTraceHeader'], AttributeNames: ['AWSTraceHeader'] });
      return { status: r.status, AWSTraceHeader: m.Attributes?.AWSTraceHeader === trace ? '<the header>' : m.Attributes?.AWSTraceHeader ?? null };
    },
  },
  {
    id: 'messageAttributes-invalid-values',
    action: 'SendMessage',
    facts: ['F82', 'F83'],
    run: async (x) => {
      const url = await x.queue('attrval');
      return {
        emptyString: e(await send(x, url, { MessageBody: 'x', MessageAttributes: { ErrorDetails: s('') } })),
        chr8: e(await send(x, url, { MessageBody: 'x', MessageAttributes: { a: s('x\u0008y') } }), { noMessage: true }),
        chr11: e(await send(x, url, { MessageBody: 'x', MessageAttributes: { a: s('x\u000by') } }), { noMessage: true }),
      };
    },
  },
  {
    id: 'messageAttributes-invalid-names-and-types',
    action: 'SendMessage',
    facts: ['F84', 'F85', 'F86'],
    run: async (x) => {
      const url = await x.queue('attrname');
      // F84 records that the message contains "Invalid"; F85 only that it is an error
      const verdict = async (MessageAttributes: Record<string, unknown>, checkMessage = true) => {
        const r = await send(x, url, { MessageBody: 'x', MessageAttributes });
        if (r.status === 200) return 'accepted';
        return checkMessage ? `rejected, message ${/invalid/i.test(r.message ?? '') ? 'contains' : 'lacks'} "Invalid"` : 'rejected';
      };
      const names = ['aWs.x', 'AMAZON.x', '.x', 'a!b', 'a"b', 'a§b', 'a(b', 'a?b', 'n'.repeat(257), 'name.'];
      const F84: Record<string, string> = {};
      for (const name of names) F84[name.length > 20 ? `n×${name.length}` : name] = await verdict({ [name]: s('v') });
      return {
        F84,
        F85: {
          Invalid: await verdict({ a: { DataType: 'Invalid', StringValue: 'v' } }, false),
          'Number.+256': await verdict({ a: { DataType: `Number.${'x'.repeat(256)}`, StringValue: '1' } }, false),
        },
        F86: await verdict({ 'attr.1øßä': s('v') }),
      };
    },
  },
  {
    id: 'messageAttributes-number-binary-round-trip',
    action: 'ReceiveMessage',
    facts: ['F87'],
    run: async (x) => {
      const url = await x.queue('numbin');
      const bin = new Uint8Array([0, 1, 2, 255, 254]);
      const o = await x.sendOk(url, {
        MessageBody: 'x',
        MessageAttributes: { n: { DataType: 'Number', StringValue: '1614717034367' }, b: { DataType: 'Binary', BinaryValue: bin } },
      });
      const m = await peek(x, url, { MessageAttributeNames: ['All'] });
      return {
        number: m.MessageAttributes?.n?.StringValue,
        binaryExact: Buffer.from(m.MessageAttributes?.b?.BinaryValue ?? []).equals(Buffer.from(bin)),
        md5Equal: m.MD5OfMessageAttributes === o.MD5OfMessageAttributes,
      };
    },
  },
  {
    id: 'messageAttributes-md5-vectors',
    action: 'SendMessage',
    facts: ['F88'],
    run: async (x) => {
      const url = await x.queue('md5vec');
      const vectors: Record<string, Record<string, unknown>> = {
        timestamp: { timestamp: { DataType: 'Number', StringValue: '1493147359900' } },
        FooBar: { Foo: s('Bar') },
        MyAttribute: { MyAttribute: s('foobar') },
        k: { k: s('x') },
        binary: { attr1: { DataType: 'Binary', BinaryValue: Buffer.from('traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01') } },
        three: { 'Help.Me': s('Me'), Hello: s('There'), General: s('Kenobi') },
        HelloGeneral: { Hello: s('There'), General: s('Kenobi') },
        Hello: { Hello: s('There') },
      };
      const out: Record<string, unknown> = {};
      for (const [label, MessageAttributes] of Object.entries(vectors)) out[label] = (await x.sendOk(url, { MessageBody: 'x', MessageAttributes })).MD5OfMessageAttributes;
      return out;
    },
  },
  {
    id: 'messageSystemAttributes-md5',
    action: 'SendMessage',
    facts: ['F89'],
    run: async (x) => {
      const url = await x.queue('sysmd5');
      const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
      const without = await x.sendOk(url, { MessageBody: 'x', MessageAttributes: { Foo: s('Bar') } });
      const withSys = await x.sendOk(url, { MessageBody: 'x', MessageAttributes: { Foo: s('Bar') }, MessageSystemAttributes: { AWSTraceHeader: s(trace) } });
      return {
        without: { members: members(without), MD5OfMessageAttributes: without.MD5OfMessageAttributes },
        with: { members: members(withSys), MD5OfMessageAttributes: withSys.MD5OfMessageAttributes, MD5OfMessageSystemAttributes: withSys.MD5OfMessageSystemAttributes },
      };
    },
  },
  {
    id: 'receive-message-attribute-filters',
    action: 'ReceiveMessage',
    facts: ['F90', 'F91'],
    run: async (x) => {
      const url = await x.queue('filters');
      await x.sendOk(url, { MessageBody: 'x', MessageAttributes: { 'Help.Me': s('Me'), Hello: s('There'), General: s('Kenobi') } });
      const filters: Record<string, string[]> = {
        '[]': [],
        All: ['All'],
        '*': ['*'],
        '.*': ['.*'],
        missing: ['Nope', 'Nada'],
        'Hello,General': ['Hello', 'General'],
        'Foo,Hello': ['Foo', 'Hello'],
        'Hel.*': ['Hel.*'],
        'AWS.': ['AWS.'],
        '..foo': ['..foo'],
      };
      const out: Record<string, unknown> = {};
      for (const [label, MessageAttributeNames] of Object.entries(filters)) out[label] = attrsOf(await peek(x, url, { MessageAttributeNames }), label !== 'Hel.*');
      return out;
    },
  },
  {
    id: 'receive-system-attributes',
    action: 'ReceiveMessage',
    facts: ['F92', 'F93', 'F94', 'F95'],
    run: async (x) => {
      const std = await x.queue('sysattr');
      const fifo = await x.fifo('sysattr', { ContentBasedDeduplication: 'true' });
      await x.sendOk(std, { MessageBody: 'x' });
      const sent = await x.sendOk(fifo, { MessageBody: 'x', MessageGroupId: 'g' });
      const keys = async (url: string, p: Record<string, unknown>) => members((await peek(x, url, p)).Attributes);
      const fifoAll = await peek(x, fifo, { AttributeNames: ['All'] });
      return {
        F92_standardAll: await keys(std, { AttributeNames: ['All'] }),
        F93_fifoAll: members(fifoAll.Attributes),
        F93_sequenceNumberMatches: fifoAll.Attributes?.SequenceNumber === sent.SequenceNumber,
        F94_senderIdSequenceNumber: await keys(std, { AttributeNames: ['SenderId', 'SequenceNumber'] }),
        F95_systemAll: await keys(std, { MessageSystemAttributeNames: ['All'] }),
        F95_systemSenderIdSequenceNumber: await keys(std, { MessageSystemAttributeNames: ['SenderId', 'SequenceNumber'] }),
        F95_systemFifoAll: await keys(fifo, { MessageSystemAttributeNames: ['All'] }),
        F95_systemNone: await keys(std, { MessageSystemAttributeNames: [] }),
      };
    },
  },
  {
    id: 'receive-timestamps-and-count',
    action: 'ReceiveMessage',
    facts: ['F97', 'F98'],
    run: async (x) => {
      const url = await x.queue('ts');
      await x.sendOk(url, { MessageBody: 'x' });
      const a = await peek(x, url, { AttributeNames: ['All'] });
      await x.sleep(20);
      const b = await peek(x, url, { AttributeNames: ['All'] });
      const A = a.Attributes ?? {};
      const B = b.Attributes ?? {};
      return {
        formats: mask({ SentTimestamp: A.SentTimestamp, ApproximateFirstReceiveTimestamp: A.ApproximateFirstReceiveTimestamp }),
        roughlyEqual: Math.abs(Number(A.SentTimestamp) - Number(A.ApproximateFirstReceiveTimestamp)) < 5000,
        counts: [A.ApproximateReceiveCount, B.ApproximateReceiveCount],
        firstReceiveKept: A.ApproximateFirstReceiveTimestamp === B.ApproximateFirstReceiveTimestamp,
      };
    },
  },
];
