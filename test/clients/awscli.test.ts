/**
 * Real client: Debian's awscli 2.9 (`/usr/bin/aws`, vendored botocore, query/XML), one process
 * per call with --endpoint-url. Each call costs ~0.6 s, so the scenario is kept to ~20 calls and
 * its two independent halves (queue attributes and tags / the message flow) run side by side.
 * The CLI checks no digests: they are checked here.
 */
import { startEmulator, type RunningEmulator } from '../../src/index.js';
import {
  ACCOUNT,
  BATCH_BODIES,
  BLOB,
  BODY,
  REGION,
  TAGS,
  debianClient,
  debianEnv,
  md5,
  md5OfAttributes,
  messageAttributes,
  run,
} from './support.js';

const cli = debianClient('awscli (Debian, /usr/bin/aws)', ['awscli'], ['/usr/bin/aws']);

let server: RunningEmulator;
beforeAll(async () => {
  server = await startEmulator({ port: 0, logLevel: 'silent' });
});
afterAll(() => server?.stop());

let calls = 0;
/** `aws sqs <args>` against the emulator; the parsed JSON output, or null when there is none. */
async function aws(...args: string[]): Promise<any> {
  calls++;
  const { stdout } = await run('/usr/bin/aws', ['--endpoint-url', server.url, '--output', 'json', 'sqs', ...args], {
    env: debianEnv(),
    timeoutMs: 15_000,
  });
  return stdout.trim() === '' ? null : JSON.parse(stdout);
}

cli.test('aws sqs (query): full scenario', async () => {
  cli.require();
  const name = `awscli-${process.pid}`;
  const url = `${server.url}/${ACCOUNT}/${name}`;

  expect(await aws('create-queue', '--queue-name', name, '--attributes', 'VisibilityTimeout=30')).toEqual({ QueueUrl: url });
  expect(await aws('get-queue-url', '--queue-name', name)).toEqual({ QueueUrl: url });
  expect(await aws('list-queues', '--queue-name-prefix', name)).toEqual({ QueueUrls: [url] });

  const attributesAndTags = async () => {
    expect(await aws('set-queue-attributes', '--queue-url', url, '--attributes', 'VisibilityTimeout=45,DelaySeconds=0')).toBeNull();
    const { Attributes } = await aws('get-queue-attributes', '--queue-url', url, '--attribute-names', 'All');
    expect(Attributes).toMatchObject({ VisibilityTimeout: '45', DelaySeconds: '0', QueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}` });
    expect(await aws('tag-queue', '--queue-url', url, '--tags', JSON.stringify(TAGS))).toBeNull();
    expect(await aws('list-queue-tags', '--queue-url', url)).toEqual({ Tags: TAGS });
  };

  const messageFlow = async () => {
    const attrs = messageAttributes();
    const cliAttrs = Object.fromEntries(
      Object.entries(attrs).map(([k, v]) => [k, v.BinaryValue ? { ...v, BinaryValue: Buffer.from(v.BinaryValue).toString('base64') } : v]),
    );
    const sent = await aws('send-message', '--queue-url', url, '--message-body', BODY, '--message-attributes', JSON.stringify(cliAttrs));
    expect(sent.MD5OfMessageBody).toBe(md5(BODY));
    expect(sent.MD5OfMessageAttributes).toBe(md5OfAttributes(attrs));

    const entries = BATCH_BODIES.map((b, i) => ({ Id: `e${i}`, MessageBody: b }));
    const batch = await aws('send-message-batch', '--queue-url', url, '--entries', JSON.stringify(entries));
    expect(batch.Failed ?? []).toEqual([]);
    expect(batch.Successful.map((e: any) => [e.Id, e.MD5OfMessageBody]).sort()).toEqual(BATCH_BODIES.map((b, i) => [`e${i}`, md5(b)]));

    const receiveArgs = ['--queue-url', url, '--max-number-of-messages', '10', '--wait-time-seconds', '1'];
    const received: any[] = [];
    for (let i = 0; i < 3 && received.length < 4; i++) {
      const r = await aws('receive-message', ...receiveArgs, '--attribute-names', 'All', '--message-attribute-names', 'All');
      received.push(...(r?.Messages ?? []));
    }
    expect(received.map((m) => m.Body).sort()).toEqual([BODY, ...BATCH_BODIES].sort());
    for (const m of received) expect(m.MD5OfBody).toBe(md5(m.Body));
    const first = received.find((m) => m.MessageId === sent.MessageId);
    expect(first.MD5OfMessageAttributes).toBe(md5OfAttributes(attrs));
    expect(first.MessageAttributes).toEqual({
      color: { DataType: 'String', StringValue: 'blue ✓ <&>' },
      n: { DataType: 'Number', StringValue: '7' },
      blob: { DataType: 'Binary', BinaryValue: Buffer.from(BLOB).toString('base64') },
    });

    expect(await aws('change-message-visibility', '--queue-url', url, '--receipt-handle', first.ReceiptHandle, '--visibility-timeout', '0')).toBeNull();
    const again = await aws('receive-message', ...receiveArgs, '--attribute-names', 'ApproximateReceiveCount');
    expect(again.Messages.map((m: any) => [m.Body, m.Attributes.ApproximateReceiveCount])).toEqual([[BODY, '2']]);

    expect(await aws('delete-message', '--queue-url', url, '--receipt-handle', again.Messages[0].ReceiptHandle)).toBeNull();
    const rest = received.filter((m) => m !== first).map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle }));
    const deleted = await aws('delete-message-batch', '--queue-url', url, '--entries', JSON.stringify(rest));
    expect(deleted.Failed ?? []).toEqual([]);
    expect(deleted.Successful.map((e: any) => e.Id).sort()).toEqual(['d0', 'd1', 'd2']);
  };

  await Promise.all([attributesAndTags(), messageFlow()]);

  await aws('send-message', '--queue-url', url, '--message-body', 'purge me');
  expect(await aws('purge-queue', '--queue-url', url)).toBeNull();
  const empty = await aws('receive-message', '--queue-url', url, '--wait-time-seconds', '1');
  expect(empty?.Messages ?? []).toEqual([]);
  const counts = await aws(
    'get-queue-attributes', '--queue-url', url,
    '--attribute-names', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible',
  );
  expect(counts).toEqual({ Attributes: { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' } });

  expect(await aws('delete-queue', '--queue-url', url)).toBeNull();
  const gone = await aws('get-queue-url', '--queue-name', name).then(
    () => 'succeeded',
    (e: Error) => e.message,
  );
  expect(gone).toContain('(exit 254,'); // awscli's exit status for a service error
  expect(gone).toContain('An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the GetQueueUrl operation');
  expect(calls).toBeLessThanOrEqual(22);
}, 60_000);
