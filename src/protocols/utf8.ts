import { isUtf8 } from 'node:buffer';

/**
 * Request text with invalid UTF-8 kept visible. Node's decoders turn a broken byte sequence
 * into U+FFFD, which is a valid character: a message body with broken bytes would be stored
 * as "\uFFFD" silently, where SQS refuses invalid characters with InvalidMessageContents
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html).
 * Here each broken sequence becomes a lone surrogate instead: no valid UTF-8 decodes to one,
 * and the character checks on message bodies and attribute values already refuse it, so the
 * refusal lands on the field that holds the bytes (per entry in a batch). Where such text is
 * echoed back, Node encodes the lone surrogate as U+FFFD.
 */
export const BROKEN = '\uDFFF';

/** Bytes of valid sequences per lead byte, and the allowed range of the second byte (Unicode, table 3-7). */
function sequence(lead: number): [length: number, low: number, high: number] {
  if (lead >= 0xc2 && lead <= 0xdf) return [2, 0x80, 0xbf];
  if (lead === 0xe0) return [3, 0xa0, 0xbf];
  if (lead === 0xed) return [3, 0x80, 0x9f]; // not the surrogates D800-DFFF
  if (lead >= 0xe1 && lead <= 0xef) return [3, 0x80, 0xbf];
  if (lead === 0xf0) return [4, 0x90, 0xbf];
  if (lead >= 0xf1 && lead <= 0xf3) return [4, 0x80, 0xbf];
  if (lead === 0xf4) return [4, 0x80, 0x8f]; // not past U+10FFFF
  return [0, 0, 0];
}

/** Decodes UTF-8; each invalid sequence becomes BROKEN. Valid input takes the fast path. */
export function decodeUtf8(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (isUtf8(buffer)) return buffer.toString('utf8');
  let text = '';
  let run = 0; // start of the current run of valid bytes
  let i = 0;
  while (i < buffer.length) {
    const lead = buffer[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const [length, low, high] = sequence(lead);
    let valid = length > 0 && i + length <= buffer.length && buffer[i + 1]! >= low && buffer[i + 1]! <= high;
    for (let k = 2; valid && k < length; k++) valid = buffer[i + k]! >= 0x80 && buffer[i + k]! <= 0xbf;
    if (valid) {
      i += length;
      continue;
    }
    text += buffer.toString('utf8', run, i) + BROKEN;
    i++;
    run = i;
  }
  return text + buffer.toString('utf8', run);
}

const hex = (b: number): number => (b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x41 && b <= 0x46 ? b - 0x37 : b >= 0x61 && b <= 0x66 ? b - 0x57 : -1);

/** One name or value of a form: `+` is a space, `%XX` a byte; a `%` not followed by two hex digits stays. */
function formComponent(bytes: Buffer, start: number, end: number): string {
  const out = Buffer.allocUnsafe(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b === 0x2b) out[n++] = 0x20;
    else if (b === 0x25 && i + 2 < end && hex(bytes[i + 1]!) >= 0 && hex(bytes[i + 2]!) >= 0) {
      out[n++] = hex(bytes[i + 1]!) * 16 + hex(bytes[i + 2]!);
      i += 2;
    } else out[n++] = b;
  }
  return decodeUtf8(out.subarray(0, n));
}

/** A percent escape of a byte that is not ASCII: only then can decoding meet invalid UTF-8. */
const HIGH_ESCAPE = /%[89a-f]/i;

/**
 * The pairs of an application/x-www-form-urlencoded text, as URLSearchParams gives them
 * (https://url.spec.whatwg.org/#urlencoded-parsing), except that invalid UTF-8 — raw or
 * percent-encoded — becomes BROKEN instead of U+FFFD. URLSearchParams itself parses the common
 * case, where there is nothing to tell apart.
 */
export function parseForm(bytes: Buffer): [string, string][] {
  if (isUtf8(bytes)) {
    const text = bytes.toString('utf8');
    if (!HIGH_ESCAPE.test(text)) return [...new URLSearchParams(text)];
  }
  const pairs: [string, string][] = [];
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x26, start);
    if (end < 0) end = bytes.length;
    if (end > start) {
      let eq = bytes.indexOf(0x3d, start);
      if (eq < 0 || eq > end) eq = end;
      pairs.push([formComponent(bytes, start, eq), eq < end ? formComponent(bytes, eq + 1, end) : '']);
    }
    start = end + 1;
  }
  return pairs;
}
