/** C. Queue attributes. */
import { check, e, mask, members, type Case, type Ctx } from '../suite.js';

const attrs = async (x: Ctx, url: string, names: string[] = ['All']) => {
  const r = await x.c.send('GetQueueAttributes', { QueueUrl: url, AttributeNames: names });
  return r.status === 200 ? { status: r.status, ...mask(r.output) } : e(r);
};
const set = async (x: Ctx, url: string, Attributes: Record<string, string>) => e(await x.c.send('SetQueueAttributes', { QueueUrl: url, Attributes }));

export const attributeCases: Case[] = [
  {
    id: 'getQueueAttributes-all-standard',
    action: 'GetQueueAttributes',
    facts: ['F36', 'F38', 'F40', 'F41'],
    run: async (x) => attrs(x, await x.queue('all-std')),
  },
  {
    id: 'getQueueAttributes-all-fifo',
    action: 'GetQueueAttributes',
    facts: ['F37', 'F41'],
    run: async (x) => attrs(x, await x.fifo('all-fifo')),
  },
  {
    id: 'getQueueAttributes-three-named',
    action: 'GetQueueAttributes',
    facts: ['F39'],
    run: async (x) => attrs(x, await x.queue('three'), ['VisibilityTimeout', 'DelaySeconds', 'MaximumMessageSize']),
  },
  {
    id: 'getQueueAttributes-unknown',
    action: 'GetQueueAttributes',
    facts: ['F44'],
    run: async (x) => e(await x.c.send('GetQueueAttributes', { QueueUrl: await x.queue('ga'), AttributeNames: ['Foobar'] })),
  },
  {
    id: 'setQueueAttributes-reflected',
    action: 'SetQueueAttributes',
    facts: ['F42'],
    run: async (x) => {
      const url = await x.queue('setattr');
      return { set: await set(x, url, { MaximumMessageSize: '2048', VisibilityTimeout: '69', DelaySeconds: '420' }), all: await attrs(x, url) };
    },
  },
  {
    id: 'createQueue-attributes-reflected',
    action: 'CreateQueue',
    facts: ['F43'],
    run: async (x) =>
      attrs(x, await x.queue('createattr', { MessageRetentionPeriod: '604800', ReceiveMessageWaitTimeSeconds: '10', VisibilityTimeout: '20' }), [
        'MessageRetentionPeriod',
        'ReceiveMessageWaitTimeSeconds',
        'VisibilityTimeout',
      ]),
  },
  {
    id: 'setQueueAttributes-fifoqueue-on-standard',
    action: 'SetQueueAttributes',
    facts: ['F45'],
    run: async (x) => {
      const url = await x.queue('setfifo');
      return { true: await set(x, url, { FifoQueue: 'true' }), false: await set(x, url, { FifoQueue: 'false' }) };
    },
  },
  {
    id: 'setQueueAttributes-fifoqueue-on-fifo',
    action: 'SetQueueAttributes',
    facts: ['F46'],
    run: async (x) => {
      const url = await x.fifo('setfifo');
      return { true: await set(x, url, { FifoQueue: 'true' }), false: await set(x, url, { FifoQueue: 'false' }) };
    },
  },
  {
    id: 'setQueueAttributes-change-cbd',
    action: 'SetQueueAttributes',
    facts: ['F47'],
    run: async (x) => {
      const url = await x.fifo('chcbd', { ContentBasedDeduplication: 'true' });
      return { set: await set(x, url, { ContentBasedDeduplication: 'false' }), after: await attrs(x, url, ['ContentBasedDeduplication']) };
    },
  },
  {
    id: 'setQueueAttributes-empty-policy-and-redrive',
    action: 'SetQueueAttributes',
    facts: ['F48', 'F49'],
    run: async (x) => {
      const dlq = await x.queue('rm-dlq');
      const dlqArn = await x.arn(dlq);
      const url = await x.queue('rm');
      const arn = await x.arn(url);
      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 's1', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sqs:SendMessage', Resource: arn }],
      });
      const out: Record<string, unknown> = {};
      out.policyWhenNone = await set(x, url, { Policy: '' });
      out.redriveWhenNone = await set(x, url, { RedrivePolicy: '' });
      out.setBoth = await set(x, url, { Policy: policy, RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }) });
      out.namesWithBoth = members((await x.c.send('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] })).output.Attributes).filter((k) => k === 'Policy' || k === 'RedrivePolicy');
      out.clear = await set(x, url, { Policy: '', RedrivePolicy: '' });
      out.namesAfterClear = members((await x.c.send('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] })).output.Attributes).filter((k) => k === 'Policy' || k === 'RedrivePolicy');
      return out;
    },
  },
  {
    id: 'redrivePolicy-round-trip',
    action: 'GetQueueAttributes',
    facts: ['F50', 'F140'],
    run: async (x) => {
      const dlqArn = await x.arn(await x.queue('rt-dlq'));
      const r = await x.c.send('CreateQueue', { QueueName: x.name('rt-src'), Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 50 }) } });
      check(r.status === 200, `CreateQueue with RedrivePolicy: ${r.code} ${r.message}`);
      const got = await x.c.send('GetQueueAttributes', { QueueUrl: r.output.QueueUrl, AttributeNames: ['RedrivePolicy'] });
      const rp = JSON.parse(got.output.Attributes.RedrivePolicy);
      return { create: e(r), isString: typeof got.output.Attributes.RedrivePolicy === 'string', redrivePolicy: mask(rp), maxReceiveCountType: typeof rp.maxReceiveCount, sameArn: rp.deadLetterTargetArn === dlqArn };
    },
  },
  {
    id: 'sse-kms-attributes',
    action: 'SetQueueAttributes',
    facts: ['F51', 'F52', 'F53'],
    run: async (x) => {
      const names = ['KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled'];
      const kms = await x.queue('kms', { KmsMasterKeyId: 'testKeyId', KmsDataKeyReusePeriodSeconds: '6000', SqsManagedSseEnabled: 'false' });
      const sqsOnly = await x.queue('ssesqs');
      const flip = await x.queue('flip');
      const F53: Record<string, unknown> = {};
      F53.set = await set(x, flip, { KmsMasterKeyId: 'testKeyId', KmsDataKeyReusePeriodSeconds: '6000' });
      F53.afterSet = await attrs(x, flip, names);
      F53.reset = await set(x, flip, { KmsMasterKeyId: '', KmsDataKeyReusePeriodSeconds: '300' });
      const all = (await x.c.send('GetQueueAttributes', { QueueUrl: flip, AttributeNames: ['All'] })).output.Attributes ?? {};
      F53.afterReset = { kmsKeysPresent: members(all).filter((k) => k.startsWith('Kms')), SqsManagedSseEnabled: all.SqsManagedSseEnabled };
      return { F51: await attrs(x, kms, names), F52: await attrs(x, sqsOnly, names), F53 };
    },
  },
  {
    id: 'sse-kms-and-sqs-together',
    action: 'CreateQueue',
    facts: ['F54'],
    run: async (x) => e(await x.c.send('CreateQueue', { QueueName: x.name('both-sse'), Attributes: { KmsMasterKeyId: 'testKeyId', SqsManagedSseEnabled: 'true' } })),
  },
  {
    id: 'approximate-counters-standard',
    action: 'GetQueueAttributes',
    facts: ['F55', 'F56', 'F105'],
    run: async (x) => {
      const url = await x.queue('counters');
      for (let i = 0; i < 6; i++) await x.sendOk(url, { MessageBody: `m${i}` });
      const got = await x.receive(url, { MaxNumberOfMessages: 1, VisibilityTimeout: 2 });
      check(got.length === 1, 'one message received');
      let during: number[] = [];
      const okDuring = await x.eventually(async () => ((during = await x.counts(url)), during.join() === '5,1,0'));
      let after: number[] = [];
      const okAfter = await x.eventually(async () => ((after = await x.counts(url)), after.join() === '6,0,0'), 12_000);
      // F105: order is not guaranteed, compare sets of bodies
      const bodies = new Set<string>();
      await x.eventually(async () => {
        for (const m of await x.receive(url, { VisibilityTimeout: 30 })) bodies.add(m.Body);
        return bodies.size === 6;
      });
      return { during: okDuring ? during : { notReached: during }, afterVisibility: okAfter ? after : { notReached: after }, bodies: [...bodies].sort() };
    },
  },
  {
    id: 'approximate-counters-fifo-groups',
    action: 'GetQueueAttributes',
    facts: ['F55', 'F57'],
    run: async (x) => {
      const url = await x.fifo('counters', { ContentBasedDeduplication: 'true' });
      for (let g = 1; g <= 3; g++) for (let i = 0; i < 2; i++) await x.sendOk(url, { MessageBody: `g${g}-m${i}`, MessageGroupId: `g${g}` });
      // one message each from groups 1 and 2
      const got: string[] = [];
      for (let tries = 0; tries < 20 && got.length < 2; tries++) {
        for (const m of await x.receive(url, { MaxNumberOfMessages: 1, VisibilityTimeout: 30 })) {
          if (m.Body.startsWith('g3')) {
            await x.c.send('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 });
          } else got.push(m.Body);
        }
      }
      let c: number[] = [];
      const ok = await x.eventually(async () => ((c = await x.counts(url)), c.join() === '4,2,0'));
      return { received: got.sort(), counters: ok ? c : { notReached: c } };
    },
  },
];
