import { GetQueueAttributesCommand, ListQueueTagsCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine } from '../../src/config.js';
import { startEmulator } from '../../src/index.js';
import { jsonClient } from '../support/clients.js';

const EXAMPLE = 'fixtures/config/example.json';

function file(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sqs-emulator-config-')), 'config.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const command = parseCommandLine(argv, env);
  if (command.kind !== 'run') throw new Error('expected run');
  return command.options;
};

test('precedence: flag > environment > config file > default', () => {
  const path = file({ port: 1111, region: 'eu-west-1', strict: true });
  expect(run(['--config', path])).toMatchObject({ port: 1111, region: 'eu-west-1', strict: true, host: '127.0.0.1' });
  expect(run(['--config', path], { SQS_EMULATOR_PORT: '2222' })).toMatchObject({ port: 2222, region: 'eu-west-1' });
  expect(run(['--config', path, '--port', '3333'], { SQS_EMULATOR_PORT: '2222' })).toMatchObject({ port: 3333 });
  expect(run([], { SQS_EMULATOR_CONFIG: path })).toMatchObject({ port: 1111 });
});

test('the snapshot interval comes from a flag, the environment or the file, and is checked', () => {
  expect(run([])).toMatchObject({ snapshotIntervalMs: 5000 });
  expect(run(['--config', file({ persistence: 'snapshot', snapshotIntervalMs: 2000 })])).toMatchObject({ persistence: 'snapshot', snapshotIntervalMs: 2000 });
  expect(run([], { SQS_EMULATOR_SNAPSHOT_INTERVAL: '700' })).toMatchObject({ snapshotIntervalMs: 700 });
  expect(run(['--snapshot-interval=300'], { SQS_EMULATOR_SNAPSHOT_INTERVAL: '700' })).toMatchObject({ snapshotIntervalMs: 300 });
  expect(() => run(['--snapshot-interval', '10'])).toThrow(/--snapshot-interval: snapshot interval must be a number of ms >= 100, got "10"/);
});

test('--allowed-hosts and --cors-origins: a flag, the environment, or the file as a string or a list', () => {
  expect(run([])).not.toHaveProperty('corsOrigins');
  expect(run(['--cors-origins', 'http://localhost:3000,https://App.example/'])).toMatchObject({ corsOrigins: ['http://localhost:3000', 'https://app.example'] });
  expect(run([], { SQS_EMULATOR_ALLOWED_HOSTS: 'sqs, .corp.example' })).toMatchObject({ allowedHosts: ['sqs', '.corp.example'] });
  expect(run(['--config', file({ corsOrigins: ['http://localhost:3000', '*'], allowedHosts: 'sqs' })])).toMatchObject({
    corsOrigins: ['http://localhost:3000', '*'],
    allowedHosts: ['sqs'],
  });
  expect(() => run(['--config', file({ corsOrigins: ['http://a:1,http://b:2'] })])).toThrow(/corsOrigins must be a list of strings/);
  expect(() => run(['--config', file({ allowedHosts: ['sqs:9324'] })])).toThrow(/allowedHosts: "sqs:9324" is not a host name or address/);
});

test.each([
  [{ prot: 1 }, /unknown key "prot"/],
  [{ port: 'x' }, /port: port must be 0-65535/],
  [{ queues: [{ name: 'a', attributes: { VisibilityTimeout: 43201 } }] }, /queues\[0\]\.attributes\.VisibilityTimeout: Invalid value for the parameter VisibilityTimeout\./],
  [{ queues: [{ name: 'a' }, { name: 'b', colour: 1 }] }, /queues\[1\]\.colour: unknown key/],
  [{ queues: [{ name: 'a', deadLetterQueue: { name: 'nope', maxReceiveCount: 3 } }] }, /queues\[0\]\.deadLetterQueue\.name: no queue named nope/],
  [{ queues: [{ name: 'a', deadLetterQueue: { name: 'a', maxReceiveCount: 0 } }] }, /queues\[0\]\.deadLetterQueue\.maxReceiveCount: must be 1\.\.1000/],
  ['{ not json', /config file .*config\.json: /],
])('a bad config file is refused with the path of the problem: %j', (content, message) => {
  expect(() => run(['--config', file(content)])).toThrow(message);
});

test('queues of the config file exist before the port opens, dead-letter links included; a restart keeps them', async () => {
  const options = run(['--config', EXAMPLE]);
  const dataDir = mkdtempSync(join(tmpdir(), 'sqs-emulator-config-data-'));
  for (let round = 0; round < 2; round++) {
    const server = await startEmulator({ ...options, port: 0, logLevel: 'silent', dataDir });
    const sqs = jsonClient(server.url);
    const { QueueUrls } = await sqs.send(new ListQueuesCommand({}));
    expect(QueueUrls!.map((u) => u.split('/').pop()).sort()).toEqual(['events.fifo', 'orders', 'orders-dlq']);
    const orders = `${server.url}/000000000000/orders`;
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: orders, AttributeNames: ['All'] }));
    expect(Attributes!.VisibilityTimeout).toBe('60');
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toEqual({
      deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:orders-dlq',
      maxReceiveCount: 5,
    });
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: orders }))).Tags).toEqual({ team: 'shop' });
    const fifo = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${server.url}/000000000000/events.fifo`, AttributeNames: ['All'] }));
    expect(fifo.Attributes).toMatchObject({ FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    await server.stop();
  }
});

test('a dead-letter cycle is refused at start', async () => {
  const options = run([
    '--config',
    file({
      queues: [
        { name: 'a', deadLetterQueue: { name: 'b', maxReceiveCount: 2 } },
        { name: 'b', deadLetterQueue: { name: 'a', maxReceiveCount: 2 } },
      ],
    }),
  ]);
  await expect(startEmulator({ ...options, port: 0, logLevel: 'silent' })).rejects.toThrow(/cycle: a -> b -> a/);
});
