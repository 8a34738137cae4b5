import { createRequire } from 'node:module';
import type { XMLBuilder } from 'fast-xml-parser';
import type { SqsError } from '../../api/errors.js';
import type { Shape, StructShape } from '../../api/shapes.js';

/** Every SQS query response and error lives in this namespace (aws-behaviours F7). */
export const XML_NAMESPACE = 'http://queue.amazonaws.com/doc/2012-11-05/';

/**
 * SQS escapes `"` and carriage return too: a literal CR would be turned into LF by XML
 * parsers, so `\r` only survives as `&#xD;` (F76).
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#xD;',
  );
}

/**
 * fast-xml-parser is loaded on the first XML answer, not at start-up: its ES module build is
 * some forty files (~95 ms to load on the shared machine), its CommonJS build one file
 * (~10 ms), and a JSON-protocol server never needs it.
 */
let xmlBuilder: XMLBuilder | undefined;
const builder = (): XMLBuilder => (xmlBuilder ??= new (createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser')).XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  processEntities: false,
  tagValueProcessor: (_name: string, value: unknown) => escapeXml(String(value)),
  attributeValueProcessor: (_name: string, value: unknown) => escapeXml(String(value)),
}));

type XmlNode = string | { [key: string]: XmlNode | XmlNode[] };

function renderValue(shape: Shape, value: unknown): XmlNode {
  switch (shape.kind) {
    case 'struct':
      return renderStruct(shape, value as Record<string, unknown>);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return String(value);
  }
}

/** Members in model order; flattened lists and maps repeat their item element with no wrapper. */
function renderStruct(shape: StructShape, value: Record<string, unknown>): XmlNode {
  const out: { [key: string]: XmlNode | XmlNode[] } = {};
  for (const [name, member] of Object.entries(shape.members)) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    const s = member.shape;
    if (s.kind === 'list') {
      const items = (v as unknown[]).map((item) => renderValue(s.member, item));
      if (items.length > 0) out[s.item] = items;
    } else if (s.kind === 'map') {
      const entries = Object.entries(v as Record<string, unknown>).map(([k, mv]) => ({
        [s.key]: k,
        [s.val]: renderValue(s.value, mv),
      }));
      if (entries.length > 0) out[s.entry] = entries;
    } else {
      out[member.wire ?? name] = renderValue(s, v);
    }
  }
  return out;
}

const DECLARATION = '<?xml version="1.0"?>';

/**
 * `<{Action}Response><{Action}Result>…</{Action}Result><ResponseMetadata>…`. Actions with an
 * output always carry the Result element, even empty: botocore needs it (real-clients.md).
 */
export function renderResult(
  action: string,
  output: StructShape | undefined,
  value: Record<string, unknown> | undefined,
  requestId: string,
): string {
  return DECLARATION + '\n' + builder().build(resultTree(action, output, value, requestId, { '@_xmlns': XML_NAMESPACE }));
}

/** The response document as a tree; the query protocol renders it as XML, or as JSON on request (F35). */
export function resultTree(
  action: string,
  output: StructShape | undefined,
  value: Record<string, unknown> | undefined,
  requestId: string,
  head: Record<string, string> = {},
): Record<string, XmlNode> {
  const response: { [key: string]: XmlNode | XmlNode[] } = { ...head };
  if (output) response[`${action}Result`] = renderStruct(output, value ?? {});
  response.ResponseMetadata = { RequestId: requestId };
  return { [`${action}Response`]: response };
}

export function renderError(error: SqsError, requestId: string): string {
  return DECLARATION + '\n' + builder().build(errorTree(error, requestId, { '@_xmlns': XML_NAMESPACE }));
}

export function errorTree(error: SqsError, requestId: string, head: Record<string, string> = {}): Record<string, XmlNode> {
  return {
    ErrorResponse: {
      ...head,
      Error: {
        Type: error.errorType.fault,
        Code: error.errorType.code,
        Message: error.queryMessage,
        Detail: '',
      },
      RequestId: requestId,
    },
  };
}
