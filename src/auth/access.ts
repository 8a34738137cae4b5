/**
 * Who may touch which queue when signatures are verified (`--auth verify`).
 *
 * A caller acts in the account its access key belongs to. Its own account's queues are all
 * its own (as an account's root user; a queue Policy's explicit Deny still applies). Another
 * account's queue answers AccessDenied unless that queue's Policy has an Allow statement whose
 * Principal names the caller (`*`, `{"AWS": "*"}`, the account id, or an
 * `arn:aws:iam::<account>:…` ARN), whose Action matches (`sqs:SendMessage`, `SQS:*`, `*`,
 * wildcards), and whose Resource matches the queue ARN. Statements with a Condition are not
 * evaluated: such an Allow grants nothing, such a Deny denies nothing.
 */
import { errors } from '../api/errors.js';
import { parseQueueUrl } from '../api/queueUrl.js';
import type { Engine } from '../engine/engine.js';
import type { QueueInfo } from '../engine/address.js';
import type { Principal } from './sigv4.js';
import { decodeTaskHandle } from '../actions/moveTaskHandle.js';

/** Only the owner may do these, whatever a Policy says (AWS's list of non-shareable actions). */
const OWNER_ONLY = new Set([
  'AddPermission',
  'CreateQueue',
  'DeleteQueue',
  'ListQueues',
  'ListQueueTags',
  'RemovePermission',
  'SetQueueAttributes',
  'TagQueue',
  'UntagQueue',
]);

/** The IAM action an API call needs: `SendMessageBatch` → `sqs:SendMessage`. */
export function permissionFor(action: string): string {
  return `sqs:${action.endsWith('Batch') ? action.slice(0, -'Batch'.length) : action}`;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** `sqs:Send*` against `sqs:SendMessage`, case-insensitively (IAM action names are). */
function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, ignoreCase ? 'i' : '').test(value);
}

function principalMatches(principal: unknown, accountId: string): boolean {
  if (principal === '*') return true;
  if (principal === null || typeof principal !== 'object') return false;
  const aws = (principal as Record<string, unknown>).AWS;
  return asList(aws).some((p) => {
    if (typeof p !== 'string') return false;
    if (p === '*' || p === accountId) return true;
    const m = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(p);
    return m !== null && m[1] === accountId;
  });
}

type Verdict = 'allow' | 'deny' | 'none';

/** Evaluates a queue Policy document for one caller and action: explicit Deny wins. */
export function evaluatePolicy(policy: string, accountId: string, permission: string, queueArn: string): Verdict {
  if (policy === '') return 'none';
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch {
    return 'none';
  }
  if (doc === null || typeof doc !== 'object') return 'none';
  let verdict: Verdict = 'none';
  for (const statement of asList((doc as Record<string, unknown>).Statement)) {
    if (statement === null || typeof statement !== 'object') continue;
    const s = statement as Record<string, unknown>;
    if (s.Condition !== undefined) continue;
    if (!principalMatches(s.Principal, accountId)) continue;
    if (!asList(s.Action).some((a) => typeof a === 'string' && wildcardMatch(a, permission, true))) continue;
    const resources = asList(s.Resource);
    if (resources.length > 0 && !resources.some((r) => typeof r === 'string' && wildcardMatch(r, queueArn, false))) continue;
    if (s.Effect === 'Deny') return 'deny';
    if (s.Effect === 'Allow') verdict = 'allow';
  }
  return verdict;
}

/** The source queue ARN of a move-task request: SourceArn, or the one inside a TaskHandle. */
function moveTaskSource(action: string, params: Record<string, unknown>): string | undefined {
  if (action === 'StartMessageMoveTask' || action === 'ListMessageMoveTasks') {
    return typeof params.SourceArn === 'string' ? params.SourceArn : undefined;
  }
  if (action === 'CancelMessageMoveTask' && typeof params.TaskHandle === 'string') {
    try {
      return decodeTaskHandle(params.TaskHandle).sourceArn;
    } catch {
      return undefined; // the action answers the bad handle itself
    }
  }
  return undefined;
}

/**
 * The queue a request targets, if it names one: QueueUrl, GetQueueUrl's name and owner, or a
 * move task's source queue (by ARN).
 */
function targetQueue(engine: Engine, principal: Principal, action: string, params: Record<string, unknown>): QueueInfo | undefined {
  const sourceArn = moveTaskSource(action, params);
  if (sourceArn !== undefined) return engine.queueByArn(sourceArn);
  if (action === 'GetQueueUrl') {
    const owner = params.QueueOwnerAWSAccountId;
    const name = params.QueueName;
    if (typeof name !== 'string') return undefined;
    return engine.describeQueue({ region: principal.region, accountId: typeof owner === 'string' && owner !== '' ? owner : principal.accountId, name });
  }
  const url = params.QueueUrl;
  if (typeof url !== 'string' || url === '') return undefined;
  let address;
  try {
    address = parseQueueUrl(url);
  } catch {
    return undefined; // the action answers InvalidAddress itself
  }
  return engine.describeQueue({ region: address.region ?? principal.region, accountId: address.accountId ?? principal.accountId, name: address.name });
}

/**
 * Throws AccessDenied when the caller may not run `action` on the queue the request names.
 * Requests naming no queue, or a queue that does not exist, pass: the action answers them.
 */
export function authorize(engine: Engine, principal: Principal, action: string, params: Record<string, unknown>, resourceUrl: string): void {
  const queue = targetQueue(engine, principal, action, params);
  if (!queue) return;
  const own = queue.accountId === principal.accountId;
  const verdict = evaluatePolicy(engine.queuePolicy(queue), principal.accountId, permissionFor(action), queue.arn);
  if (verdict === 'deny') throw errors.accessDenied(resourceUrl);
  if (!own && (OWNER_ONLY.has(action) || verdict !== 'allow')) throw errors.accessDenied(resourceUrl);
  // A move task also writes to its destination: the caller must be able to send there.
  if (action === 'StartMessageMoveTask' && typeof params.DestinationArn === 'string') {
    const destination = engine.queueByArn(params.DestinationArn);
    if (destination && evaluateAccess(engine, destination, principal, 'sqs:SendMessage') === false) throw errors.accessDenied(resourceUrl);
  }
}

/** Whether the caller may do `permission` on `queue`: its own queue unless denied, another's only if allowed. */
function evaluateAccess(engine: Engine, queue: QueueInfo, principal: Principal, permission: string): boolean {
  const verdict = evaluatePolicy(engine.queuePolicy(queue), principal.accountId, permission, queue.arn);
  if (verdict === 'deny') return false;
  return queue.accountId === principal.accountId || verdict === 'allow';
}
