/**
 * Shapes: each action declares its input and output once, in the service model's terms.
 * The JSON protocol checks member types against them, the query protocol unflattens
 * `Attribute.1.Name`-style keys with them, and the XML writer renders outputs from them.
 * Member names are the model's (the JSON names); `wire` is the query/XML name where it differs.
 */

export type Shape =
  | { readonly kind: 'string' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'long' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'blob' }
  | { readonly kind: 'list'; readonly member: Shape; readonly item: string }
  | { readonly kind: 'map'; readonly value: Shape; readonly entry: string; readonly key: string; readonly val: string }
  | StructShape;

export interface Member {
  readonly shape: Shape;
  /** Query parameter / XML element name, when it differs from the member name. */
  readonly wire?: string;
  /** Further query names accepted for this member (e.g. `Tags.N` besides `Tag.N`). */
  readonly alsoWire?: readonly string[];
  /** Required by the model: absent (or an empty string) gives MissingParameter. */
  readonly required?: boolean;
}

export interface StructShape {
  readonly kind: 'struct';
  readonly members: Readonly<Record<string, Member>>;
}

export const string: Shape = { kind: 'string' };
export const integer: Shape = { kind: 'integer' };
export const long: Shape = { kind: 'long' };
export const boolean: Shape = { kind: 'boolean' };
export const blob: Shape = { kind: 'blob' };

export const list = (member: Shape, item: string): Shape => ({ kind: 'list', member, item });
export const map = (value: Shape, entry: string, key: string, val: string): Shape => ({
  kind: 'map',
  value,
  entry,
  key,
  val,
});
export const struct = (members: Record<string, Shape | Member>): StructShape => ({
  kind: 'struct',
  members: Object.fromEntries(
    Object.entries(members).map(([name, m]) => [name, 'shape' in m ? m : { shape: m }]),
  ),
});
/** A member whose query/XML name differs from its JSON name. */
export const wire = (shape: Shape | Member, name: string, ...also: string[]): Member => ({
  ...('shape' in shape ? shape : { shape }),
  wire: name,
  alsoWire: also,
});
/** A member the model marks required. */
export const required = (shape: Shape | Member): Member => ({ ...('shape' in shape ? shape : { shape }), required: true });

// Shared structures of the SQS model (2012-11-05).

export const MessageAttributeValue = struct({
  StringValue: string,
  BinaryValue: blob,
  StringListValues: wire(list(string, 'StringListValue'), 'StringListValue'),
  BinaryListValues: wire(list(blob, 'BinaryListValue'), 'BinaryListValue'),
  DataType: string,
});

export const MessageAttributeMap = map(MessageAttributeValue, 'MessageAttribute', 'Name', 'Value');
export const MessageSystemAttributeMap = map(MessageAttributeValue, 'MessageSystemAttribute', 'Name', 'Value');
export const QueueAttributeMap = map(string, 'Attribute', 'Name', 'Value');
export const TagMap = map(string, 'Tag', 'Key', 'Value');
export const AttributeNameList = list(string, 'AttributeName');

export const BatchResultErrorEntry = struct({
  Id: string,
  SenderFault: boolean,
  Code: string,
  Message: string,
});

/** Output list of batch failures, `<BatchResultErrorEntry>` items in XML. */
export const FailedList = list(BatchResultErrorEntry, 'BatchResultErrorEntry');

/** Plain data of a message attribute value as the JSON protocol carries it. */
export interface MessageAttributeValueData {
  DataType: string;
  StringValue?: string;
  /** base64 on the wire; decoded bytes once validated. */
  BinaryValue?: string | Uint8Array;
  StringListValues?: string[];
  BinaryListValues?: (string | Uint8Array)[];
}

/** A message attribute as stored: binary values decoded to bytes. */
export interface StoredAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
  StringListValues?: string[];
  BinaryListValues?: Buffer[];
}

export type StoredAttributes = Record<string, StoredAttributeValue>;
