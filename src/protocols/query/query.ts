import { errors, type SqsError } from '../../api/errors.js';
import { type Protocol, type WireRequest, type WireResponse } from '../protocol.js';
import { parseForm } from '../utf8.js';
import { decodeStruct, unflatten } from './unflatten.js';
import { errorTree, renderError, renderResult, resultTree } from './xml.js';

/**
 * The AWS query protocol: `Action=…&Version=2012-11-05` in a form body or a query string
 * (GET is answered like POST), XML responses.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-requests.html
 */

/** SigV4 presigning and legacy signature parameters are not SQS parameters. */
const AUTH_PARAMETER = /^(X-Amz-|AWSAccessKeyId$|Signature$|SignatureVersion$|SignatureMethod$|Timestamp$|Expires$)/;

export function queryParameters(request: WireRequest): Map<string, string> {
  const params = new Map<string, string>();
  const add = (bytes: Buffer): void => {
    for (const [k, v] of parseForm(bytes)) if (!AUTH_PARAMETER.test(k)) params.set(k, v);
  };
  // Node's HTTP parser refuses raw bytes over 0x7F in the request target: the query string is ASCII, escapes included.
  if (request.query !== '') add(Buffer.from(request.query, 'latin1'));
  if (request.body.length > 0) add(request.body);
  return params;
}

const XML = 'text/xml';

export const queryProtocol: Protocol = {
  name: 'query',

  decode(request) {
    const params = queryParameters(request);
    const action = params.get('Action');
    if (!action) throw errors.missingAction();
    params.delete('Action');
    params.delete('Version');
    const tree = unflatten(params);
    return { action, decode: (input) => decodeStruct(input, tree) };
  },

  success(action, output, value, requestId) {
    return {
      status: 200,
      headers: { 'content-type': XML, 'x-amzn-requestid': requestId },
      body: renderResult(action, output, value, requestId),
    };
  },

  error(error: SqsError, requestId) {
    return {
      status: error.errorType.status,
      headers: { 'content-type': XML, 'x-amzn-requestid': requestId },
      body: renderError(error, requestId),
      errorCode: error.errorType.code,
    };
  },
};

/**
 * Lists whose JSON name differs from their XML item element, by action: ReceiveMessage's
 * messages are a lowercase `messages` list (F183). Other lists keep their XML item name.
 */
const JSON_LIST_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ReceiveMessage: { Message: 'messages' },
};

function renameLists(action: string, tree: Record<string, unknown>): Record<string, unknown> {
  const names = JSON_LIST_NAMES[action];
  const result = names && (tree[`${action}Response`] as Record<string, unknown>)[`${action}Result`];
  if (!result || typeof result !== 'object') return tree;
  const members = result as Record<string, unknown>;
  for (const [item, name] of Object.entries(names)) {
    if (item in members) {
      members[name] = members[item];
      delete members[item];
    }
  }
  return tree;
}

/**
 * A query request that asks for JSON (`Accept: application/json`) gets the same document as
 * JSON, under the same top-level key (`ListQueuesResponse`...) (F35).
 */
export const queryJsonProtocol: Protocol = {
  name: 'query',
  decode: queryProtocol.decode,

  success(action, output, value, requestId) {
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
      body: JSON.stringify(renameLists(action, resultTree(action, output, value, requestId))),
    };
  },

  error(error: SqsError, requestId) {
    return {
      status: error.errorType.status,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
      body: JSON.stringify(errorTree(error, requestId)),
      errorCode: error.errorType.code,
    };
  },
};

/**
 * A query request at a queue URL (`/<account>/<name>`) without an Action: HTTP 404 with a bare
 * `<UnknownOperationException/>` document, not an ErrorResponse, and XML whatever the Accept
 * header says (aws-behaviours F181). The fact fixes the root element only; the body is the
 * minimal well-formed document with that root, the form AWS is publicly reported to send.
 */
export function unknownOperationAtQueueUrl(requestId: string): WireResponse {
  return {
    status: 404,
    headers: { 'content-type': XML, 'x-amzn-requestid': requestId },
    body: '<UnknownOperationException/>',
    errorCode: 'UnknownOperationException',
  };
}
