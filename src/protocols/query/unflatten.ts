import { errors } from '../../api/errors.js';
import type { Shape, StructShape } from '../../api/shapes.js';

/**
 * The query protocol flattens structures into dotted keys (`MessageAttribute.1.Value.StringValue`).
 * `unflatten` rebuilds the tree; `decodeStruct` maps its wire names onto the model's member
 * names, giving the same shape the JSON protocol carries (every scalar still a string).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-xml.html
 */

/** A node of the parameter tree. A key that is both a value and a prefix keeps its value under SELF. */
export type QueryNode = string | QueryTree;
export interface QueryTree {
  [key: string]: QueryNode;
}

const SELF = '\u0000';
export const MAX_QUERY_PARAMETERS = 2_000;

export function unflatten(params: Iterable<readonly [string, string]>): QueryTree {
  const root: QueryTree = Object.create(null);
  let count = 0;
  for (const [key, value] of params) {
    if (++count > MAX_QUERY_PARAMETERS) {
      throw errors.invalidParameterValue(`Too many request parameters: at most ${MAX_QUERY_PARAMETERS} are accepted.`);
    }
    const path = key.split('.');
    let node = root;
    for (let i = 0; i < path.length - 1; i++) {
      const segment = path[i]!;
      let child = node[segment];
      if (child === undefined || typeof child === 'string') {
        const tree: QueryTree = Object.create(null);
        if (typeof child === 'string') tree[SELF] = child;
        node[segment] = tree;
        child = tree;
      }
      node = child;
    }
    const last = path[path.length - 1]!;
    const existing = node[last];
    if (existing !== undefined && typeof existing !== 'string') existing[SELF] = value;
    else node[last] = value;
  }
  return root;
}

const isIndex = (key: string): boolean => /^[1-9][0-9]{0,8}$/.test(key);

/** Items of a flattened list: `X.1`, `X.2`…, or the unindexed forms `X=v` and `X.Name=…`. */
function listItems(node: QueryNode): QueryNode[] {
  if (typeof node === 'string') return node === '' ? [] : [node];
  const indexes = Object.keys(node).filter(isIndex);
  if (indexes.length > 0) return indexes.sort((a, b) => Number(a) - Number(b)).map((k) => node[k]!);
  const self = node[SELF];
  const rest = Object.keys(node).filter((k) => k !== SELF);
  if (rest.length > 0) return [node];
  return self === undefined || self === '' ? [] : [self];
}

function lookup(tree: QueryTree, names: readonly string[]): QueryNode | undefined {
  for (const name of names) {
    const node = tree[name];
    if (node !== undefined) return node;
  }
  return undefined;
}

function decodeValue(shape: Shape, node: QueryNode): unknown {
  switch (shape.kind) {
    case 'list':
      return listItems(node).map((item) => decodeValue(shape.member, item));
    case 'map': {
      const out: Record<string, unknown> = Object.create(null);
      for (const entry of listItems(node)) {
        if (typeof entry === 'string') continue;
        const key = entry[shape.key];
        if (typeof key !== 'string') continue;
        const value = entry[shape.val];
        out[key] = value === undefined ? (shape.value.kind === 'string' ? '' : {}) : decodeValue(shape.value, value);
      }
      return out;
    }
    case 'struct':
      return typeof node === 'string' ? {} : decodeStruct(shape, node);
    default:
      return typeof node === 'string' ? node : (node[SELF] ?? '');
  }
}

export function decodeStruct(shape: StructShape, tree: QueryTree): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [name, member] of Object.entries(shape.members)) {
    let node = lookup(tree, [member.wire ?? name, ...(member.alsoWire ?? [])]);
    // botocore sends an empty list as its member name with no value (`Entries=`,
    // `AttributeNames=`): it is an empty list, as `[]` is over JSON (F180).
    if (node === undefined && member.shape.kind === 'list' && tree[name] === '') node = '';
    if (node !== undefined) out[name] = decodeValue(member.shape, node);
  }
  return out;
}
