/**
 * Conformance client interface: `send(action, params)` through an SDK bound to a target ×
 * protocol, plus SigV4-signed raw requests for the wire-level facts (envelopes, headers,
 * queue-URL paths). Responses come back in one shape whatever the protocol.
 */
import { randomBytes } from 'node:crypto';
import * as sqs from '@aws-sdk/client-sqs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { XMLParser } from 'fast-xml-parser';
import { credentials as testCredentials, jsonClient, queryClient } from '../support/clients.js';
import { signedFetch, signer, type Credentials } from './sigv4.js';

export type Protocol = 'json' | 'query';
export type Target = 'emulator' | 'aws' | 'endpoint';

export interface Response {
  status: number;
  /** Error code as the client reports it (the legacy query code on both protocols). */
  code?: string;
  /** Sender / Receiver. */
  type?: string;
  message?: string;
  /** SDK exception class name (JSON: chosen from `__type`). */
  name?: string;
  output: Record<string, any>;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** Parsed XML (attributes kept as `@_name`) or JSON; the text otherwise. */
  body: any;
}

export interface RawInit {
  method?: 'GET' | 'POST';
  /** Request path, default `/` (a queue URL's path for the queue-URL form). */
  path?: string;
  headers?: Record<string, string>;
}

export interface ConformanceClient {
  readonly target: Target;
  readonly protocol: Protocol;
  readonly region: string;
  /** Base URL raw requests go to. */
  readonly baseUrl: string;
  send(action: string, params?: Record<string, unknown>): Promise<Response>;
  rawJson(action: string, body: unknown, init?: RawInit): Promise<RawResponse>;
  rawQuery(params: Record<string, string>, init?: RawInit): Promise<RawResponse>;
  destroy(): void;
}

const xml = new XMLParser({ ignoreAttributes: false, parseTagValue: false, trimValues: false });

export interface ClientSpec {
  target: Target;
  protocol: Protocol;
  /** Endpoint URL (emulator / endpoint targets). */
  url?: string;
  region?: string;
}

/** The SDK client of the AWS target (default credential chain unless `extra` says otherwise). */
export function awsSdk(protocol: Protocol, region: string, extra: Record<string, unknown> = {}): SQSClient {
  const base = { region, maxAttempts: 3, ...extra };
  if (protocol === 'json') return new SQSClient(base);
  return new SQSClient({
    ...base,
    protocol: new AwsQueryProtocol({
      defaultNamespace: 'com.amazonaws.sqs',
      xmlNamespace: 'http://queue.amazonaws.com/doc/2012-11-05/',
      version: '2012-11-05',
    }),
  } as NonNullable<ConstructorParameters<typeof SQSClient>[0]>);
}

export function defaultRegion(): string {
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/** Requests sent by every client of this process (SDK calls and raw requests): the report's cost line. */
export const requests = { count: 0 };

export function makeClient(spec: ClientSpec): ConformanceClient {
  const region = spec.region ?? (spec.target === 'aws' ? defaultRegion() : 'us-east-1');
  let sdk: SQSClient;
  let baseUrl: string;
  let creds: Credentials | (() => Promise<Credentials>);
  if (spec.target === 'aws') {
    sdk = awsSdk(spec.protocol, region);
    // the SDK honours AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL; raw requests follow it too
    baseUrl = (process.env.AWS_ENDPOINT_URL_SQS || process.env.AWS_ENDPOINT_URL || `https://sqs.${region}.amazonaws.com`).replace(/\/$/, '');
    creds = async () => (await (sdk.config.credentials as any)()) as Credentials;
  } else {
    if (!spec.url) throw new Error(`${spec.target} target needs a URL`);
    baseUrl = spec.url.replace(/\/$/, '');
    sdk = spec.protocol === 'json' ? jsonClient(baseUrl, region) : queryClient(baseUrl, region);
    creds = testCredentials;
  }
  const sign = signer(creds, region);
  const raw = async (method: 'GET' | 'POST', path: string, headers: Record<string, string>, body: string): Promise<RawResponse> => {
    requests.count++;
    const url = baseUrl + path + (method === 'GET' && body ? `?${body}` : '');
    const res = await signedFetch({ method, url, headers, body: method === 'POST' ? body : undefined }, sign);
    const text = await res.text();
    let parsed: any = text;
    if (text.startsWith('<')) parsed = xml.parse(text);
    else {
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
    }
    const hs: Record<string, string> = {};
    res.headers.forEach((v, k) => (hs[k] = v));
    return { status: res.status, headers: hs, text, body: parsed };
  };
  return {
    target: spec.target,
    protocol: spec.protocol,
    region,
    baseUrl,
    async send(action, params = {}) {
      const Ctor = (sqs as any)[`${action}Command`];
      if (!Ctor) throw new Error(`unknown action ${action}`);
      requests.count++;
      try {
        const out: any = await sdk.send(new Ctor(params));
        const { $metadata, ...output } = out;
        for (const k of Object.keys(output)) if (output[k] === undefined) delete output[k];
        return { status: $metadata?.httpStatusCode ?? 200, output };
      } catch (e: any) {
        if (e?.$metadata?.httpStatusCode === undefined) throw e;
        return {
          status: e.$metadata.httpStatusCode,
          code: e.Code ?? e.name,
          type: e.Type,
          message: e.message,
          name: e.name,
          output: {},
        };
      }
    },
    rawJson(action, body, init = {}) {
      return raw('POST', init.path ?? '/', {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `AmazonSQS.${action}`,
        ...init.headers,
      }, typeof body === 'string' ? body : JSON.stringify(body));
    },
    rawQuery(params, init = {}) {
      const form = new URLSearchParams(params).toString();
      const method = init.method ?? 'POST';
      return raw(method, init.path ?? '/', method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded', ...init.headers } : { ...init.headers }, form);
    },
    destroy: () => sdk.destroy(),
  };
}

/** Polls `fn` until it returns true or the bound elapses (approximate counters, F55). */
export async function eventually(fn: () => Promise<boolean>, timeoutMs = 10000, stepMs = 100): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/**
 * The per-run queue-name prefix: every queue a run creates starts with it, and the final
 * sweep deletes whatever still carries it. Time + randomness, so two runs never share it.
 */
export const runPrefix = process.env.SQS_CONFORMANCE_PREFIX ?? `conf-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
