/**
 * SigV4 request signing for the conformance suite's raw requests (query GET/POST and JSON
 * posts sent without the SDK), built on @smithy/signature-v4 — the signer the SDK uses.
 * sigv4.test.ts checks it against published vectors of AWS's SigV4 test suite.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The `Checksum` shape @smithy/signature-v4 expects, over node:crypto. */
export class Sha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: string | Uint8Array) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array): void {
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {
    throw new Error('not supported');
  }
}

export function signer(credentials: Credentials | (() => Promise<Credentials>), region: string, service = 'sqs'): SignatureV4 {
  return new SignatureV4({ credentials, region, service, sha256: Sha256 as any, uriEscapePath: true, applyChecksum: false });
}

export interface SignableRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Signs a request; returns the headers to send (including host, x-amz-date and authorization). */
export async function signRequest(
  req: SignableRequest,
  s: SignatureV4,
  signingDate?: Date,
): Promise<Record<string, string>> {
  const u = new URL(req.url);
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of u.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const headers: Record<string, string> = { host: u.host };
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
  const signed = await s.sign(
    {
      method: req.method,
      protocol: u.protocol,
      hostname: u.hostname,
      port: u.port ? Number(u.port) : undefined,
      path: u.pathname,
      query,
      headers,
      body: req.body,
    },
    { signingDate },
  );
  return signed.headers as Record<string, string>;
}

/** fetch() with a SigV4 signature. */
export async function signedFetch(req: SignableRequest, s: SignatureV4): Promise<Response> {
  const headers = await signRequest(req, s);
  delete headers.host; // fetch sets it
  return fetch(req.url, { method: req.method, headers, body: req.method === 'POST' ? req.body : undefined });
}
