import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { emulator, queueArn } from '../support/clients.js';
import { overBothProtocols } from '../support/overProtocols.js';

/** GET /metrics, read back with a small parser of the Prometheus text format. */

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\w+) (counter|gauge|histogram)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    const re = /(\w+)="((?:[^"\\]|\\.)*)"(?:,|$)/gy;
    let l: RegExpExecArray | null;
    let consumed = 0;
    while ((l = re.exec(body))) {
      labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      consumed = re.lastIndex;
    }
    if (consumed !== body.length) throw new Error(`bad labels: ${line}`);
    const family = m[1]!.replace(/_(bucket|sum|count)$/, '');
    if (!types.has(m[1]!) && !(types.get(family) === 'histogram')) throw new Error(`sample without TYPE: ${line}`);
    samples.push({ name: m[1]!, labels, value: m[3] === '+Inf' ? Infinity : Number(m[3]) });
  }
  return { types, samples };
}

const P = 'sqs_emulator_';

overBothProtocols('/metrics with %s traffic', { clock: 'manual' }, ({ sqs, protocol, emu }) => {
  const scrape = async () => {
    const res = await fetch(`${emu.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parse(await res.text());
  };
  const value = (samples: Sample[], name: string, labels: Record<string, string>): number | undefined =>
    samples.find((s) => s.name === P + name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

  test('queue gauges, message counters, request counts and latency histograms', async () => {
    const q = { region: 'us-east-1', account: '000000000000', queue: 'metered' };
    const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'metered-dlq' }))).QueueUrl!;
    const QueueUrl = (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: 'metered',
          Attributes: {
            MessageRetentionPeriod: '3600',
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await queueArn(sqs, dlqUrl), maxReceiveCount: 1 }),
          },
        }),
      )
    ).QueueUrl!;
    for (const body of ['a', 'b', 'c']) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'later', DelaySeconds: 900 }));
    emu.server.clock.advance(10_000);
    const [m1, m2] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 2, VisibilityTimeout: 60 }))).Messages!;
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m1!.ReceiptHandle }));

    let { types, samples } = await scrape();
    expect(types.get(`${P}queue_messages_visible`)).toBe('gauge');
    expect(types.get(`${P}messages_sent_total`)).toBe('counter');
    expect(types.get(`${P}request_duration_seconds`)).toBe('histogram');
    expect(value(samples, 'queue_messages_visible', q)).toBe(1);
    expect(value(samples, 'queue_messages_in_flight', q)).toBe(1);
    expect(value(samples, 'queue_messages_delayed', q)).toBe(1);
    expect(value(samples, 'queue_oldest_message_age_seconds', q)).toBe(10);
    expect(value(samples, 'queue_oldest_message_age_seconds', { ...q, queue: 'metered-dlq' })).toBe(0);
    expect(value(samples, 'messages_sent_total', q)).toBe(4);
    expect(value(samples, 'messages_received_total', q)).toBe(2);
    expect(value(samples, 'messages_deleted_total', q)).toBe(1);
    const sends = { action: 'SendMessage', protocol };
    expect(value(samples, 'requests_total', { ...sends, status: '200' })).toBe(4);
    expect(value(samples, 'request_duration_seconds_count', sends)).toBe(4);
    expect(value(samples, 'request_duration_seconds_bucket', { ...sends, le: '+Inf' })).toBe(4);
    const buckets = samples.filter((s) => s.name === `${P}request_duration_seconds_bucket` && s.labels.action === 'SendMessage');
    expect(buckets.map((b) => b.value)).toEqual([...buckets.map((b) => b.value)].sort((a, b) => a - b));
    expect(value(samples, 'request_duration_seconds_sum', sends)).toBeGreaterThan(0);

    // m2's visibility runs out: the next receive moves it to the DLQ (maxReceiveCount 1) and
    // hands out the never-received one; the retention period then expires what is left.
    emu.server.clock.advance(60_000);
    const next = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages!;
    expect(next.map((m) => m.Body)).toEqual(['c']);
    emu.server.clock.advance(3_600_000);
    ({ samples } = await scrape());
    expect(value(samples, 'messages_received_total', q)).toBe(3);
    expect(value(samples, 'messages_moved_to_dead_letter_queue_total', q)).toBe(1);
    expect(value(samples, 'messages_expired_total', q)).toBe(2);
    expect(value(samples, 'queue_messages_visible', q)).toBe(0);
    expect(value(samples, 'queue_messages_delayed', q)).toBe(0);
    expect(value(samples, 'queue_messages_visible', { ...q, queue: 'metered-dlq' })).toBe(1);
    expect(value(samples, 'queue_oldest_message_age_seconds', { ...q, queue: 'metered-dlq' })).toBe(3600);
    expect(m2!.Body).toBe('b');

    await sqs.send(new PurgeQueueCommand({ QueueUrl: dlqUrl }));
    ({ samples } = await scrape());
    expect(value(samples, 'messages_purged_total', { ...q, queue: 'metered-dlq' })).toBe(1);
  });

  test('errors and injected faults are counted', async () => {
    emu.server.faults.add({ action: 'ListQueues', error: 'RequestThrottled', times: 2 });
    for (let i = 0; i < 3; i++) await sqs.send(new ListQueuesCommand({})).catch(() => undefined);
    const { samples } = await scrape();
    expect(value(samples, 'requests_total', { action: 'ListQueues', protocol, status: '403' })).toBe(2);
    expect(value(samples, 'requests_total', { action: 'ListQueues', protocol, status: '200' })).toBe(1);
    expect(value(samples, 'faults_injected_total', { action: 'ListQueues', protocol, fault: 'RequestThrottled' })).toBe(2);
  });
});

test('metrics: false switches the endpoint and the counting off', async () => {
  const server = await emulator({ metrics: false, eventHistory: 0 });
  try {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    expect(server.engine.changes.messages).toBe(false);
  } finally {
    await server.stop();
  }
});
