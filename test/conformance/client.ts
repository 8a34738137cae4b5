/**
 * Conformance client interface: one `send(action, params)` bound to a target × protocol.
 * Responses are normalised so cases (and recordings) do not depend on the SDK's shapes.
 */
import * as sqs from '@aws-sdk/client-sqs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { jsonClient, queryClient } from '../support/clients.js';

export type Protocol = 'json' | 'query';
export type Target = 'emulator' | 'aws' | 'endpoint';

export interface Normalised {
  status: number;
  code?: string;
  message?: string;
  output: Record<string, any>;
}

export interface ConformanceClient {
  target: Target;
  protocol: Protocol;
  send(action: string, params: Record<string, unknown>): Promise<Normalised>;
  destroy(): void;
}

function bind(sdk: SQSClient, target: Target, protocol: Protocol): ConformanceClient {
  return {
    target,
    protocol,
    async send(action, params) {
      const Ctor = (sqs as any)[`${action}Command`];
      if (!Ctor) throw new Error(`unknown action ${action}`);
      try {
        const out: any = await sdk.send(new Ctor(params));
        const { $metadata, ...output } = out;
        return { status: $metadata?.httpStatusCode ?? 200, output };
      } catch (e: any) {
        if (e?.$metadata?.httpStatusCode === undefined) throw e;
        return {
          status: e.$metadata.httpStatusCode,
          code: e.Code ?? e.name,
          message: e.message,
          output: {},
        };
      }
    },
    destroy: () => sdk.destroy(),
  };
}

/** The emulator or any SQS-compatible endpoint, over one protocol. */
export function endpointClient(url: string, protocol: Protocol, target: Target = 'endpoint'): ConformanceClient {
  return bind(protocol === 'json' ? jsonClient(url) : queryClient(url), target, protocol);
}

/** Real AWS: default credential chain and AWS_REGION. */
export function awsClient(protocol: Protocol): ConformanceClient {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const base = { region, maxAttempts: 3 };
  if (protocol === 'json') return bind(new SQSClient(base), 'aws', protocol);
  const { AwsQueryProtocol } = awsQuery;
  return bind(
    new SQSClient({
      ...base,
      protocol: new AwsQueryProtocol({
        defaultNamespace: 'com.amazonaws.sqs',
        xmlNamespace: 'http://queue.amazonaws.com/doc/2012-11-05/',
        version: '2012-11-05',
      }),
    } as any),
    'aws',
    protocol,
  );
}
import * as awsQuery from '@aws-sdk/core/protocols';

/** Polls `fn` until it returns true or the bound elapses (for approximate counters, F55). */
export async function eventually(fn: () => Promise<boolean>, timeoutMs = 10000, stepMs = 100): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`eventually: condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** A per-run queue-name prefix; every queue a case creates carries it. */
export const runPrefix = `conf-${Date.now().toString(36)}-${process.pid}`;
