import { required, string, struct, TagMap, wire } from '../api/shapes.js';
import { action } from './action.js';
import { resolveQueue } from './resolve.js';

/** No `Tags` member when the queue has none (F161). https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListQueueTags.html */
export const listQueueTags = action<{ QueueUrl: string }, { Tags?: Record<string, string> }>({
  name: 'ListQueueTags',
  input: struct({ QueueUrl: required(string) }),
  output: struct({ Tags: wire(TagMap, 'Tag') }),
  handler(ctx, input) {
    const tags = ctx.engine.listQueueTags(resolveQueue(ctx, input.QueueUrl));
    return tags ? { Tags: tags } : {};
  },
});
