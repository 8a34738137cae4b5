/** I. FIFO semantics. */
import { check, e, type Case, type Ctx } from '../suite.js';

const bodies = (ms: any[]) => ms.map((m) => m.Body);
/** Collects bodies from a queue until `n` are seen or the bound elapses (deleting them). */
const drain = async (x: Ctx, url: string, n: number, bound = 5000) => {
  const out: string[] = [];
  await x.eventually(async () => {
    for (const m of await x.receive(url, { VisibilityTimeout: 30 })) {
      out.push(m.Body);
      await x.c.send('DeleteMessage', { QueueUrl: url, ReceiptHandle: m.ReceiptHandle });
    }
    return out.length >= n;
  }, bound);
  return out;
};
/** Receives nothing for a moment (AWS short polls may miss messages; a 1 s long poll does not). */
const nothing = async (x: Ctx, url: string) => (await x.receive(url, { WaitTimeSeconds: 1 })).length;

export const fifoCases: Case[] = [
  {
    id: 'fifo-send-without-dedup-id',
    action: 'SendMessage',
    facts: ['F117'],
    run: async (x) => e(await x.c.send('SendMessage', { QueueUrl: await x.fifo('nd'), MessageBody: 'x', MessageGroupId: 'g' })),
  },
  {
    id: 'fifo-send-without-group',
    action: 'SendMessage',
    facts: ['F118'],
    run: async (x) => e(await x.c.send('SendMessage', { QueueUrl: await x.fifo('ng', { ContentBasedDeduplication: 'true' }), MessageBody: 'x' })),
  },
  {
    id: 'fifo-dedup-id-validation',
    action: 'SendMessage',
    facts: ['F119'],
    run: async (x) => {
      const url = await x.fifo('dedupval');
      const s = (MessageDeduplicationId: string) => x.c.send('SendMessage', { QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId });
      return {
        length128: e(await s('a'.repeat(128))),
        empty: e(await s('')),
        length129: e(await s('a'.repeat(129))),
        space: e(await s('group 123')),
      };
    },
  },
  {
    id: 'fifo-send-delay-seconds',
    action: 'SendMessage',
    facts: ['F120'],
    run: async (x) =>
      e(await x.c.send('SendMessage', { QueueUrl: await x.fifo('dl', { ContentBasedDeduplication: 'true' }), MessageBody: 'x', MessageGroupId: 'g', DelaySeconds: 2 })),
  },
  {
    id: 'fifo-queue-delay-applies',
    action: 'SendMessage',
    facts: ['F121'],
    run: async (x) => {
      const url = await x.fifo('qdelay', { ContentBasedDeduplication: 'true', DelaySeconds: '2' });
      const r = await x.c.send('SendMessage', { QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g', DelaySeconds: 0 });
      const now = (await x.receive(url)).length;
      await x.sleep(2000);
      const later = await drain(x, url, 1, 4000);
      return { send: e(r), immediately: now, afterDelay: later };
    },
  },
  {
    id: 'fifo-queue-delay-keeps-order',
    action: 'ReceiveMessage',
    facts: ['F122'],
    run: async (x) => {
      const url = await x.fifo('qdelay-order', { ContentBasedDeduplication: 'true', DelaySeconds: '1' });
      for (let i = 0; i < 3; i++) await x.sendOk(url, { MessageBody: `m${i}`, MessageGroupId: 'g' });
      const now = (await x.receive(url)).length;
      await x.sleep(1100);
      return { immediately: now, afterDelay: await drain(x, url, 3) };
    },
  },
  {
    id: 'fifo-sequence-numbers-increase',
    action: 'SendMessage',
    facts: ['F123'],
    run: async (x) => {
      const url = await x.fifo('seqinc', { ContentBasedDeduplication: 'true' });
      const seq: bigint[] = [];
      for (let i = 0; i < 5; i++) seq.push(BigInt((await x.sendOk(url, { MessageBody: `m${i}`, MessageGroupId: i % 2 ? 'a' : 'b' })).SequenceNumber));
      return { strictlyIncreasing: seq.every((v, i) => i === 0 || v > seq[i - 1]) };
    },
  },
  {
    id: 'fifo-group-lock',
    action: 'ReceiveMessage',
    facts: ['F125'],
    run: async (x) => {
      const url = await x.fifo('lock', { ContentBasedDeduplication: 'true' });
      await x.sendOk(url, { MessageBody: 'm0', MessageGroupId: 'g' });
      const [m0] = await x.receive(url, { VisibilityTimeout: 30 });
      check(m0?.Body === 'm0', 'first receive');
      await x.sendOk(url, { MessageBody: 'm1', MessageGroupId: 'g' });
      const whileLocked = (await x.receive(url)).length;
      // a concurrent long poller gets nothing while m0 is in flight, and m1 as soon as m0 is deleted
      const poller = (async () => ({ got: await x.receive(url, { WaitTimeSeconds: 5 }), at: Date.now() }))();
      await x.sleep(1000);
      const deletedAt = Date.now();
      await x.c.send('DeleteMessage', { QueueUrl: url, ReceiptHandle: m0.ReceiptHandle });
      const { got, at } = await poller;
      return { whileLocked, pollerGot: bodies(got), pollerWaitedForDelete: at >= deletedAt, releasedWithin1500ms: at - deletedAt < 1500 };
    },
  },
  {
    id: 'fifo-group-lock-by-position-release',
    action: 'ChangeMessageVisibility',
    also: ['ReceiveMessage'],
    facts: ['F128'],
    manualClock: true,
    run: async (x) => {
      // a released head is receivable again although a later message of its group is in flight
      const scenario = async (suffix: string, release: (handle: string, url: string) => Promise<void>) => {
        const url = await x.fifo(suffix, { ContentBasedDeduplication: 'true', VisibilityTimeout: '30' });
        for (const [body, group] of [['g1-m1', 'g1'], ['g1-m2', 'g1'], ['g2-m1', 'g2']]) {
          await x.sendOk(url, { MessageBody: body, MessageGroupId: group });
        }
        const first = await x.receive(url, { MaxNumberOfMessages: 2 });
        check(first.length === 2, 'first receive');
        await release(first[0].ReceiptHandle, url);
        const next = await x.receive(url, { MaxNumberOfMessages: 3, WaitTimeSeconds: 2 });
        return { first: bodies(first), next: bodies(next) };
      };
      return {
        visibilityZero: await scenario('pos0', async (ReceiptHandle, QueueUrl) => {
          check((await x.c.send('ChangeMessageVisibility', { QueueUrl, ReceiptHandle, VisibilityTimeout: 0 })).status === 200, 'release');
        }),
        shortenedThenExpired: await scenario('pos1', async (ReceiptHandle, QueueUrl) => {
          check((await x.c.send('ChangeMessageVisibility', { QueueUrl, ReceiptHandle, VisibilityTimeout: 1 })).status === 200, 'shorten');
          await x.sleep(1500);
        }),
      };
    },
  },
  {
    id: 'fifo-group-lock-by-position-extend',
    action: 'ChangeMessageVisibility',
    also: ['ReceiveMessage'],
    facts: ['F129'],
    manualClock: true,
    run: async (x) => {
      // extending the message at position k blocks it and what follows, not what precedes it
      const extend = async (k: number) => {
        const url = await x.fifo(`ext${k}`, { ContentBasedDeduplication: 'true', VisibilityTimeout: '1' });
        for (const body of ['foo', 'bar', 'baz']) await x.sendOk(url, { MessageBody: body, MessageGroupId: 'g' });
        const all = await x.receive(url, { MaxNumberOfMessages: 3 });
        check(all.length === 3, 'all three received');
        const r = await x.c.send('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: all[k].ReceiptHandle, VisibilityTimeout: 4 });
        check(r.status === 200, 'extend');
        await x.sleep(2500);
        return bodies(await x.receive(url, { MaxNumberOfMessages: 3 }));
      };
      return { extendFoo: await extend(0), extendBar: await extend(1), extendBaz: await extend(2) };
    },
  },
  {
    id: 'fifo-group-reused-after-empty',
    action: 'ReceiveMessage',
    facts: ['F131'],
    run: async (x) => {
      const url = await x.fifo('reuse', { ContentBasedDeduplication: 'true' });
      await x.sendOk(url, { MessageBody: 'first', MessageGroupId: 'g' });
      const a = await drain(x, url, 1);
      await x.sendOk(url, { MessageBody: 'second', MessageGroupId: 'g' });
      return [...a, ...(await drain(x, url, 1))];
    },
  },
  {
    id: 'fifo-order-survives-visibility-timeout',
    action: 'ReceiveMessage',
    facts: ['F132'],
    run: async (x) => {
      const url = await x.fifo('ordervis', { ContentBasedDeduplication: 'true' });
      for (let i = 0; i < 3; i++) await x.sendOk(url, { MessageBody: `message-${i}`, MessageGroupId: 'g' });
      const first = bodies(await x.receive(url, { VisibilityTimeout: 1 }));
      await x.sleep(1300);
      return { first, afterExpiry: await drain(x, url, 3) };
    },
  },
  {
    id: 'fifo-content-based-dedup',
    action: 'SendMessage',
    facts: ['F133'],
    run: async (x) => {
      const url = await x.fifo('cbd', { ContentBasedDeduplication: 'true' });
      await x.sendOk(url, { MessageBody: 'same', MessageGroupId: 'g' });
      await x.sendOk(url, { MessageBody: 'same', MessageGroupId: 'g' });
      const got = await drain(x, url, 1);
      return { delivered: got, thenNothing: await nothing(x, url) };
    },
  },
  {
    id: 'fifo-dedup-outlives-delete',
    action: 'SendMessage',
    facts: ['F134'],
    run: async (x) => {
      const url = await x.fifo('dedupdel');
      const cbd = await x.fifo('dedupdel-cbd', { ContentBasedDeduplication: 'true' });
      await x.sendOk(url, { MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'd1' });
      await x.sendOk(cbd, { MessageBody: 'same', MessageGroupId: 'g' });
      const first = [...(await drain(x, url, 1)), ...(await drain(x, cbd, 1))];
      const again = await x.c.send('SendMessage', { QueueUrl: url, MessageBody: 'b', MessageGroupId: 'g', MessageDeduplicationId: 'd1' });
      const againCbd = await x.c.send('SendMessage', { QueueUrl: cbd, MessageBody: 'same', MessageGroupId: 'g' });
      return { first, resendStatus: [again.status, againCbd.status], afterResend: [await nothing(x, url), await nothing(x, cbd)] };
    },
  },
  {
    id: 'fifo-dedup-scope-queue',
    action: 'SendMessage',
    facts: ['F135'],
    run: async (x) => {
      const url = await x.fifo('scopeq', { ContentBasedDeduplication: 'true' });
      await x.sendOk(url, { MessageBody: 'x', MessageGroupId: 'g1', MessageDeduplicationId: 'd1' });
      await x.sendOk(url, { MessageBody: 'y', MessageGroupId: 'g2', MessageDeduplicationId: 'd1' });
      await x.sendOk(url, { MessageBody: 'body', MessageGroupId: 'g1' });
      await x.sendOk(url, { MessageBody: 'body', MessageGroupId: 'g2' });
      const got = await drain(x, url, 2);
      return { delivered: got.sort(), thenNothing: await nothing(x, url) };
    },
  },
  {
    id: 'fifo-dedup-scope-message-group',
    action: 'SendMessage',
    facts: ['F136'],
    run: async (x) => {
      const out: Record<string, unknown> = {};
      for (const [label, attrs] of [
        ['scopeOnly', { DeduplicationScope: 'messageGroup' }],
        ['withPerGroupLimit', { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' }],
      ] as const) {
        const url = await x.fifo(`scopeg-${label}`, { ContentBasedDeduplication: 'true', ...attrs });
        await x.sendOk(url, { MessageBody: 'x', MessageGroupId: 'g1', MessageDeduplicationId: 'd1' });
        await x.sendOk(url, { MessageBody: 'y', MessageGroupId: 'g2', MessageDeduplicationId: 'd1' });
        await x.sendOk(url, { MessageBody: 'body', MessageGroupId: 'g1' });
        await x.sendOk(url, { MessageBody: 'body', MessageGroupId: 'g2' });
        out[label] = (await drain(x, url, 4)).sort();
      }
      return out;
    },
  },
  {
    id: 'fifo-dedup-scope-change-after-creation',
    action: 'SetQueueAttributes',
    facts: ['F137'],
    run: async (x) => {
      const toGroup = await x.fifo('scopech-g', { ContentBasedDeduplication: 'true' });
      const toQueue = await x.fifo('scopech-q', { ContentBasedDeduplication: 'true', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
      const s1 = await x.c.send('SetQueueAttributes', { QueueUrl: toGroup, Attributes: { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' } });
      const s2 = await x.c.send('SetQueueAttributes', { QueueUrl: toQueue, Attributes: { DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue' } });
      const readBack = async (url: string) =>
        (await x.c.send('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['DeduplicationScope', 'FifoThroughputLimit'] })).output.Attributes;
      const probe = async (url: string) => {
        await x.sendOk(url, { MessageBody: 'x', MessageGroupId: 'g1', MessageDeduplicationId: 'new-id' });
        await x.sendOk(url, { MessageBody: 'y', MessageGroupId: 'g2', MessageDeduplicationId: 'new-id' });
        return (await drain(x, url, 2, 2500)).sort();
      };
      return {
        queueToGroup: { set: e(s1), readBack: await readBack(toGroup), delivered: await probe(toGroup) },
        groupToQueue: { set: e(s2), readBack: await readBack(toQueue), delivered: await probe(toQueue) },
      };
    },
  },
  {
    id: 'fifo-purge-clears-dedup',
    action: 'PurgeQueue',
    facts: ['F138'],
    run: async (x) => {
      const url = await x.fifo('purgededup');
      await x.sendOk(url, { MessageBody: 'before', MessageGroupId: 'g', MessageDeduplicationId: 'd1' });
      const p = await x.c.send('PurgeQueue', { QueueUrl: url });
      // no dependence on purge timing: wait until the purge has visibly happened
      await x.eventually(async () => (await x.counts(url)).join() === '0,0,0');
      await x.sendOk(url, { MessageBody: 'after', MessageGroupId: 'g', MessageDeduplicationId: 'd1' });
      return { purge: e(p), delivered: await drain(x, url, 1) };
    },
  },
];
