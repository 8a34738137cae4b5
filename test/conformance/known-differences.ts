/** Every known difference between a target and the recordings; none is skipped silently. */
export interface KnownDifference { case: string; target: string; protocol: 'json' | 'query'; reason: string }

export const knownDifferences: KnownDifference[] = [];
