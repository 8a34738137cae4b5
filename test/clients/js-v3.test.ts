/**
 * Real client: @aws-sdk/client-sqs, latest (AWS JSON 1.0) and 3.445.0 (the last query/XML
 * release, installed as the npm alias `sqs-v3-query`). MD5 checks are on (the default).
 */
import * as latest from '@aws-sdk/client-sqs';
import * as v3query from 'sqs-v3-query';
import { startEmulator, type RunningEmulator } from '../../src/index.js';
import { REGION, startDecoy, type Decoy } from './support.js';
import { v3Scenario, type SqsModule } from './v3Scenario.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let server: RunningEmulator;
let decoy: Decoy;

/** Records the content type and body of every request the client signs. */
function recordRequests(sqs: latest.SQSClient): string[] {
  const seen: string[] = [];
  sqs.middlewareStack.add(
    (next) => async (args) => {
      const req = args.request as { headers: Record<string, string>; body?: unknown };
      const body = req.body instanceof Uint8Array ? new TextDecoder().decode(req.body) : String(req.body);
      seen.push(`${req.headers['content-type']} ${body}`);
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordRequests' },
  );
  return seen;
}

beforeAll(async () => {
  server = await startEmulator({ port: 0, logLevel: 'silent' });
  decoy = await startDecoy();
});
afterAll(async () => {
  await server?.stop();
  await decoy?.stop();
});

describe('@aws-sdk/client-sqs latest (JSON)', () => {
  test('full scenario with endpoint', async () => {
    const sqs = new latest.SQSClient({ endpoint: server.url, region: REGION, credentials, maxAttempts: 1 });
    expect(sqs.config.md5).not.toBe(false);
    const seen = recordRequests(sqs);
    await v3Scenario({ m: latest, control: sqs, data: sqs, url: server.url, name: `v3-latest-${process.pid}` });
    expect(seen.length).toBeGreaterThan(15);
    for (const s of seen) expect(s).toMatch(/^application\/x-amz-json-1\.0 \{/);
    sqs.destroy();
  }, 30_000);

  test('without endpoint: QueueUrl calls follow the QueueUrl origin (endpointProvider points elsewhere)', async () => {
    const control = new latest.SQSClient({ endpoint: server.url, region: REGION, credentials, maxAttempts: 1 });
    const warnings: string[] = [];
    const data = new latest.SQSClient({
      region: REGION,
      credentials,
      maxAttempts: 1,
      // No `endpoint`: every call resolves to the decoy, but calls with a QueueUrl whose origin
      // differs are sent to that origin (useQueueUrlAsEndpoint, on by default).
      endpointProvider: () => ({ url: new URL(decoy.url + '/') }),
      logger: { debug() {}, info() {}, warn: (m: string) => warnings.push(String(m)), error() {} },
    });
    await v3Scenario({ m: latest, control, data, url: server.url, name: `v3-origin-${process.pid}` });
    expect(decoy.requests).toEqual([]);
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toContain('using QueueUrl host as endpoint');
    control.destroy();
    data.destroy();
  }, 30_000);
});

describe('@aws-sdk/client-sqs 3.445.0 (query/XML)', () => {
  test('full scenario with endpoint', async () => {
    const m = v3query as unknown as SqsModule;
    const sqs = new m.SQSClient({ endpoint: server.url, region: REGION, credentials, maxAttempts: 1 });
    expect(sqs.config.md5).not.toBe(false);
    // The alias really is the query-protocol release.
    const seen = recordRequests(sqs);
    await v3Scenario({ m, control: sqs, data: sqs, url: server.url, name: `v3-query-${process.pid}` });
    expect(seen.length).toBeGreaterThan(15);
    for (const s of seen) expect(s).toMatch(/^application\/x-www-form-urlencoded .*Action=\w+&Version=2012-11-05$/);
    sqs.destroy();
  }, 30_000);
});
