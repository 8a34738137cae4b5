// Starts fauxqs (devDependency) on an ephemeral port in this process and prints its URL.
import { startFauxqs } from 'fauxqs';
const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
process.stdout.write(`listening on http://127.0.0.1:${server.port}\n`);
