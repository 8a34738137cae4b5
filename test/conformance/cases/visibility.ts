/** D. Visibility timeout and receipt handles. */
import { check, e, maskName, type Case, type Ctx } from '../suite.js';

const one = async (x: Ctx, url: string, params: Record<string, unknown> = {}) => {
  const got = await x.receive(url, { MaxNumberOfMessages: 1, ...params });
  check(got.length === 1, `expected one message, got ${got.length}`);
  return got[0];
};
const cmv = async (x: Ctx, url: string, ReceiptHandle: string, VisibilityTimeout: number) =>
  x.c.send('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle, VisibilityTimeout });
const del = async (x: Ctx, url: string, ReceiptHandle: string) => x.c.send('DeleteMessage', { QueueUrl: url, ReceiptHandle });
/** Error envelope with the receipt handle in the message masked. */
const eh = (r: Awaited<ReturnType<Ctx['c']['send']>>, handle: string) => {
  const out = e(r);
  if (typeof out.message === 'string') out.message = maskName(out.message.split(handle).join('<handle>'));
  return out;
};

export const visibilityCases: Case[] = [
  {
    id: 'changeMessageVisibility-after-expiry',
    action: 'ChangeMessageVisibility',
    facts: ['F58'],
    run: async (x) => {
      const url = await x.queue('cmv-exp');
      await x.sendOk(url, { MessageBody: 'x' });
      const m = await one(x, url, { VisibilityTimeout: 1 });
      await x.sleep(1500);
      const r = await cmv(x, url, m.ReceiptHandle, 10);
      return { ...e(r), members: Object.keys(r.output) };
    },
  },
  {
    id: 'changeMessageVisibility-malformed-handle',
    action: 'ChangeMessageVisibility',
    facts: ['F59'],
    // the reference records the code, not the message
    run: async (x) => e(await cmv(x, await x.queue('cmv-bad'), 'INVALID', 10), { noMessage: true }),
  },
  {
    id: 'deleteMessage-garbage-handle',
    action: 'DeleteMessage',
    facts: ['F60', 'F9'],
    run: async (x) => e(await del(x, await x.queue('dg'), 'garbage')),
  },
  {
    id: 'changeMessageVisibility-deleted-message',
    action: 'ChangeMessageVisibility',
    facts: ['F61'],
    run: async (x) => {
      const url = await x.queue('cmv-del');
      await x.sendOk(url, { MessageBody: 'x' });
      const m = await one(x, url);
      const d = await del(x, url, m.ReceiptHandle);
      return { delete: e(d), change: eh(await cmv(x, url, m.ReceiptHandle, 10), m.ReceiptHandle) };
    },
  },
  {
    id: 'deleteMessage-repeated',
    action: 'DeleteMessage',
    facts: ['F62'],
    run: async (x) => {
      const url = await x.queue('del-rep');
      await x.sendOk(url, { MessageBody: 'x' });
      const m = await one(x, url);
      return [e(await del(x, url, m.ReceiptHandle)), e(await del(x, url, m.ReceiptHandle)), e(await del(x, url, m.ReceiptHandle))];
    },
  },
  {
    id: 'deleteMessage-expired-handle-standard',
    action: 'DeleteMessage',
    facts: ['F63'],
    run: async (x) => {
      const url = await x.queue('del-exp');
      await x.sendOk(url, { MessageBody: 'x' });
      const m = await one(x, url, { VisibilityTimeout: 1 });
      await x.sleep(1500);
      const d = await del(x, url, m.ReceiptHandle);
      let c: number[] = [];
      const empty = await x.eventually(async () => ((c = await x.counts(url)), c[0] === 0 && c[1] === 0));
      return { delete: e(d), counters: empty ? c : { notReached: c }, receive: (await x.receive(url)).length };
    },
  },
  {
    id: 'deleteMessage-expired-handle-fifo',
    action: 'DeleteMessage',
    facts: ['F64'],
    run: async (x) => {
      const url = await x.fifo('del-exp', { ContentBasedDeduplication: 'true' });
      await x.sendOk(url, { MessageBody: 'x', MessageGroupId: 'g' });
      const m = await one(x, url, { VisibilityTimeout: 1 });
      await x.sleep(1500);
      return eh(await del(x, url, m.ReceiptHandle), m.ReceiptHandle);
    },
  },
  {
    id: 'fifo-extend-then-delete',
    action: 'ChangeMessageVisibility',
    facts: ['F65'],
    run: async (x) => {
      const url = await x.fifo('extend', { ContentBasedDeduplication: 'true' });
      await x.sendOk(url, { MessageBody: 'x', MessageGroupId: 'g' });
      const m = await one(x, url, { VisibilityTimeout: 1 });
      const c = await cmv(x, url, m.ReceiptHandle, 5);
      await x.sleep(1500);
      const d = await del(x, url, m.ReceiptHandle);
      let counts: number[] = [];
      const empty = await x.eventually(async () => ((counts = await x.counts(url)), counts.join() === '0,0,0'));
      return { change: e(c), delete: e(d), counters: empty ? counts : { notReached: counts } };
    },
  },
  {
    id: 'receipt-handles-differ',
    action: 'ReceiveMessage',
    facts: ['F66'],
    run: async (x) => {
      const url = await x.queue('handles');
      await x.sendOk(url, { MessageBody: 'x' });
      const a = await one(x, url, { VisibilityTimeout: 0 });
      let b: any;
      await x.eventually(async () => ((b = (await x.receive(url, { VisibilityTimeout: 0 }))[0]), b !== undefined));
      return { sameMessage: a.MessageId === b?.MessageId, differentHandles: a.ReceiptHandle !== b?.ReceiptHandle };
    },
  },
  {
    id: 'receive-visibility-zero',
    action: 'ReceiveMessage',
    facts: ['F67'],
    run: async (x) => {
      const url = await x.queue('vis0');
      await x.sendOk(url, { MessageBody: 'x' });
      const first = await x.receive(url, { VisibilityTimeout: 0 });
      let second: any[] = [];
      await x.eventually(async () => (second = await x.receive(url)).length > 0);
      const third = await x.receive(url);
      return { first: first.length, secondWithoutParameter: second.length, thirdHidden: third.length };
    },
  },
  {
    id: 'receive-visibility-overrides-queue',
    action: 'ReceiveMessage',
    facts: ['F68'],
    run: async (x) => {
      const url = await x.queue('visov', { VisibilityTimeout: '30' });
      await x.sendOk(url, { MessageBody: 'x' });
      await one(x, url, { VisibilityTimeout: 1 });
      const hidden = (await x.receive(url)).length;
      await x.sleep(1500);
      let back: any[] = [];
      await x.eventually(async () => (back = await x.receive(url)).length > 0, 3000);
      return { hiddenAtOnce: hidden, backAfterOneSecond: back.length };
    },
  },
  {
    id: 'changeMessageVisibility-zero',
    action: 'ChangeMessageVisibility',
    facts: ['F69'],
    run: async (x) => {
      const url = await x.queue('cmv0');
      await x.sendOk(url, { MessageBody: 'x' });
      const m = await one(x, url);
      const c = await cmv(x, url, m.ReceiptHandle, 0);
      let again: any[] = [];
      await x.eventually(async () => (again = await x.receive(url)).length > 0, 3000);
      const third = await x.receive(url);
      return { change: e(c), receivableAtOnce: again.length, hiddenAgain: third.length };
    },
  },
  {
    id: 'changeMessageVisibility-repeated-extension',
    action: 'ChangeMessageVisibility',
    facts: ['F70'],
    run: async (x) => {
      const url = await x.queue('cmvrep');
      await x.sendOk(url, { MessageBody: 'x' });
      const m = await one(x, url, { VisibilityTimeout: 2 });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        await x.sleep(1000);
        statuses.push((await cmv(x, url, m.ReceiptHandle, 2)).status);
      }
      return { statuses, hiddenAfterFourSeconds: (await x.receive(url)).length };
    },
  },
  {
    id: 'message-reappears-after-visibility',
    action: 'ReceiveMessage',
    facts: ['F71'],
    run: async (x) => {
      const url = await x.queue('reappear');
      await x.sendOk(url, { MessageBody: 'same body' });
      await one(x, url, { VisibilityTimeout: 1 });
      await x.sleep(1200);
      let back: any[] = [];
      await x.eventually(async () => (back = await x.receive(url)).length > 0, 3000);
      return back.map((m) => m.Body);
    },
  },
];
