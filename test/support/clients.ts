import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { XMLParser } from 'fast-xml-parser';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Starts an in-process emulator on a free port, quiet unless a test asks otherwise. */
export function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ port: 0, logLevel: 'silent', ...options });
}

/** An endpoint URL, or a function read at each request (for a client made before its emulator starts). */
export type EndpointUrl = string | (() => string);

const endpoint = (url: EndpointUrl) => (typeof url === 'string' ? url : async () => ({ url: new URL(url()) }));

/** The latest SDK, speaking AWS JSON 1.0. */
export function jsonClient(url: EndpointUrl, region = 'us-east-1', keys = credentials): SQSClient {
  return new SQSClient({ endpoint: endpoint(url), region, credentials: keys, maxAttempts: 1 });
}

/** The same SDK switched to the AWS query protocol (form requests, XML answers). */
export function queryClient(url: EndpointUrl, region = 'us-east-1', keys = credentials): SQSClient {
  return new SQSClient({
    endpoint: endpoint(url),
    region,
    credentials: keys,
    maxAttempts: 1,
    protocol: new AwsQueryProtocol({
      defaultNamespace: 'com.amazonaws.sqs',
      xmlNamespace: 'http://queue.amazonaws.com/doc/2012-11-05/',
      version: '2012-11-05',
    }),
  } as NonNullable<ConstructorParameters<typeof SQSClient>[0]>);
}

export const protocols = [
  ['json', jsonClient],
  ['query', queryClient],
] as const;

const xml = new XMLParser({ ignoreAttributes: false, parseTagValue: false, trimValues: false });

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body: XML for query, JSON for JSON. */
  body: any;
}

/** A raw query request (form POST, or GET with the parameters in the URL). */
export async function rawQuery(
  url: string,
  params: Record<string, string>,
  init: { method?: 'GET' | 'POST'; path?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const form = new URLSearchParams(params).toString();
  const target = url + (init.path ?? '/');
  const res =
    init.method === 'GET'
      ? await fetch(`${target}?${form}`, { headers: init.headers })
      : await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...init.headers },
          body: form,
        });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text.startsWith('<') ? xml.parse(text) : text };
}

/** A raw JSON-protocol request. */
export async function rawJson(
  url: string,
  action: string,
  body: unknown,
  init: { path?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const res = await fetch(url + (init.path ?? '/'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}`, ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

let counter = 0;
/** A queue name unique within the run. */
export function uniqueName(prefix = 'q'): string {
  return `${prefix}-${process.pid}-${++counter}`;
}

/** CreateQueue returning the URL. */
export async function createQueue(sqs: SQSClient, QueueName: string, Attributes: Record<string, string> = {}): Promise<string> {
  return (await sqs.send(new CreateQueueCommand({ QueueName, Attributes }))).QueueUrl!;
}

/** The QueueArn attribute of a queue. */
export async function queueArn(sqs: SQSClient, QueueUrl: string): Promise<string> {
  return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
}

/**
 * A logger that keeps what the server says at error or warn level: for hostile-input tests,
 * where a bad request is the client's fault and must never be logged as a server failure.
 */
export function complainingLogger(): { logger: NonNullable<EmulatorOptions['logger']>; complaints: string[] } {
  const complaints: string[] = [];
  return {
    complaints,
    logger: {
      error: (message, error) => complaints.push(`ERROR ${message} ${String(error ?? '')}`),
      warn: (message) => complaints.push(`WARN ${message}`),
      info: () => {},
      debug: () => {},
    },
  };
}
