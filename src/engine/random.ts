import { randomFillSync } from 'node:crypto';
import { random as randomBytes, urlAlphabet } from 'nanoid';

/** Randomness is injected so tests can make ids predictable. */
export interface Random {
  /** A MessageId / RequestId: a UUID, as SQS issues. */
  uuid(): string;
  /** A URL-safe random token of `size` characters (receipt-handle nonces). */
  token(size: number): string;
}

const HEX = Buffer.from('0123456789abcdef', 'latin1');
const POOL_UUIDS = 256;
const pool = Buffer.alloc(16 * POOL_UUIDS);
let poolUsed = POOL_UUIDS;
const text = Buffer.alloc(36);

/**
 * A version-4 UUID written as one flat string. crypto.randomUUID() builds its answer by
 * concatenation: a tree of ~14 string pieces (~450 bytes) that every stored message would
 * keep as its MessageId. Random bytes are drawn from the CSPRNG in pools of 256 UUIDs.
 */
function flatUuid(): string {
  if (poolUsed === POOL_UUIDS) {
    randomFillSync(pool);
    poolUsed = 0;
  }
  const offset = 16 * poolUsed++;
  pool[offset + 6] = (pool[offset + 6]! & 0x0f) | 0x40; // version 4
  pool[offset + 8] = (pool[offset + 8]! & 0x3f) | 0x80; // RFC 4122 variant
  let at = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text[at++] = 0x2d; // '-'
    const byte = pool[offset + i]!;
    text[at++] = HEX[byte >> 4]!;
    text[at++] = HEX[byte & 15]!;
  }
  return text.toString('latin1', 0, 36);
}

const ALPHABET = Buffer.from(urlAlphabet, 'latin1');
const tokenText = Buffer.alloc(64);

/**
 * A URL-safe token of nanoid's alphabet (64 symbols, so every random byte maps without bias),
 * written as one flat string: a token built by `+=` would be kept as a chain of `size` pieces
 * by every in-flight message's receipt handle.
 */
function flatToken(size: number): string {
  if (size > tokenText.length) throw new RangeError('token too long');
  const bytes = randomBytes(size);
  for (let i = 0; i < size; i++) tokenText[i] = ALPHABET[bytes[i]! & 63]!;
  return tokenText.toString('latin1', 0, size);
}

export const cryptoRandom: Random = {
  uuid: flatUuid,
  token: flatToken,
};
