import { randomUUID } from 'node:crypto';
import { nanoid } from 'nanoid';

/** Randomness is injected so tests can make ids predictable. */
export interface Random {
  /** A MessageId / RequestId: a UUID, as SQS issues. */
  uuid(): string;
  /** A URL-safe random token of `size` characters (receipt-handle nonces). */
  token(size: number): string;
}

export const cryptoRandom: Random = {
  uuid: () => randomUUID(),
  token: (size) => nanoid(size),
};
