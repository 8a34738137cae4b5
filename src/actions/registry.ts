import type { Action } from './action.js';
import { addPermission } from './addPermission.js';
import { cancelMessageMoveTask } from './cancelMessageMoveTask.js';
import { changeMessageVisibility } from './changeMessageVisibility.js';
import { changeMessageVisibilityBatch } from './changeMessageVisibilityBatch.js';
import { createQueue } from './createQueue.js';
import { deleteMessage } from './deleteMessage.js';
import { deleteMessageBatch } from './deleteMessageBatch.js';
import { deleteQueue } from './deleteQueue.js';
import { getQueueAttributes } from './getQueueAttributes.js';
import { getQueueUrl } from './getQueueUrl.js';
import { listDeadLetterSourceQueues } from './listDeadLetterSourceQueues.js';
import { listMessageMoveTasks } from './listMessageMoveTasks.js';
import { listQueues } from './listQueues.js';
import { listQueueTags } from './listQueueTags.js';
import { purgeQueue } from './purgeQueue.js';
import { receiveMessage } from './receiveMessage.js';
import { removePermission } from './removePermission.js';
import { sendMessage } from './sendMessage.js';
import { sendMessageBatch } from './sendMessageBatch.js';
import { setQueueAttributes } from './setQueueAttributes.js';
import { startMessageMoveTask } from './startMessageMoveTask.js';
import { tagQueue } from './tagQueue.js';
import { untagQueue } from './untagQueue.js';

/** The 23 SQS actions (API version 2012-11-05), one line each. */
const all: Action[] = [
  addPermission,
  cancelMessageMoveTask,
  changeMessageVisibility,
  changeMessageVisibilityBatch,
  createQueue,
  deleteMessage,
  deleteMessageBatch,
  deleteQueue,
  getQueueAttributes,
  getQueueUrl,
  listDeadLetterSourceQueues,
  listMessageMoveTasks,
  listQueues,
  listQueueTags,
  purgeQueue,
  receiveMessage,
  removePermission,
  sendMessage,
  sendMessageBatch,
  setQueueAttributes,
  startMessageMoveTask,
  tagQueue,
  untagQueue,
];

const byName = new Map(all.map((a) => [a.name, a]));

export function findAction(name: string): Action | undefined {
  return byName.get(name);
}
