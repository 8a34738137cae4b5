/**
 * `--auth verify`: every SQS request must carry a valid SigV4 signature from a configured
 * access key, and acts in that key's account (see sigv4.ts and access.ts).
 */
import type { Engine } from '../engine/engine.js';
import type { WireRequest } from '../protocols/protocol.js';
import { authorize } from './access.js';
import { verifySignature, type Credential, type Principal } from './sigv4.js';

export type { Credential, Principal } from './sigv4.js';
export type AuthMode = 'off' | 'verify';

export { checkCredential, CredentialError, parseCredentialList } from './credentials.js';

export class Authenticator {
  private readonly credentials: ReadonlyMap<string, Credential>;

  constructor(
    private readonly engine: Engine,
    credentials: readonly Credential[],
    /** Wall-clock time for signature dates: real time even when the emulator's clock is manual. */
    private readonly now: () => number = Date.now,
  ) {
    this.credentials = new Map(credentials.map((c) => [c.accessKeyId, c]));
  }

  /** The signer of a request, or the SqsError AWS answers. */
  authenticate(request: WireRequest): Principal {
    return verifySignature(request, this.credentials, this.now());
  }

  /** AccessDenied unless the principal may run the action on the queue the parameters name. */
  authorize(principal: Principal, action: string, params: Record<string, unknown>, baseUrl: string): void {
    const url = typeof params.QueueUrl === 'string' && params.QueueUrl !== '' ? params.QueueUrl : `${baseUrl}/`;
    authorize(this.engine, principal, action, params, url);
  }
}
