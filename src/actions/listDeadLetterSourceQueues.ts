import { errors } from '../api/errors.js';
import { limits } from '../api/limits.js';
import { queueUrl } from '../api/queueUrl.js';
import { integer, list, required, string, struct, wire } from '../api/shapes.js';
import { action } from './action.js';
import { resolveQueue } from './resolve.js';

interface Input {
  QueueUrl: string;
  NextToken?: string;
  MaxResults?: number;
}

/**
 * Queues whose RedrivePolicy names this queue, in name order, paged like ListQueues. The
 * JSON key is lower-case `queueUrls` and required, so it is sent even when empty (F141).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListDeadLetterSourceQueues.html
 */
export const listDeadLetterSourceQueues = action<Input, { queueUrls: string[]; NextToken?: string }>({
  name: 'ListDeadLetterSourceQueues',
  input: struct({ QueueUrl: required(string), NextToken: string, MaxResults: integer }),
  output: struct({ queueUrls: wire(list(string, 'QueueUrl'), 'QueueUrl'), NextToken: string }),
  handler(ctx, input) {
    const dlq = resolveQueue(ctx, input.QueueUrl);
    const max = input.MaxResults;
    if (max !== undefined && (max < 1 || max > limits.maxListResults)) {
      throw errors.invalidParameterValueFor('MaxResults', max, `Must be between 1 and ${limits.maxListResults}, if provided.`);
    }
    let sources = ctx.engine.listDeadLetterSourceQueues(dlq);
    if (input.NextToken) {
      let after: string;
      try {
        after = Buffer.from(input.NextToken, 'base64').toString('utf8');
      } catch {
        throw errors.invalidParameterValue('Invalid NextToken value.');
      }
      sources = sources.filter((q) => q.arn > after);
    }
    const page = sources.slice(0, max ?? limits.maxListResults);
    const out: { queueUrls: string[]; NextToken?: string } = {
      queueUrls: page.map((q) => queueUrl(ctx.baseUrl, q.accountId, q.name)),
    };
    if (max !== undefined && sources.length > page.length) {
      out.NextToken = Buffer.from(page[page.length - 1]!.arn, 'utf8').toString('base64');
    }
    return out;
  },
});
