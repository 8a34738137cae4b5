import type { Action } from './action.js';

/**
 * The 23 SQS actions (API version 2012-11-05), one line each. Each module loads on the first
 * request of its action, not at start-up (issue 19): a few milliseconds once, on that request.
 */
const loaders = new Map<string, () => Promise<Action>>([
  ['AddPermission', async () => (await import('./addPermission.js')).addPermission],
  ['CancelMessageMoveTask', async () => (await import('./cancelMessageMoveTask.js')).cancelMessageMoveTask],
  ['ChangeMessageVisibility', async () => (await import('./changeMessageVisibility.js')).changeMessageVisibility],
  ['ChangeMessageVisibilityBatch', async () => (await import('./changeMessageVisibilityBatch.js')).changeMessageVisibilityBatch],
  ['CreateQueue', async () => (await import('./createQueue.js')).createQueue],
  ['DeleteMessage', async () => (await import('./deleteMessage.js')).deleteMessage],
  ['DeleteMessageBatch', async () => (await import('./deleteMessageBatch.js')).deleteMessageBatch],
  ['DeleteQueue', async () => (await import('./deleteQueue.js')).deleteQueue],
  ['GetQueueAttributes', async () => (await import('./getQueueAttributes.js')).getQueueAttributes],
  ['GetQueueUrl', async () => (await import('./getQueueUrl.js')).getQueueUrl],
  ['ListDeadLetterSourceQueues', async () => (await import('./listDeadLetterSourceQueues.js')).listDeadLetterSourceQueues],
  ['ListMessageMoveTasks', async () => (await import('./listMessageMoveTasks.js')).listMessageMoveTasks],
  ['ListQueues', async () => (await import('./listQueues.js')).listQueues],
  ['ListQueueTags', async () => (await import('./listQueueTags.js')).listQueueTags],
  ['PurgeQueue', async () => (await import('./purgeQueue.js')).purgeQueue],
  ['ReceiveMessage', async () => (await import('./receiveMessage.js')).receiveMessage],
  ['RemovePermission', async () => (await import('./removePermission.js')).removePermission],
  ['SendMessage', async () => (await import('./sendMessage.js')).sendMessage],
  ['SendMessageBatch', async () => (await import('./sendMessageBatch.js')).sendMessageBatch],
  ['SetQueueAttributes', async () => (await import('./setQueueAttributes.js')).setQueueAttributes],
  ['StartMessageMoveTask', async () => (await import('./startMessageMoveTask.js')).startMessageMoveTask],
  ['TagQueue', async () => (await import('./tagQueue.js')).tagQueue],
  ['UntagQueue', async () => (await import('./untagQueue.js')).untagQueue],
]);

/** Actions loaded so far, found without a turn of the event loop. */
const loaded = new Map<string, Action>();
const loading = new Map<string, Promise<Action>>();

/** Whether `name` is an SQS action, without loading it. */
export function isActionName(name: string): boolean {
  return loaders.has(name);
}

/** The action once it has been loaded (see `loadAction`), else undefined. */
export function loadedAction(name: string): Action | undefined {
  return loaded.get(name);
}

/** Loads the action (once); undefined for a name that is not an action. */
export function loadAction(name: string): Promise<Action> | undefined {
  const load = loaders.get(name);
  if (!load) return undefined;
  let promise = loading.get(name);
  if (!promise) {
    promise = load().then(
      (action) => {
        loaded.set(name, action);
        return action;
      },
      (e: unknown) => {
        loading.delete(name);
        throw e;
      },
    );
    loading.set(name, promise);
  }
  return promise;
}
