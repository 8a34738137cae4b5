import type { StructShape } from '../api/shapes.js';
import type { Engine } from '../engine/engine.js';
import type { PollSignal } from '../engine/waiters.js';

/** Everything an action may know of its request; nothing of HTTP or of the protocol. */
export interface RequestContext {
  readonly engine: Engine;
  readonly requestId: string;
  /** From the SigV4 credential scope, else the configured default. */
  readonly region: string;
  readonly accountId: string;
  readonly accessKeyId?: string;
  /** `http://host:port` as the caller addressed us: queue URLs are built on it. */
  readonly baseUrl: string;
  /** The `X-Amzn-Trace-Id` request header (becomes AWSTraceHeader). */
  readonly traceHeader?: string;
  /** Aborts when the client goes away. */
  readonly signal: PollSignal;
  /** Registers what to undo if the answer is lost on a connection the client had closed. */
  readonly onUndelivered?: (fn: () => void) => void;
}

export interface Action<I = any, O = unknown> {
  readonly name: string;
  readonly input: StructShape;
  /** Undefined for actions without output (the XML response has no Result element). */
  readonly output?: StructShape;
  handler(ctx: RequestContext, input: I): O | Promise<O>;
}

/** Declares an action; the input type is what coerceInput produced from `input`. */
export function action<I, O = void>(definition: Action<I, O>): Action<I, O> {
  return definition;
}
