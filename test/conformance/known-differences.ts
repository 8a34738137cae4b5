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
];

export function knownDifference(caseId: string, target: Target, protocol: Protocol): KnownDifference | undefined {
  return knownDifferences.find((d) => d.case === caseId && d.target === target && (d.protocol === undefined || d.protocol === protocol));
}
