// The storing floor: the answering floor plus the least SQS needs to keep a message — the
// batch entry id and the body's characters checked, the body's size counted, the message kept
// in its queue's list (id, body, sent time) — in the simplest code. With `--data-dir DIR` every
// message is also appended to a journal there as a JSON line, and no request is answered
// before a `fdatasync` covering its lines has returned: group commit, the next group written
// while a sync runs, at most FLOOR_SYNC_DEPTH syncs in flight (default 1: in a 3-round run 58,900 msg/s, against 48,900 with 4).
// No SQS error is rendered: a request it would refuse is answered 400 with an empty body.
import { createServer } from 'node:http';
import { hash, randomUUID } from 'node:crypto';
import { fdatasync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const MAX = 262_144;
const queues = new Map();

const dirAt = process.argv.indexOf('--data-dir');
const fd = dirAt > 0 ? openSync(join(process.argv[dirAt + 1], 'journal.jsonl'), 'a') : -1;
const DEPTH = Number(process.env.FLOOR_SYNC_DEPTH ?? 1);
let lines = '';
let waiting = [];
let syncing = 0;

function flush() {
  if (lines === '' || syncing >= DEPTH) return;
  writeSync(fd, lines);
  const done = waiting;
  lines = '';
  waiting = [];
  syncing++;
  fdatasync(fd, () => {
    syncing--;
    for (const answer of done) answer();
    flush();
  });
}

/** Runs `answer` once `text` is on disk (at once without a data directory). */
function commit(text, answer) {
  if (fd < 0) return answer();
  lines += text;
  waiting.push(answer);
  flush();
}

function keep(queueUrl, body, now) {
  let queue = queues.get(queueUrl);
  if (queue === undefined) queues.set(queueUrl, (queue = []));
  const message = { id: randomUUID(), body, sent: now };
  queue.push(message);
  return message;
}

const line = (m) => `{"i":"${m.id}","b":${JSON.stringify(m.body)},"s":${m.sent}}\n`;

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const reply = (answer) => {
      res.writeHead(answer === undefined ? 400 : 200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': answer === undefined ? 0 : Buffer.byteLength(answer) });
      res.end(answer);
    };
    const now = Date.now();
    if (Array.isArray(parsed.Entries)) {
      const entries = parsed.Entries;
      let size = 0;
      for (const e of entries) {
        if (typeof e.Id !== 'string' || !ENTRY_ID.test(e.Id) || typeof e.MessageBody !== 'string' || e.MessageBody === '' || INVALID.test(e.MessageBody)) return reply();
        size += Buffer.byteLength(e.MessageBody);
      }
      if (size > MAX) return reply();
      const successful = [];
      let text = '';
      for (const e of entries) {
        const m = keep(parsed.QueueUrl, e.MessageBody, now);
        if (fd >= 0) text += line(m);
        successful.push({ Id: e.Id, MessageId: m.id, MD5OfMessageBody: hash('md5', e.MessageBody) });
      }
      const answer = JSON.stringify({ Successful: successful, Failed: [] });
      return commit(text, () => reply(answer));
    }
    const body = parsed.MessageBody;
    if (typeof body !== 'string' || body === '' || INVALID.test(body) || Buffer.byteLength(body) > MAX) return reply();
    const m = keep(parsed.QueueUrl, body, now);
    const answer = JSON.stringify({ MD5OfMessageBody: hash('md5', body), MessageId: m.id });
    commit(fd >= 0 ? line(m) : '', () => reply(answer));
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`));
