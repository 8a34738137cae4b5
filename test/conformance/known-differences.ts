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
];

export function knownDifference(caseId: string, target: Target, protocol: Protocol): KnownDifference | undefined {
  return knownDifferences.find((d) => d.case === caseId && d.target === target && (d.protocol === undefined || d.protocol === protocol));
}
