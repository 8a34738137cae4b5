import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A failed sync is fatal, as before: nothing waiting for it is answered, and the process exits with the error. */

test('a failed sync answers nobody and ends the process with the error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sqs-emulator-journal-'));
  // In a process of its own, with fdatasync failing as a dying disk makes it fail.
  const script = `
    import fs from 'node:fs';
    import { syncBuiltinESMExports } from 'node:module';
    fs.fdatasync = (fd, done) => setImmediate(() => done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })));
    syncBuiltinESMExports();
    const { Journal } = await import('./src/persistence/journal.ts');
    const journal = new Journal(${JSON.stringify(dir)}, () => 0, async () => {});
    journal.open(1);
    journal.append('[{"t":"p","k":"us-east-1/000000000000/q"}]');
    journal.sync().then(() => console.log('answered'));
    setTimeout(() => console.log('still running'), 5000);
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 20_000 });
  expect(child.stdout).toBe('');
  expect(child.stderr).toMatch(/EIO: i\/o error, fdatasync/);
  expect(child.status).not.toBe(0);
});
