/**
 * Every known difference between a target and the recordings, each with its case, target and
 * reason. Nothing is skipped: a listed case still runs, is reported as known-different, and the
 * test fails if the difference has gone (so the entry gets removed).
 */
import type { Protocol, Target } from './client.js';

export interface KnownDifference {
  case: string;
  target: Target;
  /** Both protocols when absent. */
  protocol?: Protocol;
  reason: string;
}

export const knownDifferences: KnownDifference[] = [
  {
    case: 'createQueue-same-name-two-regions',
    target: 'emulator',
    reason:
      'F30: the same name in two regions gives two queues (isolated, GetQueueUrl answers per region) but the same URL, ' +
      'http://<host>/<account>/<name>: the region is taken only from the SigV4 scope, so the URL does not tell the queues apart. AWS gives two different URLs.',
  },
  {
    case: 'query-get-and-accept-json',
    target: 'emulator',
    protocol: 'query',
    reason: 'F35: a signed GET ?Action=ListQueues with Accept: application/json is answered in XML; AWS answers JSON whose top-level key is ListQueuesResponse.',
  },
  {
    case: 'messageAttributes-invalid-names-and-types',
    target: 'emulator',
    reason:
      'F84: names starting with AWS./Amazon. are rejected with "You can\'t use message attribute names beginning with \'AWS.\' or \'Amazon.\'. ' +
      'These strings are reserved for internal use.", which does not contain "Invalid" as AWS\'s recorded message does.',
  },
];

export function knownDifference(caseId: string, target: Target, protocol: Protocol): KnownDifference | undefined {
  return knownDifferences.find((d) => d.case === caseId && d.target === target && (d.protocol === undefined || d.protocol === protocol));
}
