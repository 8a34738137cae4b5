import { parseQueueUrl } from '../api/queueUrl.js';
import { parseQueueArn, type QueueAddress } from '../engine/address.js';
import type { Engine } from '../engine/engine.js';
import { checkMapping, EventSourceMappingError, type EventSourceMappingInput, type MappingSpec } from './config.js';
import { EventSourceMapping } from './mapping.js';

function resolveSource(spec: MappingSpec, region: string, accountId: string): QueueAddress | undefined {
  const { kind, value } = spec.source;
  if (kind === 'name') return { region, accountId, name: value };
  if (kind === 'arn') return parseQueueArn(value);
  const a = parseQueueUrl(value);
  return { region: a.region ?? region, accountId: a.accountId ?? accountId, name: a.name };
}

/** The mappings of one emulator. */
export class EventSourceMappings {
  private readonly mappings: EventSourceMapping[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /**
   * Checks and starts a mapping. As CreateEventSourceMapping: the queue must exist, and its
   * VisibilityTimeout must be at least the function timeout. `where` prefixes the errors.
   */
  add(input: EventSourceMappingInput | MappingSpec, where = 'eventSourceMapping'): EventSourceMapping {
    const spec = 'source' in input ? input : checkMapping(input, where);
    const address = resolveSource(spec, this.region, this.accountId);
    const key = spec.source.kind === 'name' ? 'queueName' : spec.source.kind === 'url' ? 'queueUrl' : 'queueArn';
    const queue = address && this.engine.describeQueue(address);
    if (!queue) throw new EventSourceMappingError(`${where}.${key}: no such queue: ${spec.source.value}`);
    if (queue.fifo && spec.maximumBatchingWindowInSeconds > 0) throw new EventSourceMappingError(`${where}.maximumBatchingWindowInSeconds: batching window is not supported for FIFO queues`);
    if (queue.fifo && spec.batchSize > 10) throw new EventSourceMappingError(`${where}.batchSize: must be an integer from 1 to 10 on a FIFO queue, got ${spec.batchSize}`);
    const visibility = Number(this.engine.getQueueAttributes(queue, ['VisibilityTimeout']).VisibilityTimeout);
    if (visibility < spec.functionTimeout) {
      throw new EventSourceMappingError(`${where}.functionTimeout: Queue visibility timeout: ${visibility} seconds is less than Function timeout: ${spec.functionTimeout} seconds`);
    }
    const mapping = new EventSourceMapping(this.engine, queue, spec, (m) => this.mappings.splice(this.mappings.indexOf(m), 1));
    this.mappings.push(mapping);
    return mapping;
  }

  list(): readonly EventSourceMapping[] {
    return this.mappings;
  }

  get(uuid: string): EventSourceMapping | undefined {
    return this.mappings.find((m) => m.uuid === uuid);
  }

  /** Emulator shutdown: every poller stops; batches under way finish first. */
  async stop(): Promise<void> {
    await Promise.all(this.mappings.map((m) => m.stop()));
  }
}
