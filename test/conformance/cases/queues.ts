/** B. Queue names, creation, idempotency, ListQueues. */
import { check, e, mask, maskUrl, type Case } from '../suite.js';

const same = async (x: Parameters<Case['run']>[0], suffix: string, first: Record<string, string> | undefined, second: Record<string, string> | undefined) => {
  const a = await x.c.send('CreateQueue', { QueueName: x.name(suffix), Attributes: first });
  const b = await x.c.send('CreateQueue', { QueueName: x.name(suffix), Attributes: second });
  return { status: [a.status, b.status], sameUrl: a.output.QueueUrl !== undefined && a.output.QueueUrl === b.output.QueueUrl };
};

export const queueCases: Case[] = [
  {
    id: 'createQueue-fifo-attribute-without-suffix',
    action: 'CreateQueue',
    facts: ['F12'],
    // the message text is unverified in the reference
    run: async (x) => e(await x.c.send('CreateQueue', { QueueName: x.name('nosuffix'), Attributes: { FifoQueue: 'true' } }), { noMessage: true }),
  },
  {
    id: 'createQueue-standard-named-fifo',
    action: 'CreateQueue',
    facts: ['F13'],
    run: async (x) => e(await x.c.send('CreateQueue', { QueueName: x.name('std.fifo') }), { noMessage: true }),
  },
  {
    id: 'createQueue-fifo-url-suffix',
    action: 'CreateQueue',
    facts: ['F15'],
    run: async (x) => {
      const url = await x.fifo('suffix');
      return { url: maskUrl(url), endsWithFifo: url.endsWith('.fifo') };
    },
  },
  {
    id: 'createQueue-idempotent',
    action: 'CreateQueue',
    facts: ['F16', 'F17', 'F18', 'F19', 'F23'],
    run: async (x) => {
      const attrs = { DelaySeconds: '1', VisibilityTimeout: '40' };
      const out: Record<string, unknown> = {
        F16_noAttributesTwice: await same(x, 'idem1', undefined, undefined),
        F17_identicalAttributes: await same(x, 'idem2', attrs, attrs),
        F18_thenNoAttributes: await same(x, 'idem3', attrs, undefined),
        F19_subset: await same(x, 'idem4', attrs, { DelaySeconds: '1' }),
      };
      const url = await x.queue('idem5', attrs);
      await x.sendOk(url, { MessageBody: 'counter' });
      await x.receive(url, { VisibilityTimeout: 5 });
      const again = await x.c.send('CreateQueue', { QueueName: x.name('idem5'), Attributes: attrs });
      out.F23_afterMessages = { status: again.status, sameUrl: again.output.QueueUrl === url };
      return out;
    },
  },
  {
    id: 'createQueue-different-attribute',
    action: 'CreateQueue',
    facts: ['F20'],
    run: async (x) => {
      await x.queue('diff', { DelaySeconds: '1' });
      return e(await x.c.send('CreateQueue', { QueueName: x.name('diff'), Attributes: { DelaySeconds: '2' } }));
    },
  },
  {
    id: 'createQueue-compares-current-attributes',
    action: 'CreateQueue',
    facts: ['F21'],
    run: async (x) => {
      const url = await x.queue('current', { DelaySeconds: '1' });
      const set = await x.c.send('SetQueueAttributes', { QueueUrl: url, Attributes: { DelaySeconds: '2' } });
      const withNew = await x.c.send('CreateQueue', { QueueName: x.name('current'), Attributes: { DelaySeconds: '2' } });
      const withOld = await x.c.send('CreateQueue', { QueueName: x.name('current'), Attributes: { DelaySeconds: '1' } });
      return { set: e(set), withNew: { ...e(withNew), sameUrl: withNew.output.QueueUrl === url }, withOld: e(withOld) };
    },
  },
  {
    id: 'createQueue-fifo-different-cbd',
    action: 'CreateQueue',
    facts: ['F22'],
    run: async (x) => {
      await x.fifo('cbd', { ContentBasedDeduplication: 'true' });
      return e(await x.c.send('CreateQueue', { QueueName: x.name('cbd.fifo'), Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false' } }));
    },
  },
  {
    id: 'createQueue-standard-fifoqueue-false',
    action: 'CreateQueue',
    facts: ['F24'],
    run: async (x) => e(await x.c.send('CreateQueue', { QueueName: x.name('ff'), Attributes: { FifoQueue: 'false' } })),
  },
  {
    id: 'createQueue-standard-cbd',
    action: 'CreateQueue',
    facts: ['F25'],
    run: async (x) => e(await x.c.send('CreateQueue', { QueueName: x.name('scbd'), Attributes: { ContentBasedDeduplication: 'true' } })),
  },
  {
    id: 'createQueue-standard-fifo-only-attributes',
    action: 'CreateQueue',
    facts: ['F26', 'F27'],
    run: async (x) => ({
      DeduplicationScope: e(await x.c.send('CreateQueue', { QueueName: x.name('sds'), Attributes: { DeduplicationScope: 'messageGroup' } })),
      FifoThroughputLimit: e(await x.c.send('CreateQueue', { QueueName: x.name('sftl'), Attributes: { FifoThroughputLimit: 'perMessageGroupId' } })),
    }),
  },
  {
    id: 'createQueue-deleted-recently',
    action: 'CreateQueue',
    facts: ['F28'],
    run: async (x) => {
      const url = await x.queue('recent');
      const del = await x.c.send('DeleteQueue', { QueueUrl: url });
      return { delete: e(del), recreate: e(await x.c.send('CreateQueue', { QueueName: x.name('recent') })) };
    },
  },
  {
    id: 'deleteQueue-then-use',
    action: 'DeleteQueue',
    facts: ['F29', 'F5'],
    run: async (x) => {
      const url = await x.queue('gone');
      const del = await x.c.send('DeleteQueue', { QueueUrl: url });
      // AWS may take a moment to forget a deleted queue
      let r = await x.c.send('SendMessage', { QueueUrl: url, MessageBody: 'x' });
      await x.eventually(async () => (r = await x.c.send('SendMessage', { QueueUrl: url, MessageBody: 'x' })).status !== 200);
      return { delete: e(del), send: e(r) };
    },
  },
  {
    id: 'createQueue-same-name-two-regions',
    action: 'CreateQueue',
    facts: ['F30'],
    run: async (x) => {
      const otherRegion = x.c.region === 'us-west-2' ? 'us-east-2' : 'us-west-2';
      const other = x.inRegion(otherRegion);
      const a = await x.queue('regions');
      const rb = await other.send('CreateQueue', { QueueName: x.name('regions') });
      check(rb.status === 200, `CreateQueue in ${otherRegion}: ${rb.code}`);
      const b = rb.output.QueueUrl as string;
      await x.sendOk(a, { MessageBody: 'in-a' });
      const fromB = await other.send('ReceiveMessage', { QueueUrl: b, WaitTimeSeconds: 1 });
      const urlA = await x.c.send('GetQueueUrl', { QueueName: x.name('regions') });
      const urlB = await other.send('GetQueueUrl', { QueueName: x.name('regions') });
      return {
        differentUrls: a !== b,
        receivedInB: (fromB.output.Messages ?? []).length,
        getQueueUrlOwn: urlA.output.QueueUrl === a && urlB.output.QueueUrl === b,
      };
    },
  },
  {
    id: 'queue-url-has-region',
    action: 'CreateQueue',
    facts: ['F31'],
    // the emulator and other endpoints hand out their own address
    targets: ['aws'],
    run: async (x) => {
      const url = await x.queue('region-url');
      return { hasRegionHost: new URL(url).hostname === `sqs.${x.c.region}.amazonaws.com` };
    },
  },
  {
    id: 'listQueues-prefix',
    action: 'ListQueues',
    facts: ['F33'],
    run: async (x) => {
      await x.queue('lp-alpha-1');
      await x.queue('lp-alpha-2');
      await x.queue('lp-beta');
      let r = await x.c.send('ListQueues', { QueueNamePrefix: x.name('lp-alpha') });
      await x.eventually(async () => ((r = await x.c.send('ListQueues', { QueueNamePrefix: x.name('lp-alpha') })).output.QueueUrls ?? []).length >= 2);
      const none = await x.c.send('ListQueues', { QueueNamePrefix: x.name('lp-gamma') });
      return { match: mask(r.output), noMatch: { status: none.status, ...mask(none.output) } };
    },
  },
  {
    id: 'listQueues-pagination',
    action: 'ListQueues',
    facts: ['F34'],
    run: async (x) => {
      for (let i = 0; i < 10; i++) await x.queue(`pg-${i}`);
      const prefix = x.name('pg-');
      await x.eventually(async () => ((await x.c.send('ListQueues', { QueueNamePrefix: prefix, MaxResults: 1000 })).output.QueueUrls ?? []).length === 10);
      const first = await x.c.send('ListQueues', { QueueNamePrefix: prefix, MaxResults: 2 });
      const second = await x.c.send('ListQueues', { QueueNamePrefix: prefix, MaxResults: 10, NextToken: first.output.NextToken });
      const names = (o: any) => (o.QueueUrls ?? []).map((u: string) => maskUrl(u));
      return {
        first: { count: (first.output.QueueUrls ?? []).length, hasNextToken: typeof first.output.NextToken === 'string', urls: names(first.output) },
        second: { count: (second.output.QueueUrls ?? []).length, hasNextToken: second.output.NextToken !== undefined, urls: names(second.output) },
      };
    },
  },
];
