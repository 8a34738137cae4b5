import type { SqsError } from '../api/errors.js';
import type { StructShape } from '../api/shapes.js';

/** What the HTTP layer hands a protocol: nothing of Express. */
export interface WireRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

export interface WireResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** An error answer's code, as logs and metrics name it (the legacy query code). */
  readonly errorCode?: string;
}

/** A request decoded by a protocol: the operation and its parameters in the JSON shape. */
export interface Decoded {
  readonly action: string;
  /** The parameters in the JSON shape, not yet checked against the input shape. */
  readonly decode: (input: StructShape) => unknown;
}

export interface Protocol {
  readonly name: 'json' | 'query';
  decode(request: WireRequest): Decoded;
  success(action: string, output: StructShape | undefined, value: Record<string, unknown> | undefined, requestId: string): WireResponse;
  error(error: SqsError, requestId: string): WireResponse;
}

export function header(request: WireRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
