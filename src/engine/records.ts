import type { StoredAttributes } from '../api/shapes.js';
import { hasExtras, Message, plainData, type MessageData, type MessageOwner, type MessageState } from './message.js';

/**
 * The engine's state as plain, JSON-able records: what the change stream carries and
 * persistence stores. A record names its queue by address; messages travel apart from it.
 */

/** A message as persisted; binary attribute values in base64. */
export interface MessageRecord {
  data: Omit<MessageData, 'attributes'> & { attributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }> };
  state: 'delayed' | 'ready' | 'inflight';
  deadline: number;
  receiveCount: number;
  firstReceiveTimestamp: number;
  receivedAt: number;
  receiptNonce: string;
  enqueuedAt: number;
}

/**
 * A message as a snapshot line (snapshot version 3): a record in an array, the optional data
 * members (attributes in base64) in a last element only when there are any. Shorter than a
 * record and read into a Message without building one.
 */
export type MessageLine = [
  id: string,
  body: string,
  sentTimestamp: number,
  senderId: string,
  state: 0 | 1 | 2,
  deadline: number,
  receiveCount: number,
  firstReceiveTimestamp: number,
  receivedAt: number,
  receiptNonce: string,
  enqueuedAt: number,
  extras?: Omit<MessageRecord['data'], 'id' | 'body' | 'sentTimestamp' | 'senderId'>,
];

/** Whether a parsed value has the shape of a MessageLine (what a snapshot or journal reader checks). */
export const isMessageLine = (v: unknown): v is MessageLine => Array.isArray(v) && v.length >= 11 && typeof v[0] === 'string';

/** A stored message as persisted: a record (journal, earlier snapshots) or a snapshot line. */
export type StoredMessage = MessageRecord | MessageLine;

/** A queue's own state as persisted (its messages travel separately). */
export interface QueueRecord {
  region: string;
  accountId: string;
  name: string;
  fifo: boolean;
  settings: Record<string, unknown>;
  deduplicationScope: string;
  tags: [string, string][];
  createdTimestamp: number;
  lastModifiedTimestamp: number;
  lastPurgeAt: number | null;
}

/** A ReceiveRequestAttemptId as persisted: the id, when its window ends, the receipt handles it gave. */
export type AttemptRecord = [attemptId: string, expiresAt: number, receiptHandles: string[]];

/** A deduplication entry: its key, when its 5-minute window ends, the original message. */
export type DeduplicationRecord = [key: string, expiresAt: number, data: MessageData];

export type MoveTaskStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

/** A move task as persisted. */
export interface MoveTaskRecord {
  taskId: string;
  sourceArn: string;
  destinationArn?: string;
  maxNumberOfMessagesPerSecond?: number;
  toMove: number;
  moved: number;
  status: MoveTaskStatus;
  failureReason?: string;
  startedTimestamp: number;
}

/** Queues deleted lately, for strict mode's 60-second name rule: [region, account, name, deletedAt]. */
export type DeletedQueueRecord = [region: string, accountId: string, name: string, deletedAt: number];

/** The engine's whole durable state, as plain JSON-able data. */
export interface EngineState {
  queues: {
    queue: QueueRecord;
    /** Oldest first as a rule (restore sorts them otherwise); read once. */
    messages: Iterable<StoredMessage>;
    deduplication: DeduplicationRecord[];
    /** ReceiveRequestAttemptIds in their window; absent in snapshots of earlier versions. */
    attempts?: AttemptRecord[];
  }[];
  /** Absent in snapshots written before move tasks were persisted. */
  moveTasks?: MoveTaskRecord[];
  /** Absent in snapshots written before strict mode's names were persisted. */
  deleted?: DeletedQueueRecord[];
}

/** One queue of a snapshot: its record and entries taken now, its messages as JSON read later. */
export interface SnapshotPart {
  readonly queue: QueueRecord;
  readonly deduplication: DeduplicationRecord[];
  readonly attempts: AttemptRecord[];
  /** Each stored message's snapshot line as JSON, read lazily (see Engine.snapshotParts). */
  readonly messages: Iterator<string>;
}

/** Attribute names are user data (`__proto__` included): kept in an object without prototype. */
function recordAttributes(stored: StoredAttributes): NonNullable<MessageRecord['data']['attributes']> {
  const attributes: NonNullable<MessageRecord['data']['attributes']> = Object.create(null);
  for (const [k, v] of Object.entries(stored)) {
    attributes[k] = v.BinaryValue
      ? { DataType: v.DataType, BinaryValue: v.BinaryValue.toString('base64') }
      : { DataType: v.DataType, StringValue: v.StringValue! };
  }
  return attributes;
}

/** The stored data as a record: a plain copy (the message is its own data), attributes in base64. */
function recordData(d: MessageData): MessageRecord['data'] {
  const data = plainData(d);
  if (!d.attributes) return data as MessageRecord['data'];
  return { ...data, attributes: recordAttributes(d.attributes) };
}

export function messageRecord(m: Message): MessageRecord {
  return {
    data: recordData(m.data),
    state: m.state,
    deadline: m.deadline,
    receiveCount: m.receiveCount,
    firstReceiveTimestamp: m.firstReceiveTimestamp,
    receivedAt: m.receivedAt,
    receiptNonce: m.receiptNonce,
    enqueuedAt: m.enqueuedAt,
  };
}

/** Characters JSON.stringify escapes, and any surrogate (a lone one is escaped). */
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;
/** `JSON.stringify(s)`: a string with nothing to escape (ids, most bodies) without its call. */
const quoted = (s: string): string => (ESCAPED.test(s) ? JSON.stringify(s) : `"${s}"`);

const STATE_CODES: Readonly<Record<MessageState, 0 | 1 | 2>> = { ready: 0, delayed: 1, inflight: 2 };
const CODE_STATES: readonly MessageState[] = ['ready', 'delayed', 'inflight'];

/** A message's snapshot line (MessageLine), built from its record. */
export function messageLine(m: Message): MessageLine {
  const { id, body, sentTimestamp, senderId, ...extras } = messageRecord(m).data;
  const line: MessageLine = [id, body, sentTimestamp, senderId, STATE_CODES[m.state], m.deadline, m.receiveCount, m.firstReceiveTimestamp, m.receivedAt, m.receiptNonce, m.enqueuedAt];
  if (Object.keys(extras).length > 0) line.push(extras);
  return line;
}

/**
 * `JSON.stringify(messageLine(m))`, byte for byte, without building the line: a snapshot
 * serialises every stored message and a durable journal every change, and fewer short-lived
 * objects mean less GC meanwhile.
 */
export function messageLineJson(m: Message): string {
  let extras = '';
  if (hasExtras(m)) {
    const { id: _id, body: _body, sentTimestamp: _sent, senderId: _sender, ...rest } = recordData(m);
    extras = `,${JSON.stringify(rest)}`;
  }
  return `[${quoted(m.id)},${quoted(m.body)},${m.sentTimestamp},${quoted(m.senderId)},${STATE_CODES[m.state]},${m.deadline},${m.receiveCount},${m.firstReceiveTimestamp},${m.receivedAt},${quoted(m.receiptNonce)},${m.enqueuedAt}${extras}]`;
}

/** Rebuilds a stored message, in the state it had, from its record or snapshot line. */
export function messageFromStored(owner: MessageOwner, s: StoredMessage): Message {
  if (!Array.isArray(s)) {
    const message = messageFromRecord(owner, s);
    message.state = s.state;
    return message;
  }
  const data = { id: s[0], body: s[1], sentTimestamp: s[2], senderId: s[3] };
  const message = new Message(owner, s.length > 11 ? messageData({ ...s[11], ...data }) : data);
  message.state = CODE_STATES[s[4]]!;
  message.deadline = s[5];
  message.receiveCount = s[6];
  message.firstReceiveTimestamp = s[7];
  message.receivedAt = s[8];
  message.receiptNonce = s[9];
  message.enqueuedAt = s[10];
  return message;
}

/** The message id of a record or snapshot line. */
export const storedId = (s: StoredMessage): string => (Array.isArray(s) ? s[0] : s.data.id);

/** Rebuilds a stored message from its record (its state is applied by the queue). */
export function messageFromRecord(owner: MessageOwner, r: MessageRecord): Message {
  const message = new Message(owner, messageData(r.data));
  message.receiveCount = r.receiveCount;
  message.firstReceiveTimestamp = r.firstReceiveTimestamp;
  message.receivedAt = r.receivedAt;
  message.receiptNonce = r.receiptNonce;
  message.enqueuedAt = r.enqueuedAt;
  message.deadline = r.deadline;
  return message;
}

function messageData(data: MessageRecord['data']): MessageData {
  if (!data.attributes) return data as MessageData;
  const attributes: StoredAttributes = Object.create(null);
  for (const [k, v] of Object.entries(data.attributes)) {
    attributes[k] = v.BinaryValue !== undefined
      ? { DataType: v.DataType, BinaryValue: Buffer.from(v.BinaryValue, 'base64') }
      : { DataType: v.DataType, StringValue: v.StringValue! };
  }
  return { ...data, attributes };
}
