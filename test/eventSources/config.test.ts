/** Mappings declared in the config file and by flag: checked as Lambda's CreateEventSourceMapping, refused with the key named. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseCommandLine } from '../../src/config.js';
import { EventSourceMappingError, startEmulator } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'esm-config-'));
function configFile(content: unknown): string {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(content));
  return file;
}
const run = (argv: string[]) => {
  const c = parseCommandLine(argv, {});
  if (c.kind !== 'run') throw new Error('not run');
  return c.options;
};

test('the config file: a valid mapping is read with its defaults', () => {
  const file = configFile({ queues: [{ name: 'orders' }], eventSourceMappings: [{ queueName: 'orders', target: { url: 'http://127.0.0.1:3000/' }, batchSize: 5 }] });
  expect(run(['--config', file]).eventSourceMappings).toEqual([
    expect.objectContaining({ source: { kind: 'name', value: 'orders' }, batchSize: 5, maximumBatchingWindowInSeconds: 0, maximumConcurrency: 5, functionTimeout: 3, enabled: true }),
  ]);
});

test.each([
  [{ batchSize: 0 }, 'eventSourceMappings[0].batchSize: must be an integer from 1 to 10000, got 0'],
  [{ batchSize: 11 }, 'eventSourceMappings[0].maximumBatchingWindowInSeconds: must be at least 1 when batchSize is greater than 10'],
  [{ maximumBatchingWindowInSeconds: 301 }, 'eventSourceMappings[0].maximumBatchingWindowInSeconds: must be an integer from 0 to 300'],
  [{ scalingConfig: { maximumConcurrency: 1 } }, 'eventSourceMappings[0].scalingConfig.maximumConcurrency: must be an integer from 2 to 1000'],
  [{ functionResponseTypes: ['Nope'] }, 'eventSourceMappings[0].functionResponseTypes: must be [] or ["ReportBatchItemFailures"]'],
  [{ filterCriteria: { filters: [{ pattern: '{"body":' }] } }, 'eventSourceMappings[0].filterCriteria.filters[0].pattern: not valid JSON'],
  [{ target: { url: 'ftp://x' } }, 'eventSourceMappings[0].target.url: must be http: or https:'],
  [{ batchSze: 5 }, 'eventSourceMappings[0].batchSze: unknown key'],
  [{ queueName: 'jobs.fifo', batchSize: 11, maximumBatchingWindowInSeconds: 1 }, 'eventSourceMappings[0].batchSize: must be an integer from 1 to 10, got 11'],
  [{ queueName: 'jobs.fifo', maximumBatchingWindowInSeconds: 1 }, 'eventSourceMappings[0].maximumBatchingWindowInSeconds: batching window is not supported for FIFO queues'],
])('the config file: %j is refused naming the key', (override, message) => {
  const file = configFile({ eventSourceMappings: [{ queueName: 'orders', target: { url: 'http://127.0.0.1:3000/' }, ...override }] });
  expect(() => run(['--config', file])).toThrow(ConfigError);
  expect(() => run(['--config', file])).toThrow(`config file ${file}: ${message}`);
});

test('the flag: key=value or JSON, repeatable; replaces the file, adds up', () => {
  const file = configFile({ eventSourceMappings: [{ queueName: 'from-file', target: { url: 'http://127.0.0.1:1/' } }] });
  const options = run([
    '--config',
    file,
    '--event-source-mapping',
    'queue=orders,url=http://127.0.0.1:3000/,batchSize=5,functionResponseTypes=ReportBatchItemFailures,maximumConcurrency=3',
    '--event-source-mapping={"queueName":"jobs","target":{"command":"/usr/bin/python3","args":["h.py"]}}',
    '--event-source-mapping',
    'queue=arn:aws:sqs:us-east-1:000000000000:x,command=/usr/bin/node,arg=run.mjs,arg=handler.mjs,functionTimeout=10',
  ]);
  expect(options.eventSourceMappings!.map((m) => [m.source.value, m.batchSize, m.reportBatchItemFailures, m.maximumConcurrency, m.target])).toEqual([
    ['orders', 5, true, 3, { url: 'http://127.0.0.1:3000/' }],
    ['jobs', 10, false, 5, { command: '/usr/bin/python3', args: ['h.py'] }],
    ['arn:aws:sqs:us-east-1:000000000000:x', 10, false, 5, { command: '/usr/bin/node', args: ['run.mjs', 'handler.mjs'] }],
  ]);
  expect(() => run(['--event-source-mapping', 'queue=orders,url=http://x/,batchSize=0'])).toThrow('--event-source-mapping.batchSize: must be an integer from 1 to 10000, got 0');
  expect(() => run(['--event-source-mapping', 'queue=orders,bogus=1'])).toThrow(/--event-source-mapping: unknown key "bogus"/);
  expect(parseCommandLine([], { SQS_EMULATOR_EVENT_SOURCE_MAPPINGS: 'queue=a,url=http://x/;queue=b,url=http://y/' })).toMatchObject({ options: { eventSourceMappings: [{ batchSize: 10 }, { batchSize: 10 }] } });
});

test('at start: a mapping of a queue that does not exist, or whose visibility timeout is below the function timeout, is refused', async () => {
  await expect(startEmulator({ port: 0, logLevel: 'silent', eventSourceMappings: [{ queueName: 'nope', target: { url: 'http://127.0.0.1:1/' } }] })).rejects.toThrow(
    'eventSourceMappings[0].queueName: no such queue: nope',
  );
  await expect(
    startEmulator({ port: 0, logLevel: 'silent', queues: [{ name: 'q', attributes: { VisibilityTimeout: '5' } }], eventSourceMappings: [{ queueName: 'q', target: { url: 'http://127.0.0.1:1/' }, functionTimeout: 6 }] }),
  ).rejects.toThrow('eventSourceMappings[0].functionTimeout: Queue visibility timeout: 5 seconds is less than Function timeout: 6 seconds');
  const sqs = await startEmulator({ port: 0, logLevel: 'silent', queues: [{ name: 'q' }] });
  try {
    expect(() => sqs.addEventSourceMapping({ queueName: 'q', target: { url: 'http://127.0.0.1:1/' }, scalingConfig: { maximumConcurrency: 1001 } })).toThrow(EventSourceMappingError);
  } finally {
    await sqs.stop();
  }
});
