import { required, string, struct, TagMap, wire } from '../api/shapes.js';
import { validateTags } from '../api/tags.js';
import { action } from './action.js';
import { resolveQueue } from './resolve.js';

/** Overwrites existing keys and merges new ones (F160). https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_TagQueue.html */
export const tagQueue = action<{ QueueUrl: string; Tags: Record<string, string> }>({
  name: 'TagQueue',
  input: struct({ QueueUrl: required(string), Tags: required(wire(TagMap, 'Tag', 'Tags')) }),
  handler(ctx, input) {
    const queue = resolveQueue(ctx, input.QueueUrl);
    ctx.engine.tagQueue(queue, validateTags(input.Tags));
  },
});
