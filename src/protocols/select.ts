import { isJsonRequest, jsonProtocol } from './json.js';
import { header, type Protocol, type WireRequest } from './protocol.js';
import { queryJsonProtocol, queryProtocol } from './query/query.js';

/**
 * Which of SQS's wire protocols a request speaks: AWS JSON 1.0 (`X-Amz-Target`, a JSON body),
 * else query; a query request that accepts `application/json` is answered in JSON (F35).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests.html
 */
export function protocolOf(request: WireRequest): Protocol {
  return isJsonRequest(request) ? jsonProtocol : wantsJson(request) ? queryJsonProtocol : queryProtocol;
}

/** A query request that asks for a JSON answer. */
export function wantsJson(request: WireRequest): boolean {
  return header(request, 'accept')?.includes('application/json') === true;
}

/**
 * LocalStack's `/_aws/sqs/messages` endpoint: JSON for SDK (JSON-protocol) requests and for
 * plain requests that accept JSON, else query XML, as LocalStack answers.
 */
export function localStackProtocolOf(request: WireRequest): Protocol {
  return isJsonRequest(request) || wantsJson(request) ? jsonProtocol : queryProtocol;
}
