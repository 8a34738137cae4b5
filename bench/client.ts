import http from 'node:http';

/** The bench's lean client: keep-alive sockets, pre-encoded JSON-protocol bodies, answers parsed. */
export const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One JSON-protocol request to 127.0.0.1:`port`; anything but a 200 rejects, naming `label`. */
export function jsonCall(port: number | string, target: string, body: string | Buffer, label = ''): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path: '/', method: 'POST', agent,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${target}`, 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) return reject(new Error(`${label ? `${label} ` : ''}${target} ${res.statusCode}: ${text.slice(0, 200)}`));
        resolve(text ? JSON.parse(text) : {});
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
