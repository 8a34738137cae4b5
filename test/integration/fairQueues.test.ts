import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { ManualClock, type RunningEmulator } from '../../src/index.js';
import { emulator, protocols, uniqueName } from '../support/clients.js';

/**
 * Fair queues over both protocols, on a manual clock: a standard queue's MessageGroupId is a
 * tenant, and quiet tenants' messages are received before a noisy tenant's backlog.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-fair-queues.html
 */

describe.each(protocols)('fair queues over %s (manual clock)', (protocol, makeClient) => {
  let server: RunningEmulator;
  let clock: ManualClock;
  let sqs: SQSClient;
  beforeAll(async () => {
    clock = new ManualClock();
    server = await emulator({ clock });
    sqs = makeClient(server.url);
  });
  afterAll(() => server.stop());

  const newQueue = async (): Promise<{ name: string; url: string }> => {
    const name = uniqueName(`fair-${protocol}`);
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '3600' } }))).QueueUrl!;
    return { name, url };
  };

  const fill = async (QueueUrl: string, groupId: string, n: number): Promise<void> => {
    for (let i = 0; i < n; i += 10) {
      const Entries = Array.from({ length: Math.min(10, n - i) }, (_, j) => ({ Id: `e${j}`, MessageBody: `${groupId}-${i + j}`, MessageGroupId: groupId }));
      const r = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
      expect(r.Failed ?? []).toEqual([]);
    }
  };

  const receive = async (QueueUrl: string, MaxNumberOfMessages = 1) =>
    (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages, MessageSystemAttributeNames: ['MessageGroupId'] }))).Messages ?? [];

  test('20 quiet tenants behind a noisy 5,000-message backlog: each quiet message is the next one received', async () => {
    const { url } = await newQueue();
    await fill(url, 'noisy', 5_000);
    for (let i = 0; i < 3; i++) expect(await receive(url, 10)).toHaveLength(10);
    const noisyInFlight = 30;

    for (let i = 0; i < 20; i++) {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `quiet-${i}`, MessageGroupId: `tenant-${i}` }));
      // Dwell of one receive: the next receive returns it, not the older noisy backlog.
      const got = await receive(url);
      expect(got.map((m) => [m.Body, m.Attributes?.MessageGroupId])).toEqual([[`quiet-${i}`, `tenant-${i}`]]);
    }
    for (let i = 20; i < 40; i++) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `quiet-${i}`, MessageGroupId: `tenant-${i}` }));
    const quiet = [...(await receive(url, 10)), ...(await receive(url, 10))].map((m) => m.Body);
    expect(quiet).toEqual(Array.from({ length: 20 }, (_, i) => `quiet-${i + 20}`));

    // The noisy backlog was not drained meanwhile, and it is served again (not dropped).
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(Attributes).toEqual({ ApproximateNumberOfMessages: String(5_000 - noisyInFlight), ApproximateNumberOfMessagesNotVisible: String(noisyInFlight + 40) });
    expect((await receive(url, 2)).map((m) => m.Body)).toEqual(['noisy-30', 'noisy-31']);
  });

  test('metrics: /metrics, the developer endpoint and the console data; not GetQueueAttributes', async () => {
    const { name, url } = await newQueue();
    await fill(url, 'big', 40);
    const received = [...(await receive(url, 10)), ...(await receive(url, 10)), ...(await receive(url, 10))];
    expect(received).toHaveLength(30);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'q', MessageGroupId: 'small' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'u', DelaySeconds: 60 }));
    clock.advance(2_000);

    const text = await (await fetch(`${server.url}/metrics`)).text();
    const sample = (metric: string): string | undefined =>
      new RegExp(`^sqs_emulator_${metric}\\{region="us-east-1",account="000000000000",queue="${name}"\\} (\\S+)$`, 'm').exec(text)?.[1];
    expect(sample('queue_noisy_groups')).toBe('1');
    expect(sample('queue_messages_visible_in_quiet_groups')).toBe('1');
    expect(sample('queue_messages_in_flight_in_quiet_groups')).toBe('0');
    expect(sample('queue_messages_delayed_in_quiet_groups')).toBe('1');
    expect(sample('queue_oldest_message_age_in_quiet_groups_seconds')).toBe('2');
    expect(text).toContain('(ApproximateNumberOfNoisyGroups)');
    expect(text).toContain('# TYPE sqs_emulator_queue_oldest_message_age_in_quiet_groups_seconds gauge');

    const state = (await (await fetch(`${server.url}/_emulator/queues/us-east-1/000000000000/${name}`)).json()) as { fairQueue: unknown; attributes: Record<string, string> };
    expect(state.fairQueue).toEqual({
      metrics: {
        ApproximateNumberOfNoisyGroups: 1,
        ApproximateNumberOfMessagesVisibleInQuietGroups: 1,
        ApproximateNumberOfMessagesNotVisibleInQuietGroups: 0,
        ApproximateNumberOfMessagesDelayedInQuietGroups: 1,
        ApproximateAgeOfOldestMessageInQuietGroups: 2,
      },
      noisyGroups: [
        { MessageGroupId: 'big', reason: 'concurrency', inflight: 30, queueInflight: 30, processingTimeShare: 0, visible: 10, delayed: 0, lastSentAt: clock.now() - 2_000 },
      ],
    });
    // SQS does not return these as queue attributes.
    expect(Object.keys(state.attributes).filter((k) => /Noisy|Quiet/.test(k))).toEqual([]);
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    expect(Object.keys(Attributes!).filter((k) => /Noisy|Quiet/.test(k))).toEqual([]);

    // Deleting 21 leaves 9 in flight (under 30), but those 21 took all of the recent
    // processing time (2 s each, receive to delete): still noisy, for the other reason.
    for (const m of received.slice(0, 21)) await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    const later = (await (await fetch(`${server.url}/_emulator/queues/us-east-1/000000000000/${name}`)).json()) as { fairQueue: { noisyGroups: unknown[] } };
    expect(later.fairQueue.noisyGroups).toEqual([expect.objectContaining({ MessageGroupId: 'big', reason: 'processingTime', inflight: 9, processingTimeShare: 1 })]);
    // A minute on, that time has left the window: quiet.
    clock.advance(60_000);
    const after = await (await fetch(`${server.url}/metrics`)).text();
    expect(new RegExp(`^sqs_emulator_queue_noisy_groups\\{[^}]*queue="${name}"\\} 0$`, 'm').test(after)).toBe(true);
  });
});

test('waitFor a tenant turning noisy, then quiet 5 minutes after its last send (manual clock)', async () => {
  const server = await emulator({ clock: 'manual' });
  try {
    const sqs = protocols[0][1](server.url);
    const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'fair-wait', Attributes: { VisibilityTimeout: '43200' } }))).QueueUrl!;
    for (let i = 0; i < 5; i++) {
      await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: 10 }, (_, j) => ({ Id: `e${j}`, MessageBody: 'x', MessageGroupId: 'busy' })) }));
    }
    const noisy = server.waitFor({ queue: 'fair-wait', event: 'groupNoisy', groupId: 'busy' });
    for (let i = 0; i < 3; i++) await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(await noisy).toMatchObject({ groupId: 'busy', reason: 'concurrency', inflight: 30, queueInflight: 30, visible: 20 });

    const quiet = server.waitFor({ queue: 'fair-wait', event: 'groupQuiet', timeoutMs: 2_000 });
    server.clock.advance(5 * 60_000);
    const event = await quiet;
    expect(event).toMatchObject({ groupId: 'busy', reason: 'noRecentSends', inflight: 30 });
    expect(event.event.type).toBe('groupQuiet');
    expect(event.event.at).toBe(server.clock.now());
  } finally {
    await server.stop();
  }
});
