/** H. Batch operations. */
import { check, e, mask, type Case, type Ctx } from '../suite.js';

const entries = (n: number, f: (i: number) => Record<string, unknown>) => Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, ...f(i) }));
const batch = (x: Ctx, action: string, url: string, Entries: unknown[]) => x.c.send(action, { QueueUrl: url, Entries });
/** Success/failure lists with ids kept and ordering made stable. */
const lists = (r: Awaited<ReturnType<Ctx['c']['send']>>) => {
  if (r.status !== 200) return e(r);
  const o = mask(r.output);
  const byId = (a: any, b: any) => String(a.Id).localeCompare(String(b.Id));
  return { status: r.status, Successful: (o.Successful ?? []).sort(byId), Failed: (o.Failed ?? []).sort(byId) };
};

export const batchCases: Case[] = [
  {
    id: 'sendMessageBatch-20-entries',
    action: 'SendMessageBatch',
    facts: ['F107'],
    run: async (x) => e(await batch(x, 'SendMessageBatch', await x.queue('b20'), entries(20, () => ({ MessageBody: 'x' })))),
  },
  {
    id: 'deleteMessageBatch-20-entries',
    action: 'DeleteMessageBatch',
    facts: ['F107'],
    run: async (x) => e(await batch(x, 'DeleteMessageBatch', await x.queue('d20'), entries(20, () => ({ ReceiptHandle: 'x' })))),
  },
  {
    id: 'changeMessageVisibilityBatch-20-entries',
    action: 'ChangeMessageVisibilityBatch',
    facts: ['F107'],
    run: async (x) => e(await batch(x, 'ChangeMessageVisibilityBatch', await x.queue('c20'), entries(20, () => ({ ReceiptHandle: 'x', VisibilityTimeout: 1 })))),
  },
  {
    id: 'batch-invalid-entry-ids',
    action: 'DeleteMessageBatch',
    facts: ['F108'],
    run: async (x) => {
      const url = await x.queue('badid');
      return {
        sendColon: e(await batch(x, 'SendMessageBatch', url, [{ Id: 'a:b', MessageBody: 'x' }])),
        deleteEmpty: e(await batch(x, 'DeleteMessageBatch', url, [{ Id: '', ReceiptHandle: 'x' }])),
        delete100: e(await batch(x, 'DeleteMessageBatch', url, [{ Id: 'i'.repeat(100), ReceiptHandle: 'x' }])),
      };
    },
  },
  {
    id: 'sendMessageBatch-empty',
    action: 'SendMessageBatch',
    facts: ['F109'],
    run: async (x) => e(await batch(x, 'SendMessageBatch', await x.queue('bempty'), [])),
  },
  {
    id: 'sendMessageBatch-total-too-long',
    action: 'SendMessageBatch',
    facts: ['F110'],
    run: async (x) => {
      const big = [
        { Id: 'a', MessageBody: 'a'.repeat(524288) },
        { Id: 'b', MessageBody: 'b'.repeat(524281), MessageAttributes: { k: { DataType: 'String', StringValue: 'x' } } },
      ];
      return {
        defaultQueue: e(await batch(x, 'SendMessageBatch', await x.queue('btl'), big)),
        smallMaximum: e(await batch(x, 'SendMessageBatch', await x.queue('btl-small', { MaximumMessageSize: '1024' }), big)),
      };
    },
  },
  {
    id: 'sendMessageBatch-entry-limit-inclusive',
    action: 'SendMessageBatch',
    facts: ['F111'],
    run: async (x) => {
      const url = await x.queue('b2048', { MaximumMessageSize: '2048' });
      return lists(
        await batch(x, 'SendMessageBatch', url, [
          { Id: 'exact', MessageBody: 'a'.repeat(2048 - 13), MessageAttributes: { ab: { DataType: 'String', StringValue: 'xyzab' } } },
          { Id: 'one', MessageBody: 'b' },
        ]),
      );
    },
  },
  {
    id: 'sendMessageBatch-entry-too-long',
    action: 'SendMessageBatch',
    facts: ['F112'],
    run: async (x) => {
      const url = await x.queue('b1024', { MaximumMessageSize: '1024' });
      return lists(
        await batch(x, 'SendMessageBatch', url, [
          { Id: 'fits', MessageBody: 'a'.repeat(1024) },
          { Id: 'over', MessageBody: 'b'.repeat(1025) },
        ]),
      );
    },
  },
  {
    id: 'sendMessageBatch-invalid-contents-entry',
    action: 'SendMessageBatch',
    facts: ['F113'],
    run: async (x) => {
      const r = await batch(x, 'SendMessageBatch', await x.queue('bbad'), entries(10, (i) => ({ MessageBody: i === 3 ? '\u0001' : `ok${i}` })));
      check(r.status === 200, `SendMessageBatch: ${r.code}`);
      return { status: r.status, successful: (r.output.Successful ?? []).length, failed: (r.output.Failed ?? []).map((f: any) => ({ Id: f.Id, Code: f.Code, SenderFault: f.SenderFault })) };
    },
  },
  {
    id: 'sendMessageBatch-fifo-missing-dedup',
    action: 'SendMessageBatch',
    facts: ['F114'],
    run: async (x) =>
      e(
        await batch(x, 'SendMessageBatch', await x.fifo('bnodedup'), [
          { Id: 'a', MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd1' },
          { Id: 'b', MessageBody: 'y', MessageGroupId: 'g' },
        ]),
      ),
  },
  {
    id: 'sendMessageBatch-fifo-missing-group',
    action: 'SendMessageBatch',
    facts: ['F115'],
    run: async (x) =>
      e(
        await batch(x, 'SendMessageBatch', await x.fifo('bnogroup', { ContentBasedDeduplication: 'true' }), [
          { Id: 'a', MessageBody: 'x', MessageGroupId: 'g' },
          { Id: 'b', MessageBody: 'y' },
        ]),
      ),
  },
  {
    id: 'deleteMessageBatch-uuid-ids',
    action: 'DeleteMessageBatch',
    facts: ['F116'],
    run: async (x) => {
      const url = await x.queue('buuid');
      for (let i = 0; i < 3; i++) await x.sendOk(url, { MessageBody: `m${i}` });
      const got = new Map<string, string>();
      await x.eventually(async () => {
        for (const m of await x.receive(url, { VisibilityTimeout: 30 })) got.set(m.MessageId, m.ReceiptHandle);
        return got.size === 3;
      });
      const r = await batch(x, 'DeleteMessageBatch', url, [...got].map(([Id, ReceiptHandle]) => ({ Id, ReceiptHandle })));
      let c: number[] = [];
      const empty = await x.eventually(async () => ((c = await x.counts(url)), c.join() === '0,0,0'));
      return { delete: lists(r), counters: empty ? c : { notReached: c } };
    },
  },
  {
    id: 'changeMessageVisibilityBatch-success',
    action: 'ChangeMessageVisibilityBatch',
    facts: ['F69'],
    run: async (x) => {
      const url = await x.queue('cmvb');
      await x.sendOk(url, { MessageBody: 'a' });
      await x.sendOk(url, { MessageBody: 'b' });
      const got: any[] = [];
      await x.eventually(async () => {
        got.push(...(await x.receive(url, { VisibilityTimeout: 30 })));
        return got.length >= 2;
      });
      const r = await batch(x, 'ChangeMessageVisibilityBatch', url, got.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })));
      const back: string[] = [];
      await x.eventually(async () => {
        back.push(...(await x.receive(url, { VisibilityTimeout: 30 })).map((m) => m.Body));
        return back.length >= 2;
      }, 3000);
      return { change: lists(r), receivableAgain: back.sort() };
    },
  },
];
