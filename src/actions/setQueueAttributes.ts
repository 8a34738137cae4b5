import { validateQueueAttributes } from '../api/queueAttributes.js';
import { QueueAttributeMap, required, string, struct, wire } from '../api/shapes.js';
import { action } from './action.js';
import { resolveQueue } from './resolve.js';

interface Input {
  QueueUrl: string;
  Attributes: Record<string, string>;
}

/**
 * A partial update: attributes not named keep their values. `Policy` or `RedrivePolicy`
 * set to "" removes it (F48, F49).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 */
export const setQueueAttributes = action<Input>({
  name: 'SetQueueAttributes',
  input: struct({ QueueUrl: required(string), Attributes: required(wire(QueueAttributeMap, 'Attribute')) }),
  handler(ctx, input) {
    const queue = resolveQueue(ctx, input.QueueUrl);
    const attributes = validateQueueAttributes(input.Attributes, { fifo: queue.fifo, creating: false });
    ctx.engine.setQueueAttributes(queue, attributes);
  },
});
