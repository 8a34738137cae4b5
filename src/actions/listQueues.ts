import { errors } from '../api/errors.js';
import { limits } from '../api/limits.js';
import { queueUrl } from '../api/queueUrl.js';
import { integer, list, string, struct, wire } from '../api/shapes.js';
import { action } from './action.js';

interface Input {
  QueueNamePrefix?: string;
  NextToken?: string;
  MaxResults?: number;
}

interface Output {
  QueueUrls?: string[];
  NextToken?: string;
}

/** NextToken is opaque to clients: base64 of the last name returned. */
const encodeToken = (name: string): string => Buffer.from(JSON.stringify({ after: name }), 'utf8').toString('base64');

function decodeToken(token: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (parsed && typeof parsed === 'object' && typeof (parsed as { after?: unknown }).after === 'string') {
      return (parsed as { after: string }).after;
    }
  } catch {
    // fall through
  }
  throw errors.invalidParameterValue('Invalid NextToken value.');
}

/**
 * ListQueues: names in sort order; a NextToken only when MaxResults was given and more
 * remain (F34); without MaxResults at most 1,000 URLs.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListQueues.html
 */
export const listQueues = action<Input, Output>({
  name: 'ListQueues',
  input: struct({ QueueNamePrefix: string, NextToken: string, MaxResults: integer }),
  output: struct({ QueueUrls: wire(list(string, 'QueueUrl'), 'QueueUrl'), NextToken: string }),
  handler(ctx, input) {
    const max = input.MaxResults;
    if (max !== undefined && (max < 1 || max > limits.maxListResults)) {
      throw errors.invalidParameterValueFor('MaxResults', max, `Must be between 1 and ${limits.maxListResults}, if provided.`);
    }
    let queues = ctx.engine.listQueues(ctx.region, ctx.accountId, input.QueueNamePrefix ?? '');
    if (input.NextToken) {
      const after = decodeToken(input.NextToken);
      queues = queues.filter((q) => q.name > after);
    }
    const page = queues.slice(0, max ?? limits.maxListResults);
    const out: Output = {};
    if (page.length > 0) out.QueueUrls = page.map((q) => queueUrl(ctx.baseUrl, q.accountId, q.name));
    if (max !== undefined && queues.length > page.length) out.NextToken = encodeToken(page[page.length - 1]!.name);
    return out;
  },
});
