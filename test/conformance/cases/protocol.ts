/** A. Error envelopes and protocol mechanics; L. query on queue URLs. */
import { e, members, type Case } from '../suite.js';

export const protocolCases: Case[] = [
  {
    id: 'getQueueUrl-missing',
    action: 'GetQueueUrl',
    facts: ['F2', 'F5', 'F9', 'F6'],
    run: async (x) => {
      const r = await x.c.send('GetQueueUrl', { QueueName: x.name('never-created') });
      // F6: the JSON client picks the modelled exception class from __type
      return { ...e(r), exceptionClass: x.protocol === 'json' ? r.name : undefined };
    },
  },
  {
    id: 'json-error-envelopes',
    action: 'GetQueueUrl',
    facts: ['F1', 'F2', 'F4', 'F8', 'F9'],
    protocols: ['json'],
    run: async (x) => {
      const url = await x.queue('env', { DelaySeconds: '1' });
      const fifo = await x.fifo('env');
      const one = async (action: string, body: unknown) => {
        const r = await x.c.rawJson(action, body);
        const type = String(r.body?.__type ?? '');
        const shape = type.split('#').pop();
        // full namespaces are recorded for two shapes (F8); the others are checked as namespaced
        const full = shape === 'InvalidParameterValueException' || shape === 'BatchRequestTooLong';
        return {
          status: r.status,
          'x-amzn-query-error': r.headers['x-amzn-query-error'],
          __type: full ? type : `${type.includes('#') ? '<namespace>#' : ''}${shape}`,
          bodyMembers: members(r.body),
        };
      };
      await x.c.send('PurgeQueue', { QueueUrl: url });
      const big = 'a'.repeat(524289);
      return {
        InvalidParameterValue: await one('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 11 }),
        MissingParameter: await one('SendMessage', { QueueUrl: url, MessageBody: '' }),
        NonExistentQueue: await one('GetQueueUrl', { QueueName: x.name('never-created') }),
        QueueAlreadyExists: await one('CreateQueue', { QueueName: x.name('env'), Attributes: { DelaySeconds: '2' } }),
        BatchRequestTooLong: await one('SendMessageBatch', { QueueUrl: url, Entries: [{ Id: 'a', MessageBody: big }, { Id: 'b', MessageBody: big }] }),
        TooManyEntriesInBatchRequest: await one('SendMessageBatch', {
          QueueUrl: url,
          Entries: Array.from({ length: 20 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' })),
        }),
        InvalidBatchEntryId: await one('SendMessageBatch', { QueueUrl: url, Entries: [{ Id: 'a:b', MessageBody: 'x' }] }),
        PurgeQueueInProgress: await one('PurgeQueue', { QueueUrl: url }),
        InvalidAttributeName: await one('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['Foobar'] }),
        InvalidAttributeValue: await one('SetQueueAttributes', { QueueUrl: fifo, Attributes: { FifoQueue: 'false' } }),
        ResourceNotFoundException: await one('CancelMessageMoveTask', {
          TaskHandle: Buffer.from(
            JSON.stringify({ taskId: '2a1b3c4d-0000-4000-8000-000000000000', sourceArn: (await x.arn(url)).replace(/:[^:]+$/, ':' + x.name('no-such-dlq')) }),
          ).toString('base64'),
        }),
      };
    },
  },
  {
    id: 'query-error-envelope',
    action: 'GetQueueUrl',
    facts: ['F3', 'F5', 'F7', 'F2'],
    protocols: ['query'],
    run: async (x) => {
      const r = await x.c.rawQuery({ Action: 'GetQueueUrl', Version: '2012-11-05', QueueName: x.name('never-created') });
      const env = r.body?.ErrorResponse;
      return {
        status: r.status,
        root: Object.keys(r.body ?? {}).filter((k) => k !== '?xml'),
        xmlns: env?.['@_xmlns'],
        Error: env?.Error,
        hasRequestId: typeof env?.RequestId === 'string' && env.RequestId.length > 0,
      };
    },
  },
  {
    id: 'json-empty-results-have-no-members',
    action: 'ReceiveMessage',
    facts: ['F10'],
    protocols: ['json'],
    run: async (x) => {
      const url = await x.queue('empty');
      const receive = await x.c.rawJson('ReceiveMessage', { QueueUrl: url });
      const list = await x.c.rawJson('ListQueues', { QueueNamePrefix: x.name('no-such-prefix') });
      const tags = await x.c.rawJson('ListQueueTags', { QueueUrl: url });
      return {
        ReceiveMessage: { status: receive.status, members: members(receive.body) },
        ListQueues: { status: list.status, members: members(list.body) },
        ListQueueTags: { status: tags.status, members: members(tags.body) },
      };
    },
  },
  {
    id: 'query-empty-receive-self-closing',
    action: 'ReceiveMessage',
    facts: ['F11'],
    protocols: ['query'],
    run: async (x) => {
      const url = await x.queue('empty');
      const r = await x.c.rawQuery({ Action: 'ReceiveMessage', Version: '2012-11-05', QueueUrl: url });
      return { status: r.status, selfClosingResult: r.text.includes('<ReceiveMessageResult/>') };
    },
  },
  {
    id: 'query-get-and-accept-json',
    action: 'ListQueues',
    facts: ['F35'],
    protocols: ['query'],
    run: async (x) => {
      const params = { Action: 'ListQueues', Version: '2012-11-05', QueueNamePrefix: x.name('no-such-prefix') };
      const plain = await x.c.rawQuery(params, { method: 'GET' });
      const json = await x.c.rawQuery(params, { method: 'GET', headers: { accept: 'application/json' } });
      const root = (b: unknown) => (b && typeof b === 'object' ? Object.keys(b).filter((k) => k !== '?xml') : typeof b);
      return {
        xml: { status: plain.status, isXml: plain.text.startsWith('<'), root: root(plain.body) },
        acceptJson: { status: json.status, isJson: json.text.startsWith('{'), root: root(json.body) },
      };
    },
  },
  {
    id: 'request-to-queue-url-path',
    action: 'SendMessage',
    facts: ['L'],
    run: async (x) => {
      const url = await x.queue('path');
      const path = new URL(url).pathname;
      const r =
        x.protocol === 'query'
          ? await x.c.rawQuery({ Action: 'SendMessage', Version: '2012-11-05', MessageBody: 'by-path' }, { path })
          : await x.c.rawJson('SendMessage', { QueueUrl: url, MessageBody: 'by-path' }, { path });
      const got = await x.receive(url);
      return { status: r.status, received: got.map((m) => m.Body) };
    },
  },
];
