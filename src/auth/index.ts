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

export class CredentialError extends Error {}

/** Checks one credential entry (config file or environment). */
export function checkCredential(raw: unknown, where: string): Credential {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new CredentialError(`${where}: must be an object`);
  const c = raw as Record<string, unknown>;
  for (const key of Object.keys(c)) {
    if (!['accessKeyId', 'secretAccessKey', 'accountId'].includes(key)) throw new CredentialError(`${where}.${key}: unknown key`);
  }
  if (typeof c.accessKeyId !== 'string' || !/^[A-Za-z0-9_.-]{1,128}$/.test(c.accessKeyId)) {
    throw new CredentialError(`${where}.accessKeyId: must be 1-128 letters, digits, '_', '.' or '-'`);
  }
  if (typeof c.secretAccessKey !== 'string' || c.secretAccessKey === '') throw new CredentialError(`${where}.secretAccessKey: must be a non-empty string`);
  if (typeof c.accountId !== 'string' || !/^\d{12}$/.test(c.accountId)) throw new CredentialError(`${where}.accountId: must be 12 digits`);
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, accountId: c.accountId };
}

/** `AKID:SECRET:ACCOUNT,AKID2:SECRET2:ACCOUNT2` (SQS_EMULATOR_CREDENTIALS). The secret may not contain ':' or ','. */
export function parseCredentialList(text: string, where: string): Credential[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((entry, i) => {
      const parts = entry.split(':');
      if (parts.length !== 3) throw new CredentialError(`${where}[${i}]: expected ACCESS_KEY_ID:SECRET_ACCESS_KEY:ACCOUNT_ID`);
      return checkCredential({ accessKeyId: parts[0], secretAccessKey: parts[1], accountId: parts[2] }, `${where}[${i}]`);
    });
}

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
