import { errors } from '../api/errors.js';
import { list, required, string, struct, wire } from '../api/shapes.js';
import { action } from './action.js';
import { checkLabel, PERMISSION_ACTIONS } from './permissions.js';
import { resolveQueue } from './resolve.js';

interface Input {
  QueueUrl: string;
  Label: string;
  AWSAccountIds: string[];
  Actions: string[];
}

const MAX_ACTIONS = 7;

/**
 * Adds one statement, Sid = Label, to the queue's Policy. One principal is written as a
 * string, several as a list (F162); a label in use is refused (F163).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_AddPermission.html
 */
export const addPermission = action<Input>({
  name: 'AddPermission',
  input: struct({
    QueueUrl: required(string),
    Label: required(string),
    AWSAccountIds: required(wire(list(string, 'AWSAccountId'), 'AWSAccountId')),
    Actions: required(wire(list(string, 'ActionName'), 'ActionName')),
  }),
  handler(ctx, input) {
    const queue = resolveQueue(ctx, input.QueueUrl);
    checkLabel(input.Label);
    if (input.AWSAccountIds.length === 0) throw errors.missingParameter('AWSAccountIds');
    if (input.Actions.length === 0) throw errors.missingParameter('Actions');
    if (input.Actions.length > MAX_ACTIONS) {
      throw errors.overLimit(`${input.Actions.length} actions were found, maximum allowed is ${MAX_ACTIONS}.`);
    }
    for (const account of input.AWSAccountIds) {
      if (!/^\d{12}$/.test(account)) throw errors.invalidParameterValueFor('PrincipalId', account, 'Unable to verify.');
    }
    for (const name of input.Actions) {
      if (!PERMISSION_ACTIONS.has(name)) {
        throw errors.invalidParameterValueFor('ActionName', name, 'Only the queue owner is allowed to invoke this action.');
      }
    }
    ctx.engine.addPermission(queue, input.Label, input.AWSAccountIds, input.Actions);
  },
});
