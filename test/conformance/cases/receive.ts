/** G. ReceiveMessage parameters and long polling. */
import { e, type Case } from '../suite.js';

export const receiveCases: Case[] = [
  {
    id: 'receiveMessage-max-11',
    action: 'ReceiveMessage',
    facts: ['F99'],
    run: async (x) => e(await x.c.send('ReceiveMessage', { QueueUrl: await x.queue('rm'), MaxNumberOfMessages: 11 })),
  },
  {
    id: 'receiveMessage-wait-21',
    action: 'ReceiveMessage',
    facts: ['F100'],
    run: async (x) => e(await x.c.send('ReceiveMessage', { QueueUrl: await x.queue('rw'), WaitTimeSeconds: 21 })),
  },
  {
    id: 'receiveMessage-wait-minus-1',
    action: 'ReceiveMessage',
    facts: ['F100'],
    run: async (x) => e(await x.c.send('ReceiveMessage', { QueueUrl: await x.queue('rwm'), WaitTimeSeconds: -1 })),
  },
  {
    id: 'receiveMessage-empty-queue',
    action: 'ReceiveMessage',
    facts: ['F101'],
    run: async (x) => {
      const url = await x.queue('empty-polls');
      const shape = async (p: Record<string, unknown>) => {
        const r = await x.c.send('ReceiveMessage', { QueueUrl: url, ...p });
        return { status: r.status, members: Object.keys(r.output).sort() };
      };
      return { short: await shape({}), wait0: await shape({ WaitTimeSeconds: 0 }), wait1: await shape({ WaitTimeSeconds: 1 }) };
    },
  },
  {
    id: 'receiveMessage-long-poll-returns-early',
    action: 'ReceiveMessage',
    facts: ['F102'],
    run: async (x) => {
      const url = await x.queue('lp-early');
      await x.sendOk(url, { MessageBody: 'a' });
      await x.sendOk(url, { MessageBody: 'b' });
      const t0 = Date.now();
      const got = await x.receive(url, { WaitTimeSeconds: 5, MaxNumberOfMessages: 10 });
      return { gotSome: got.length > 0, under2s: Date.now() - t0 < 2000 };
    },
  },
  {
    id: 'receiveMessage-long-poll-wakes',
    action: 'ReceiveMessage',
    facts: ['F103'],
    run: async (x) => {
      const wake = async (url: string, params: Record<string, unknown>) => {
        const t0 = Date.now();
        const pending = x.receive(url, params);
        await x.sleep(1000);
        await x.sendOk(url, { MessageBody: 'late' });
        const got = await pending;
        return { bodies: got.map((m) => m.Body), wokeWithin5s: Date.now() - t0 < 5000 };
      };
      return {
        parameter: await wake(await x.queue('lp-wake'), { WaitTimeSeconds: 10 }),
        queueAttribute: await wake(await x.queue('lp-wake-attr', { ReceiveMessageWaitTimeSeconds: '10' }), {}),
      };
    },
  },
  {
    id: 'sendMessage-delay-seconds',
    action: 'SendMessage',
    facts: ['F104'],
    run: async (x) => {
      const url = await x.queue('delay1');
      await x.sendOk(url, { MessageBody: 'later', DelaySeconds: 1 });
      const now = (await x.receive(url)).length;
      const later = (await x.receive(url, { WaitTimeSeconds: 2 })).map((m) => m.Body);
      return { immediately: now, withWait2: later };
    },
  },
  {
    id: 'receiveMessage-queue-isolation',
    action: 'ReceiveMessage',
    facts: ['F106'],
    run: async (x) => {
      const a = await x.queue('iso-a');
      const b = await x.queue('iso-b');
      await x.sendOk(a, { MessageBody: 'for-a' });
      return { fromB: (await x.receive(b, { WaitTimeSeconds: 1 })).length, fromA: (await x.receive(a, { WaitTimeSeconds: 1 })).map((m) => m.Body) };
    },
  },
];
