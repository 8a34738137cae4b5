import express from 'express';
import { errors, SqsError } from '../api/errors.js';
import { parseQueueUrl } from '../api/queueUrl.js';
import { receiveMessage } from '../actions/receiveMessage.js';
import type { Engine } from '../engine/engine.js';
import { md5OfBody } from '../engine/message.js';
import type { PeekedMessage } from '../engine/views.js';
import { isJsonRequest, jsonProtocol } from '../protocols/json.js';
import { header, type Protocol, type WireRequest, type WireResponse } from '../protocols/protocol.js';
import { queryParameters, queryProtocol } from '../protocols/query/query.js';
import { localStackProtocolOf } from '../protocols/select.js';

/**
 * LocalStack drop-in endpoints (facts from LocalStack's documentation and source; no code
 * taken), so that set-ups written for LocalStack's SQS keep working:
 *
 * - `GET /_localstack/health` (and HEAD): `{"services": {"sqs": "available"|"running"}, ...}`,
 *   with LocalStack's `": "` spacing so that `grep '"sqs": "running"'` checks match;
 *   `GET /_localstack/init[/<stage>]` for init-hook readiness checks (no hooks here: all done).
 * - `/_aws/sqs/messages`: the messages of a queue without side effects (no visibility change,
 *   no receive count), answered as a ReceiveMessage result in the caller's protocol, so it can
 *   be used as an SDK endpoint for ReceiveMessage. The queue is the `QueueUrl` parameter (query
 *   string, form, or the SDK's JSON body) or the path `/_aws/sqs/messages/<region>/<account>/<queue>`.
 *   `ShowInvisible=true` adds in-flight messages (attribute IsVisible), `ShowDelayed=true`
 *   delayed ones (IsDelayed). Other actions: 400 InvalidRequest; no QueueUrl or an unknown
 *   queue: QueueDoesNotExist; a QueueUrl of no known shape: InvalidAddress.
 */

export interface LocalStackSettings {
  readonly engine: Engine;
  readonly region: string;
  readonly accountId: string;
  readonly version: string;
}

/** The receipt handle of peeked messages: not usable for deletes (they were not received). */
const PEEK_RECEIPT_HANDLE = 'SQS/BACKDOOR/ACCESS';

/** A ReceiveMessage request is small; larger bodies are refused before they are read. */
const PEEK_BODY_LIMIT = 1_048_576;

const CREDENTIAL_REGION = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\//;

const truthy = (v: string | undefined): boolean => v !== undefined && ['true', '1'].includes(v.toLowerCase());

/** Python's json.dumps spacing (`", "` and `": "`), as LocalStack writes its health document. */
function pythonJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`)
    .join(', ')}}`;
}

function systemAttributes(m: PeekedMessage, fifo: boolean): Record<string, string> {
  const d = m.data;
  const out: Record<string, string> = Object.create(null);
  out.SenderId = d.senderId;
  out.SentTimestamp = String(d.sentTimestamp);
  out.ApproximateReceiveCount = String(m.receiveCount);
  out.ApproximateFirstReceiveTimestamp = String(m.firstReceiveTimestamp);
  if (d.traceHeader !== undefined) out.AWSTraceHeader = d.traceHeader;
  if (d.deadLetterQueueSourceArn !== undefined) out.DeadLetterQueueSourceArn = d.deadLetterQueueSourceArn;
  if (fifo) {
    if (d.groupId !== undefined) out.MessageGroupId = d.groupId;
    if (d.deduplicationId !== undefined) out.MessageDeduplicationId = d.deduplicationId;
    if (d.sequenceNumber !== undefined) out.SequenceNumber = d.sequenceNumber;
  }
  return out;
}

function peek(messages: readonly PeekedMessage[], fifo: boolean, showInvisible: boolean, showDelayed: boolean): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const m of messages) {
    if ((m.state === 'inflight' && !showInvisible) || (m.state === 'delayed' && !showDelayed)) continue;
    const d = m.data;
    const attributes = systemAttributes(m, fifo);
    if (showInvisible) attributes.IsVisible = String(m.state === 'ready');
    if (showDelayed) attributes.IsDelayed = String(m.state === 'delayed');
    const message: Record<string, unknown> = {
      MessageId: d.id,
      ReceiptHandle: PEEK_RECEIPT_HANDLE,
      MD5OfBody: md5OfBody(d),
      Body: d.body,
      Attributes: attributes,
    };
    if (d.attributes && Object.keys(d.attributes).length > 0) {
      message.MD5OfMessageAttributes = d.md5OfMessageAttributes;
      const attrs: Record<string, unknown> = Object.create(null);
      for (const [name, v] of Object.entries(d.attributes)) {
        attrs[name] =
          v.BinaryValue !== undefined ? { DataType: v.DataType, BinaryValue: v.BinaryValue.toString('base64') } : { StringValue: v.StringValue, DataType: v.DataType };
      }
      message.MessageAttributes = attrs;
    }
    out.push(message);
  }
  return out;
}

export function localstackEndpoints(settings: LocalStackSettings): express.Router {
  const router = express.Router();
  const { engine } = settings;

  router.get('/_localstack/health', (_req, res) => {
    const running = engine.queues().length > 0;
    res
      .status(200)
      .type('application/json')
      .send(pythonJson({ services: { sqs: running ? 'running' : 'available' }, edition: 'community', version: `sqs-emulator-${settings.version}` }));
  });
  const stages = { BOOT: true, START: true, READY: true, SHUTDOWN: false };
  router.get('/_localstack/init', (_req, res) => {
    res.type('application/json').send(pythonJson({ completed: stages, scripts: [] }));
  });
  router.get('/_localstack/init/:stage', (req, res) => {
    const stage = String(req.params.stage).toUpperCase();
    if (!Object.hasOwn(stages, stage)) {
      res.status(404).type('application/json').send(pythonJson({ error: `unknown stage ${stage}` }));
      return;
    }
    res.type('application/json').send(pythonJson({ completed: stages[stage as keyof typeof stages], scripts: [] }));
  });

  const rawBody = express.raw({ type: () => true, limit: PEEK_BODY_LIMIT });
  const handler = (req: express.Request, res: express.Response): void => {
    const url = req.originalUrl;
    const q = url.indexOf('?');
    const wire: WireRequest = {
      method: req.method,
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? '' : url.slice(q + 1),
      headers: req.headers,
      body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    };
    const json = isJsonRequest(wire);
    // Plain (non-SDK) requests get XML like LocalStack's query answers, or JSON when they ask for it.
    const protocol: Protocol = localStackProtocolOf(wire);
    const requestId = engine.random.uuid();
    const send = (response: WireResponse): void => {
      res.status(response.status).set(response.headers).send(response.body);
    };
    try {
      send(protocol.success('ReceiveMessage', receiveMessage.output, { Messages: answer(wire, json, req.params) }, requestId));
    } catch (e) {
      if (e instanceof SqsError) {
        send(protocol.error(e, requestId));
        return;
      }
      throw e;
    }
  };

  /** The peeked messages, or a catalog error. */
  function answer(wire: WireRequest, json: boolean, pathParams: Record<string, string | string[]>): Record<string, unknown>[] | undefined {
    let region: string | undefined;
    let accountId: string | undefined;
    let name: string | undefined;
    const values = queryParameters(wire);
    if (pathParams.region !== undefined) {
      region = String(pathParams.region);
      accountId = String(pathParams.account);
      name = String(pathParams.queue);
    } else {
      let queueUrl: unknown;
      if (json) {
        const decoded = jsonProtocol.decode(wire);
        if (decoded.action !== 'ReceiveMessage') throw errors.invalidRequest('This endpoint only accepts ReceiveMessage calls');
        queueUrl = (decoded.decode(receiveMessage.input) as Record<string, unknown>).QueueUrl;
      } else {
        const action = values.get('Action');
        if (action !== undefined && action !== 'ReceiveMessage') throw errors.invalidRequest('This endpoint only accepts ReceiveMessage calls');
        queueUrl = values.get('QueueUrl');
      }
      if (typeof queueUrl !== 'string' || queueUrl === '') throw errors.queueDoesNotExist();
      const address = parseQueueUrl(queueUrl);
      region = address.region;
      accountId = address.accountId;
      name = address.name;
    }
    region ??= CREDENTIAL_REGION.exec(header(wire, 'authorization') ?? '')?.[1] ?? settings.region;
    accountId ??= settings.accountId;
    const address = { region, accountId, name };
    const queue = engine.requireQueue(address);
    const messages = peek(engine.peek(address), queue.fifo, truthy(values.get('ShowInvisible')), truthy(values.get('ShowDelayed')));
    return messages.length > 0 ? messages : undefined;
  }

  router.all('/_aws/sqs/messages', rawBody, handler);
  router.all('/_aws/sqs/messages/:region/:account/:queue', rawBody, handler);
  // A body over the limit or a path that does not decode: AWS-shaped errors, not Express pages.
  router.use('/_aws', ((err, req, res, next) => {
    const e = err as { type?: string; status?: number };
    if (!e || typeof e.status !== 'number' || e.status >= 500) {
      next(err);
      return;
    }
    const error = e.type === 'entity.too.large' ? errors.requestEntityTooLarge(PEEK_BODY_LIMIT) : errors.invalidAddress(req.path);
    const response = queryProtocol.error(error, engine.random.uuid());
    res.status(response.status).set(response.headers).send(response.body);
  }) as express.ErrorRequestHandler);
  return router;
}
