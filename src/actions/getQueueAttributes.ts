import { isQueueAttributeName, READ_ONLY_ATTRIBUTES, SETTABLE_ATTRIBUTES } from '../api/queueAttributes.js';
import { errors } from '../api/errors.js';
import { AttributeNameList, QueueAttributeMap, required, string, struct, wire } from '../api/shapes.js';
import { action } from './action.js';
import { resolveQueue } from './resolve.js';

interface Input {
  QueueUrl: string;
  AttributeNames?: string[];
}

/** `All` in AWS's order of names; absent attributes (no Policy, no KMS key…) are left out (F36, F37). */
const ALL = [...READ_ONLY_ATTRIBUTES, ...SETTABLE_ATTRIBUTES].sort();

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html */
export const getQueueAttributes = action<Input, { Attributes?: Record<string, string> }>({
  name: 'GetQueueAttributes',
  input: struct({ QueueUrl: required(string), AttributeNames: wire(AttributeNameList, 'AttributeName') }),
  output: struct({ Attributes: wire(QueueAttributeMap, 'Attribute') }),
  handler(ctx, input) {
    const queue = resolveQueue(ctx, input.QueueUrl);
    const requested = input.AttributeNames ?? [];
    for (const name of requested) {
      if (name !== 'All' && !isQueueAttributeName(name)) throw errors.unknownAttribute(name);
    }
    const names = requested.includes('All') ? ALL : requested;
    const attributes = ctx.engine.getQueueAttributes(queue, names);
    return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
  },
});
