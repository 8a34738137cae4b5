import { errors } from './errors.js';
import { limits } from './limits.js';
import type { MessageAttributeValueData, StoredAttributes, StoredAttributeValue } from './shapes.js';

/**
 * Validation of what a message carries: body characters, message attributes, system
 * attributes, group and deduplication ids, and the size SQS counts.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
 */

/** Allowed characters: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF (lone surrogates are not). */
const INVALID_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function hasInvalidCharacters(text: string): boolean {
  return INVALID_CHARACTER.test(text);
}

/** Attribute names: letters (any script), digits, `_`, `-`, `.`; not `..`, not starting or ending with `.`. */
const NAME_CHARACTER = /^[\p{L}\p{N}_.-]+$/u;
const RESERVED_PREFIX = /^(aws\.|amazon\.)/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function decodeBase64(value: string, what: string): Buffer {
  const compact = value.replace(/[\r\n]/g, '');
  if (!BASE64.test(compact)) throw errors.invalidParameterValue(`${what} is not valid base64.`);
  return Buffer.from(compact, 'base64');
}

function validateAttributeName(name: string): void {
  if (name.length === 0) throw errors.invalidParameterValue('The request must contain non-empty message (user) attribute names.');
  if (name.length > 256) throw errors.invalidParameterValue(`Message (user) attribute name ${name} is invalid. Reason: Name must be 256 characters or fewer.`);
  if (RESERVED_PREFIX.test(name)) {
    throw errors.invalidParameterValue(
      // F84 records only that the message contains "Invalid"; the rest follows AWS's style.
      `Invalid message (user) attribute name ${name}. Names beginning with 'AWS.' or 'Amazon.' are reserved for internal use.`,
    );
  }
  if (!NAME_CHARACTER.test(name)) {
    const bad = [...name].find((c) => !NAME_CHARACTER.test(c)) ?? '';
    throw errors.invalidParameterValue(
      `Invalid non-alphanumeric character '#x${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase()}' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.`,
    );
  }
  if (name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
    throw errors.invalidParameterValue(
      `Message (user) attribute name ${name} is invalid. Reason: Name cannot start or end with a period, or contain consecutive periods.`,
    );
  }
}

/** Validates one attribute value and returns it with binaries decoded. */
function validateAttributeValue(name: string, value: MessageAttributeValueData, kind: 'user' | 'system'): StoredAttributeValue {
  const label = `Message (${kind}) attribute '${name}'`;
  if (value === null || typeof value !== 'object') throw errors.invalidParameterValue(`${label} must contain a non-empty value.`);
  const dataType = value.DataType;
  if (typeof dataType !== 'string' || dataType.length === 0) {
    throw errors.invalidParameterValue(`${label} must contain a non-empty message attribute type.`);
  }
  if (dataType.length > 256) throw errors.invalidParameterValue(`${label} type must be less than 256 characters.`);
  const base = /^(String|Number|Binary)(\..+)?$/.exec(dataType)?.[1];
  if (!base) {
    throw errors.invalidParameterValue(
      `The type of message (${kind}) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
    );
  }
  if (value.StringListValues?.length || value.BinaryListValues?.length) {
    throw errors.invalidParameterValue(`${label} uses StringListValues or BinaryListValues, which are reserved for future use.`);
  }
  if (base === 'Binary') {
    const raw = value.BinaryValue;
    const bytes = typeof raw === 'string' ? decodeBase64(raw, `${label} BinaryValue`) : raw ? Buffer.from(raw) : undefined;
    if (!bytes || bytes.length === 0) throw errors.invalidParameterValue(`${label} must contain a non-empty value of type 'Binary'.`);
    return { DataType: dataType, BinaryValue: bytes };
  }
  const text = value.StringValue;
  if (typeof text !== 'string' || text.length === 0) {
    throw errors.invalidParameterValue(`${label} must contain a non-empty value of type '${base}'.`);
  }
  if (hasInvalidCharacters(text)) {
    throw errors.invalidParameterValue(`${label} contains invalid characters in its value.`);
  }
  if (base === 'Number') {
    if (!NUMBER.test(text)) throw errors.invalidParameterValue(`Can't cast the value of message (${kind}) attribute '${name}' to a number.`);
    const digits = text.replace(/^[+-]/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '');
    if (digits.length > 38) {
      throw errors.invalidParameterValue(`${label} value ${text} is invalid. Reason: Number can have up to 38 digits of precision.`);
    }
  }
  return { DataType: dataType, StringValue: text };
}

export interface ValidatedAttributes {
  attributes: StoredAttributes;
  /** Bytes SQS counts toward the message size: name + DataType + value for each attribute. */
  size: number;
}

/** Message attributes: at most 10, names and types as SQS allows, non-empty values. */
export function validateMessageAttributes(
  input: Readonly<Record<string, MessageAttributeValueData>> | undefined,
): ValidatedAttributes | undefined {
  if (!input) return undefined;
  const names = Object.keys(input);
  if (names.length === 0) return undefined;
  if (names.length > limits.maxMessageAttributes) {
    throw errors.invalidParameterValue(
      `Number of message attributes [${names.length}] exceeds the allowed maximum [${limits.maxMessageAttributes}].`,
    );
  }
  const attributes: StoredAttributes = Object.create(null);
  let size = 0;
  for (const name of names) {
    validateAttributeName(name);
    const value = validateAttributeValue(name, input[name]!, 'user');
    attributes[name] = value;
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType, 'utf8');
    size += value.BinaryValue ? value.BinaryValue.length : Buffer.byteLength(value.StringValue!, 'utf8');
  }
  return { attributes, size };
}

/** MessageSystemAttributes: only AWSTraceHeader, of type String. */
export function validateSystemAttributes(
  input: Readonly<Record<string, MessageAttributeValueData>> | undefined,
): StoredAttributes | undefined {
  if (!input) return undefined;
  const names = Object.keys(input);
  if (names.length === 0) return undefined;
  const out: StoredAttributes = Object.create(null);
  for (const name of names) {
    if (name !== 'AWSTraceHeader') throw errors.invalidParameterValue(`Message system attribute name '${name}' is invalid.`);
    const value = validateAttributeValue(name, input[name]!, 'system');
    if (value.DataType !== 'String') {
      throw errors.invalidParameterValue(`Message system attribute '${name}' must be of type 'String'.`);
    }
    out[name] = value;
  }
  return out;
}

/** MessageGroupId / MessageDeduplicationId: 1-128 alphanumeric or punctuation characters (F80, F119). */
const ID_PATTERN = /^[\x21-\x7E]{1,128}$/;

export function validateGroupOrDeduplicationId(parameter: 'MessageGroupId' | 'MessageDeduplicationId', value: string): void {
  if (!ID_PATTERN.test(value)) {
    throw errors.invalidParameterValueFor(
      parameter,
      value,
      `${parameter} can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
    );
  }
}
