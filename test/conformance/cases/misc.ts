/** K. Purge, retention, tags, permissions. */
import { check, e, members, type Case } from '../suite.js';

export const miscCases: Case[] = [
  {
    id: 'purgeQueue-twice',
    action: 'PurgeQueue',
    facts: ['F157', 'F9'],
    run: async (x) => {
      const url = await x.queue('purge2');
      return { first: e(await x.c.send('PurgeQueue', { QueueUrl: url })), second: e(await x.c.send('PurgeQueue', { QueueUrl: url })) };
    },
  },
  {
    id: 'purgeQueue-removes-everything',
    action: 'PurgeQueue',
    facts: ['F158'],
    run: async (x) => {
      const url = await x.queue('purgeall');
      await x.sendOk(url, { MessageBody: 'inflight' });
      await x.eventually(async () => (await x.receive(url, { VisibilityTimeout: 60 })).length > 0);
      await x.sendOk(url, { MessageBody: 'visible' });
      await x.sendOk(url, { MessageBody: 'delayed', DelaySeconds: 60 });
      let before: number[] = [];
      await x.eventually(async () => ((before = await x.counts(url)), before.join() === '1,1,1'));
      const p = await x.c.send('PurgeQueue', { QueueUrl: url });
      let after: number[] = [];
      const ok = await x.eventually(async () => ((after = await x.counts(url)), after.join() === '0,0,0'));
      const sendAfter = await x.c.send('SendMessage', { QueueUrl: url, MessageBody: 'after' });
      return { before, purge: e(p), after: ok ? after : { notReached: after }, sendAfter: e(sendAfter) };
    },
  },
  {
    id: 'retention-expires-messages',
    action: 'SetQueueAttributes',
    facts: ['F159'],
    // 60 s is AWS's minimum retention: on the emulator this case runs on a ManualClock
    manualClock: true,
    run: async (x) => {
      const std = await x.queue('retain', { MessageRetentionPeriod: '60' });
      const fifo = await x.fifo('retain', { MessageRetentionPeriod: '60', ContentBasedDeduplication: 'true' });
      await x.sendOk(std, { MessageBody: 'visible' });
      await x.sendOk(std, { MessageBody: 'inflight' });
      await x.sendOk(fifo, { MessageBody: 'fifo', MessageGroupId: 'g' });
      const inflight = await x.receive(std, { MaxNumberOfMessages: 1, VisibilityTimeout: 300 });
      check(inflight.length === 1, 'in-flight message');
      await x.sleep(61_000);
      let c: number[] = [];
      let f: number[] = [];
      await x.eventually(async () => ((c = await x.counts(std)), (f = await x.counts(fifo)), c.join() === '0,0,0' && f.join() === '0,0,0'), 30_000);
      const del = await x.c.send('DeleteMessage', { QueueUrl: std, ReceiptHandle: inflight[0].ReceiptHandle });
      return { standard: c, fifo: f, receive: [(await x.receive(std)).length, (await x.receive(fifo)).length], deleteExpiredHandle: e(del) };
    },
  },
  {
    id: 'tags',
    action: 'TagQueue',
    also: ['ListQueueTags', 'UntagQueue'],
    facts: ['F160', 'F161'],
    run: async (x) => {
      const url = await x.queue('tags');
      const list = async () => {
        const r = await x.c.send('ListQueueTags', { QueueUrl: url });
        return { status: r.status, ...r.output };
      };
      const out: Record<string, unknown> = {};
      out.untagged = await list();
      out.tag = e(await x.c.send('TagQueue', { QueueUrl: url, Tags: { MyTag: 'one', mytag: 'two', empty: '' } }));
      out.afterTag = await list();
      out.overwriteAndMerge = e(await x.c.send('TagQueue', { QueueUrl: url, Tags: { MyTag: 'changed', extra: 'x' } }));
      out.afterMerge = await list();
      out.untagMissing = e(await x.c.send('UntagQueue', { QueueUrl: url, TagKeys: ['missing', 'mytag'] }));
      out.afterUntag = await list();
      const created = await x.queue('tags-at-create', undefined, { team: 'conformance' });
      out.createdWithTags = (await x.c.send('ListQueueTags', { QueueUrl: created })).output;
      return out;
    },
  },
  {
    id: 'permissions',
    action: 'AddPermission',
    also: ['RemovePermission'],
    facts: ['F162', 'F163', 'F164', 'F165'],
    run: async (x) => {
      const url = await x.queue('perm');
      const arn = await x.arn(url);
      const account = arn.split(':')[4];
      const policy = async () => {
        const r = await x.c.send('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['Policy'] });
        if (!r.output.Attributes?.Policy) return { attributesMembers: members(r.output), policyAbsent: true };
        const p = JSON.parse(r.output.Attributes.Policy);
        const sub = (v: unknown): unknown =>
          typeof v === 'string' ? v.split(arn).join('<queue-arn>').split(account).join('<account>') : Array.isArray(v) ? v.map(sub) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, w]) => [k, sub(w)])) : v;
        return sub(p);
      };
      const out: Record<string, unknown> = {};
      out.add = e(await x.c.send('AddPermission', { QueueUrl: url, Label: 'crossaccountpermission', AWSAccountIds: [account], Actions: ['ReceiveMessage'] }));
      out.F162_oneAccount = await policy();
      out.F163_sameLabel = e(await x.c.send('AddPermission', { QueueUrl: url, Label: 'crossaccountpermission', AWSAccountIds: [account], Actions: ['ReceiveMessage'] }));
      out.F164_unknownLabel = e(await x.c.send('RemovePermission', { QueueUrl: url, Label: 'crossaccountpermission2' }));
      out.remove = e(await x.c.send('RemovePermission', { QueueUrl: url, Label: 'crossaccountpermission' }));
      out.F165_afterLastRemoved = await policy();
      out.addTwoAccounts = e(await x.c.send('AddPermission', { QueueUrl: url, Label: 'two', AWSAccountIds: [account, '111122223333'], Actions: ['ReceiveMessage'] }));
      out.F162_twoAccounts = ((await policy()) as any).Statement?.[0]?.Principal;
      return out;
    },
  },
  {
    id: 'policy-round-trip',
    action: 'SetQueueAttributes',
    facts: ['F166'],
    run: async (x) => {
      const url = await x.queue('policy');
      const arn = await x.arn(url);
      const policy = { Version: '2012-10-17', Id: 'conformance', Statement: [{ Sid: 'send', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sqs:SendMessage', Resource: arn }] };
      const s = await x.c.send('SetQueueAttributes', { QueueUrl: url, Attributes: { Policy: JSON.stringify(policy) } });
      const viaAll = (await x.c.send('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] })).output.Attributes?.Policy;
      const viaName = (await x.c.send('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['Policy'] })).output.Attributes?.Policy;
      const action = (p?: string) => (p ? JSON.parse(p).Statement?.[0]?.Action : undefined);
      return { set: e(s), actionViaAll: action(viaAll), actionViaName: action(viaName), sameDocument: JSON.stringify(JSON.parse(viaAll ?? 'null')) === JSON.stringify(policy) };
    },
  },
];
