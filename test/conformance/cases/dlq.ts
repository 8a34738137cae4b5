/** J. Dead-letter queues and message move tasks. */
import { check, e, mask, members, maskArn, type Case, type Ctx } from '../suite.js';

const redrive = (deadLetterTargetArn: string, maxReceiveCount: number) => ({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn, maxReceiveCount }) });
/** A DLQ and a source queue redriving to it. */
const pair = async (x: Ctx, suffix: string, maxReceiveCount: number, sourceAttrs: Record<string, string> = {}) => {
  const dlq = await x.queue(`${suffix}-dlq`);
  const dlqArn = await x.arn(dlq);
  const src = await x.queue(`${suffix}-src`, { ...redrive(dlqArn, maxReceiveCount), ...sourceAttrs });
  return { dlq, dlqArn, src, srcArn: await x.arn(src) };
};
const collect = async (x: Ctx, url: string, n: number, params: Record<string, unknown> = {}, bound = 5000) => {
  const out: any[] = [];
  await x.eventually(async () => {
    out.push(...(await x.receive(url, { VisibilityTimeout: 30, ...params })));
    return out.length >= n;
  }, bound);
  return out;
};
/** Moves `n` messages of `src` to its DLQ (maxReceiveCount 1, visibility 0). */
const deadLetter = async (x: Ctx, src: string, dlq: string, bodies: string[]) => {
  for (const b of bodies) await x.sendOk(src, { MessageBody: b });
  await collect(x, src, bodies.length, { VisibilityTimeout: 0 });
  await x.eventually(async () => {
    await x.receive(src, { VisibilityTimeout: 0 });
    return (await x.counts(dlq))[0] >= bodies.length;
  });
};
const decode = (h: string) => {
  try {
    return JSON.parse(Buffer.from(h, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
};

export const dlqCases: Case[] = [
  {
    id: 'listDeadLetterSourceQueues',
    action: 'ListDeadLetterSourceQueues',
    facts: ['F141', 'F140'],
    run: async (x) => {
      const { dlq } = await pair(x, 'ldl', 50);
      let r = await x.c.send('ListDeadLetterSourceQueues', { QueueUrl: dlq });
      await x.eventually(async () => ((r = await x.c.send('ListDeadLetterSourceQueues', { QueueUrl: dlq })).output.queueUrls ?? []).length > 0);
      const raw = x.protocol === 'json' ? members((await x.c.rawJson('ListDeadLetterSourceQueues', { QueueUrl: dlq })).body) : undefined;
      return { ...mask({ status: r.status, ...r.output }), rawJsonMembers: raw };
    },
  },
  {
    id: 'dlq-move-on-exceeding-receive',
    action: 'ReceiveMessage',
    facts: ['F142', 'F143'],
    run: async (x) => {
      const { dlq, src, srcArn } = await pair(x, 'move', 1, { VisibilityTimeout: '0' });
      const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
      const sent = await x.sendOk(src, {
        MessageBody: 'dead',
        MessageAttributes: { Foo: { DataType: 'String', StringValue: 'Bar' } },
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: trace } },
      });
      const first = await collect(x, src, 1, { VisibilityTimeout: 0 });
      const second = await x.receive(src, { WaitTimeSeconds: 1 });
      const [m] = await collect(x, dlq, 1, { AttributeNames: ['All'], MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] });
      return {
        firstReceive: first.length,
        secondReceive: second.length,
        inDlq: {
          sameMessageId: m?.MessageId === sent.MessageId,
          body: m?.Body,
          sameMD5OfBody: m?.MD5OfBody === sent.MD5OfMessageBody,
          sameMD5OfMessageAttributes: m?.MD5OfMessageAttributes === sent.MD5OfMessageAttributes,
          attributes: members(m?.MessageAttributes),
          AWSTraceHeaderKept: m?.Attributes?.AWSTraceHeader === trace,
          DeadLetterQueueSourceArn: m?.Attributes?.DeadLetterQueueSourceArn === srcArn ? maskArn(srcArn) : m?.Attributes?.DeadLetterQueueSourceArn,
          ApproximateReceiveCount: m?.Attributes?.ApproximateReceiveCount,
        },
      };
    },
  },
  {
    id: 'dlq-fifo',
    action: 'ReceiveMessage',
    facts: ['F144'],
    run: async (x) => {
      const dlq = await x.fifo('fdlq', { ContentBasedDeduplication: 'true' });
      const src = await x.fifo('fsrc', { ContentBasedDeduplication: 'true', ...redrive(await x.arn(dlq), 2) });
      const sent = await x.sendOk(src, { MessageBody: 'poison', MessageGroupId: 'g' });
      const receives: number[] = [];
      for (let i = 0; i < 3; i++) receives.push((await x.receive(src, { VisibilityTimeout: 0, WaitTimeSeconds: i < 2 ? 1 : 0 })).length);
      const [m] = await collect(x, dlq, 1);
      await x.sendOk(src, { MessageBody: 'next', MessageGroupId: 'g' });
      const next = await collect(x, src, 1);
      return { receives, movedSameId: m?.MessageId === sent.MessageId, groupAcceptsNew: next.map((n) => n.Body) };
    },
  },
  {
    id: 'startMessageMoveTask-not-a-dlq',
    action: 'StartMessageMoveTask',
    facts: ['F145'],
    run: async (x) => e(await x.c.send('StartMessageMoveTask', { SourceArn: await x.arn(await x.queue('notdlq')) })),
  },
  {
    id: 'startMessageMoveTask-missing-destination',
    action: 'StartMessageMoveTask',
    facts: ['F146', 'F9'],
    run: async (x) => {
      const { dlqArn } = await pair(x, 'nodest', 5);
      return e(await x.c.send('StartMessageMoveTask', { SourceArn: dlqArn, DestinationArn: dlqArn.replace(/:[^:]+$/, ':' + x.name('no-such-destination')) }));
    },
  },
  {
    id: 'cancelMessageMoveTask-errors',
    action: 'CancelMessageMoveTask',
    facts: ['F147', 'F148', 'F149', 'F9'],
    run: async (x) => {
      const { dlqArn } = await pair(x, 'cancel', 5);
      const handle = (sourceArn: string) => Buffer.from(JSON.stringify({ taskId: '9f1c7a52-3b0e-4c55-a1d2-6a0f2c1e9b77', sourceArn })).toString('base64');
      return {
        foobared: e(await x.c.send('CancelMessageMoveTask', { TaskHandle: 'foobared' })),
        unknownSource: e(await x.c.send('CancelMessageMoveTask', { TaskHandle: handle(dlqArn.replace(/:[^:]+$/, ':' + x.name('no-such-source'))) })),
        unknownTask: e(await x.c.send('CancelMessageMoveTask', { TaskHandle: handle(dlqArn) })),
      };
    },
  },
  {
    id: 'messageMoveTask-lifecycle',
    action: 'StartMessageMoveTask',
    also: ['ListMessageMoveTasks'],
    facts: ['F150', 'F151', 'F152', 'F154'],
    run: async (x) => {
      const { dlq, dlqArn, src, srcArn } = await pair(x, 'life', 1, { VisibilityTimeout: '0' });
      await deadLetter(x, src, dlq, ['a', 'b', 'c', 'd']);
      const t0 = Date.now();
      const start = await x.c.send('StartMessageMoveTask', { SourceArn: dlqArn, DestinationArn: srcArn, MaxNumberOfMessagesPerSecond: 1 });
      check(start.status === 200, `StartMessageMoveTask: ${start.code} ${start.message}`);
      const handle = decode(start.output.TaskHandle);
      const second = await x.c.send('StartMessageMoveTask', { SourceArn: dlqArn, DestinationArn: srcArn });
      const running = (await x.c.send('ListMessageMoveTasks', { SourceArn: dlqArn })).output.Results?.[0];
      let done: any;
      await x.eventually(async () => (done = (await x.c.send('ListMessageMoveTasks', { SourceArn: dlqArn })).output.Results?.[0])?.Status === 'COMPLETED', 15_000);
      const elapsed = Date.now() - t0;
      const moved = await collect(x, src, 4);
      return {
        F151_taskHandle: { members: members(handle), taskIdIsUuid: /^[0-9a-f-]{36}$/.test(handle?.taskId ?? ''), sourceArnIsDlq: handle?.sourceArn === dlqArn },
        F150_secondStart: e(second),
        F152_running: { members: members(running), Status: running?.Status, MaxNumberOfMessagesPerSecond: running?.MaxNumberOfMessagesPerSecond },
        // MaxNumberOfMessagesPerSecond on a completed entry is not settled by the reference: left out
        F152_completed: {
          members: members(done).filter((k) => k !== 'MaxNumberOfMessagesPerSecond'),
          Status: done?.Status,
          moved: done?.ApproximateNumberOfMessagesMoved,
          toMove: done?.ApproximateNumberOfMessagesToMove,
        },
        F154_atLeast3s: elapsed >= 3000,
        backInSource: moved.map((m) => m.Body).sort(),
      };
    },
  },
  {
    id: 'messageMoveTask-to-original-sources',
    action: 'StartMessageMoveTask',
    also: ['ListMessageMoveTasks'],
    facts: ['F153', 'F152'],
    run: async (x) => {
      const dlq = await x.queue('orig-dlq');
      const dlqArn = await x.arn(dlq);
      const a = await x.queue('orig-a', { ...redrive(dlqArn, 1), VisibilityTimeout: '0' });
      const b = await x.queue('orig-b', { ...redrive(dlqArn, 1), VisibilityTimeout: '0' });
      await deadLetter(x, a, dlq, ['from-a']);
      await deadLetter(x, b, dlq, ['from-b']);
      const start = await x.c.send('StartMessageMoveTask', { SourceArn: dlqArn });
      let done: any;
      await x.eventually(async () => (done = (await x.c.send('ListMessageMoveTasks', { SourceArn: dlqArn })).output.Results?.[0])?.Status === 'COMPLETED', 15_000);
      return {
        start: e(start),
        completedMembers: members(done),
        inA: (await collect(x, a, 1)).map((m) => m.Body),
        inB: (await collect(x, b, 1)).map((m) => m.Body),
      };
    },
  },
];
