/** A. Error envelopes and protocol mechanics; L. query on queue URLs; N. protocol edges. */
import { e, maskUrl, members, type Case } from '../suite.js';

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
  {
    id: 'query-empty-entries-bare-name',
    action: 'SendMessageBatch',
    also: ['DeleteMessageBatch', 'ChangeMessageVisibilityBatch'],
    facts: ['F180'],
    protocols: ['query'],
    run: async (x) => {
      const url = await x.queue('bare-entries');
      const out: Record<string, unknown> = {};
      // botocore's form of an empty list: the member name with an empty value
      for (const action of ['SendMessageBatch', 'DeleteMessageBatch', 'ChangeMessageVisibilityBatch']) {
        const r = await x.c.rawQuery({ Action: action, Version: '2012-11-05', QueueUrl: url, Entries: '' });
        out[action] = { status: r.status, Error: r.body?.ErrorResponse?.Error };
      }
      return out;
    },
  },
  {
    id: 'query-no-action-at-queue-url',
    action: 'GetQueueUrl',
    facts: ['F181'],
    protocols: ['query'],
    run: async (x) => {
      const path = new URL(await x.queue('no-action')).pathname;
      const one = async (r: { status: number; text: string; body: any }) => ({
        status: r.status,
        isXml: r.text.startsWith('<'),
        root: r.body && typeof r.body === 'object' ? Object.keys(r.body).filter((k) => k !== '?xml') : typeof r.body,
      });
      return {
        get: await one(await x.c.rawQuery({}, { method: 'GET', path })),
        getAcceptJson: await one(await x.c.rawQuery({}, { method: 'GET', path, headers: { accept: 'application/json' } })),
        formPost: await one(await x.c.rawQuery({}, { path })),
        formPostAcceptJson: await one(await x.c.rawQuery({}, { path, headers: { accept: 'application/json' } })),
      };
    },
  },
  {
    id: 'query-getQueueUrl-at-another-queue-url',
    action: 'GetQueueUrl',
    facts: ['F182'],
    protocols: ['query'],
    run: async (x) => {
      const a = await x.queue('url-a');
      const b = await x.queue('url-b');
      const r = await x.c.rawQuery({ Action: 'GetQueueUrl', Version: '2012-11-05', QueueName: x.name('url-b') }, { path: new URL(a).pathname });
      const returned = r.body?.GetQueueUrlResponse?.GetQueueUrlResult?.QueueUrl;
      return { status: r.status, QueueUrl: maskUrl(returned), isB: returned === b };
    },
  },
  {
    id: 'query-receive-accept-json',
    action: 'ReceiveMessage',
    facts: ['F183'],
    protocols: ['query'],
    run: async (x) => {
      const url = await x.queue('recv-json');
      await x.sendOk(url, { MessageBody: 'F183 body' });
      const r = await x.c.rawQuery({ Action: 'ReceiveMessage', Version: '2012-11-05', QueueUrl: url, MaxNumberOfMessages: '1' }, { headers: { accept: 'application/json' } });
      const result = r.body?.ReceiveMessageResponse?.ReceiveMessageResult;
      // only the list's name and Body are recorded
      return {
        status: r.status,
        isJson: r.text.startsWith('{'),
        messagesIsList: Array.isArray(result?.messages),
        firstBody: result?.messages?.[0]?.Body,
      };
    },
  },
  {
    id: 'queueUrl-without-queue-path',
    action: 'SendMessage',
    also: ['GetQueueAttributes'],
    facts: ['F184', 'F5'],
    run: async (x) => {
      const QueueUrl = 'http://whatever-incorrect-queue-address';
      const calls: [string, Record<string, string>][] = [
        ['SendMessage', { QueueUrl, MessageBody: 'x' }],
        ['GetQueueAttributes', { QueueUrl }],
      ];
      const out: Record<string, unknown> = {};
      for (const [action, params] of calls) {
        if (x.protocol === 'json') {
          const r = await x.c.rawJson(action, params);
          const type = String(r.body?.__type ?? '');
          out[action] = {
            status: r.status,
            'x-amzn-query-error': r.headers['x-amzn-query-error'],
            __type: `${type.includes('#') ? '<namespace>#' : ''}${type.split('#').pop()}`,
            message: r.body?.message,
          };
        } else {
          const r = await x.c.rawQuery({ Action: action, Version: '2012-11-05', ...params });
          out[action] = { status: r.status, Error: r.body?.ErrorResponse?.Error };
        }
      }
      return out;
    },
  },
];
