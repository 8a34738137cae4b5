import { errors } from '../api/errors.js';
import { limits } from '../api/limits.js';
import { validateQueueAttributes } from '../api/queueAttributes.js';
import { queueUrl } from '../api/queueUrl.js';
import { QueueAttributeMap, TagMap, required, string, struct, wire } from '../api/shapes.js';
import { validateTags } from '../api/tags.js';
import { action } from './action.js';

interface Input {
  QueueName: string;
  Attributes?: Record<string, string>;
  tags?: Record<string, string>;
}

const NAME = /^[A-Za-z0-9_-]+$/;
const NO_TAGS: ReadonlyMap<string, string> = new Map();

/**
 * CreateQueue: idempotent for the same (or a subset of the current) attributes.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
 */
export const createQueue = action<Input, { QueueUrl: string }>({
  name: 'CreateQueue',
  input: struct({
    QueueName: required(string),
    Attributes: wire(QueueAttributeMap, 'Attribute'),
    tags: wire(TagMap, 'Tag', 'Tags'),
  }),
  output: struct({ QueueUrl: string }),
  handler(ctx, input) {
    const name = input.QueueName;
    const attributes = input.Attributes ?? {};
    const fifo = attributes.FifoQueue?.trim().toLowerCase() === 'true';
    const isFifoName = name.endsWith('.fifo');
    const base = isFifoName ? name.slice(0, -5) : name;
    if (name.length > limits.maxQueueNameLength || !NAME.test(base) || (isFifoName && !fifo)) {
      throw errors.invalidParameterValue(
        fifo
          ? 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.'
          : 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      );
    }
    if (fifo && !isFifoName) {
      throw errors.invalidParameterValue(
        'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
      );
    }
    const validated = validateQueueAttributes(attributes, { fifo, creating: true });
    const tags = input.tags === undefined ? NO_TAGS : validateTags(input.tags);
    const queue = ctx.engine.createQueue({ region: ctx.region, accountId: ctx.accountId, name }, { fifo, attributes: validated, tags });
    return { QueueUrl: queueUrl(ctx.baseUrl, queue.accountId, queue.name) };
  },
});
