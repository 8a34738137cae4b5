import { errors, type SqsError } from '../api/errors.js';
import { header, type Protocol, type WireRequest } from './protocol.js';
import { decodeUtf8 } from './utf8.js';

/**
 * AWS JSON 1.0 with awsQueryCompatible errors: `X-Amz-Target: AmazonSQS.<Action>`, a JSON
 * body; errors carry `__type` and the legacy code in `x-amzn-query-error`.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-faqs.html
 */

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AmazonSQS.';
const MAX_DEPTH = 32;

/** Fewer opening brackets than the limit: it cannot be too deep (indexOf is native, the walk is not). */
function fewBrackets(text: string): boolean {
  let n = 0;
  for (let i = text.indexOf('{'); i !== -1 && n <= MAX_DEPTH; i = text.indexOf('{', i + 1)) n++;
  for (let i = text.indexOf('['); i !== -1 && n <= MAX_DEPTH; i = text.indexOf('[', i + 1)) n++;
  return n <= MAX_DEPTH;
}

/** JSON nested deeper than any SQS shape is refused before it is walked. */
function tooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_DEPTH) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

export function isJsonRequest(request: WireRequest): boolean {
  const contentType = header(request, 'content-type') ?? '';
  if (contentType.startsWith('application/x-amz-json')) return true;
  // A target header with a form body or an Action parameter is still a query request.
  if (request.method !== 'POST' || !header(request, 'x-amz-target')) return false;
  if (contentType.startsWith('application/x-www-form-urlencoded')) return false;
  const first = request.body.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  return first === undefined || first === 0x7b;
}

export const jsonProtocol: Protocol = {
  name: 'json',

  decode(request) {
    const target = header(request, 'x-amz-target') ?? '';
    const action = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    if (!action) throw errors.invalidAction(target || 'null');
    const text = decodeUtf8(request.body);
    let params: unknown = {};
    if (text.trim() !== '') {
      if (!fewBrackets(text) && tooDeep(text)) throw errors.serialization('The request body is nested too deeply.');
      try {
        params = JSON.parse(text);
      } catch {
        throw errors.serialization('The request body is not valid JSON.');
      }
    }
    if (params === null || typeof params !== 'object' || Array.isArray(params)) {
      throw errors.serialization('The request body must be a JSON object.');
    }
    return { action, decode: () => params };
  },

  success(_action, _output, value, requestId) {
    return {
      status: 200,
      headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId },
      body: JSON.stringify(value ?? {}),
    };
  },

  error(error: SqsError, requestId) {
    const t = error.errorType;
    return {
      status: t.status,
      headers: {
        'content-type': CONTENT_TYPE,
        'x-amzn-requestid': requestId,
        'x-amzn-query-error': `${t.code};${t.fault}`,
      },
      body: JSON.stringify({ __type: t.type, message: error.message }),
      errorCode: t.code,
    };
  },
};
