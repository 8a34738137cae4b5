// The floor: bare node:http, JSON parse + MD5 of the body + a fixed answer. Nothing real can use less CPU.
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
const answer = JSON.stringify({ MessageId: '00000000-0000-0000-0000-000000000000', MD5OfMessageBody: 'x', QueueUrl: 'http://127.0.0.1/000000000000/q', Messages: [], Successful: [], Failed: [], QueueUrls: [] });
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const parsed = JSON.parse(body.toString('utf8'));
    createHash('md5').update(String(parsed.MessageBody ?? body)).digest('hex');
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(answer) });
    res.end(answer);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`));
