/** What the console, `/_emulator/event-source-mappings` and `/metrics` see of a mapping. */

/** Buckets of the batch-size histogram on `/metrics`. */
export const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

export type MappingState = 'Enabled' | 'Disabled';

/** One invocation as the views show it. */
export interface InvocationSummary {
  /** Epoch ms (the emulator's clock) when the target was invoked. */
  readonly at: number;
  readonly records: number;
  readonly outcome: 'succeeded' | 'failed';
  readonly durationMs: number;
  readonly error?: string;
  readonly batchItemFailures?: readonly string[];
}

/** Counters for `/metrics`. */
export interface MappingCounters {
  invocations: number;
  errors: number;
  batchItemFailures: number;
  filteredOut: number;
  deleted: number;
  /** Batch sizes: counts per bucket of BATCH_SIZE_BUCKETS (not cumulative), their sum and count. */
  readonly batchSizeBuckets: number[];
  batchSizeSum: number;
  /** Seconds between the oldest record's SentTimestamp and its invocation, at the latest invocation. */
  iteratorAgeSeconds: number;
}

/** The handle `addEventSourceMapping` returns. */
export interface EventSourceMappingHandle {
  readonly uuid: string;
  /** Stops polling (batches under way finish). Lambda's Enabled: false. */
  pause(): void;
  resume(): void;
  /** Stops polling for good; batches under way finish. */
  remove(): void;
  state(): EventSourceMappingView;
}

/** A mapping as `/_emulator/event-source-mappings` shows it: Lambda's EventSourceMappingConfiguration names, plus the emulator's own. */
export interface EventSourceMappingView {
  UUID: string;
  EventSourceArn: string;
  FunctionArn: string;
  FunctionName: string;
  State: MappingState;
  StateTransitionReason: string;
  BatchSize: number;
  MaximumBatchingWindowInSeconds: number;
  FunctionResponseTypes: string[];
  ScalingConfig: { MaximumConcurrency: number };
  FilterCriteria?: { Filters: { Pattern: string }[] };
  /** Epoch seconds, as Lambda reports it. */
  LastModified: number;
  LastProcessingResult: string;
  /** The emulator's own. */
  Target: { type: 'url'; url: string } | { type: 'command'; command: string; args: string[] } | { type: 'function' };
  FunctionTimeout: number;
  InFlightBatches: number;
  Invocations: number;
  Errors: number;
  LastInvocations: InvocationSummary[];
}
