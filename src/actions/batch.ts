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
  const seen = new Set<string>();
  for (const entry of entries) {
    if (typeof entry.Id !== 'string' || !ENTRY_ID.test(entry.Id)) throw errors.invalidBatchEntryId();
    if (seen.has(entry.Id)) throw errors.batchEntryIdsNotDistinct(entry.Id);
    seen.add(entry.Id);
  }
}
