/**
 * The access keys of `--auth verify` as the configuration reads them; apart from the verifier
 * (index.ts), which loads only when it is on.
 */
import type { Credential } from './sigv4.js';

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
