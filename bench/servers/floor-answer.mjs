// The answering floor: bare node:http doing the least SendMessage and SendMessageBatch need to
// answer correctly — per message one MD5 of the body and one random MessageId, the answer built
// per entry — and storing nothing. `floor.mjs` hashes once per request and sends a fixed answer.
import { createServer } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
const md5 = (s) => createHash('md5').update(s).digest('hex');
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const answer = Array.isArray(parsed.Entries)
      ? JSON.stringify({ Successful: parsed.Entries.map((e) => ({ Id: e.Id, MessageId: randomUUID(), MD5OfMessageBody: md5(e.MessageBody) })) })
      : JSON.stringify({ MessageId: randomUUID(), MD5OfMessageBody: md5(String(parsed.MessageBody ?? '')) });
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(answer) });
    res.end(answer);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`));
