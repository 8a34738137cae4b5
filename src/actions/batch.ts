import { errors } from '../api/errors.js';
import { limits } from '../api/limits.js';

const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * The whole-request checks every batch action makes: 1-10 entries, ids of 1-80
 * `[A-Za-z0-9_-]` characters, distinct within the request (F107-F109).
 */
export function checkBatchEntries(entries: readonly { Id: string }[] | undefined, entryShape: string): void {
  if (!entries || entries.length === 0) throw errors.emptyBatchRequest(entryShape);
  if (entries.length > limits.maxBatchEntries) throw errors.tooManyEntriesInBatchRequest(entries.length);
  // At most ten entries: comparing each id with those before it is cheaper than a Set.
  for (let i = 0; i < entries.length; i++) {
    const id = entries[i]!.Id;
    if (typeof id !== 'string' || !ENTRY_ID.test(id)) throw errors.invalidBatchEntryId();
    for (let j = 0; j < i; j++) if (entries[j]!.Id === id) throw errors.batchEntryIdsNotDistinct(id);
  }
}
