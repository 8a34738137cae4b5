import { required, string, struct, TagMap, wire } from '../api/shapes.js';
import { tooManyTags, validateTags } from '../api/tags.js';
import { limits } from '../api/limits.js';
import { action } from './action.js';
import { resolveQueue } from './resolve.js';

/** Overwrites existing keys and merges new ones (F160). https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_TagQueue.html */
export const tagQueue = action<{ QueueUrl: string; Tags: Record<string, string> }>({
  name: 'TagQueue',
  input: struct({ QueueUrl: required(string), Tags: required(wire(TagMap, 'Tag', 'Tags')) }),
  handler(ctx, input) {
    const queue = resolveQueue(ctx, input.QueueUrl);
    const tags = validateTags(input.Tags);
    let added = 0;
    for (const key of tags.keys()) if (!queue.tags.has(key)) added++;
    if (queue.tags.size + added > limits.maxTagsPerQueue) throw tooManyTags();
    for (const [k, v] of tags) queue.tags.set(k, v);
    queue.changed();
  },
});
