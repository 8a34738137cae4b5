/** Every known difference between a target and the recordings; none is skipped silently. */
export interface KnownDifference { case: string; target: string; protocol: 'json' | 'query'; reason: string }

const receiptHandle404 =
  'Emulator answers ReceiptHandleIsInvalid with HTTP 404 (src/api/errors.ts, matching the SQS API docs); ' +
  'the reference (F9: "every other recorded error is 400") implies 400. Code and message match. Needs an AWS --record run to settle.';

export const knownDifferences: KnownDifference[] = [
  { case: 'deleteMessage-garbage-handle', target: 'emulator', protocol: 'json', reason: receiptHandle404 },
  { case: 'deleteMessage-garbage-handle', target: 'emulator', protocol: 'query', reason: receiptHandle404 },
];
