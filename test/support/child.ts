import { spawn, type ChildProcess } from 'node:child_process';

/**
 * The emulator as a process of its own (through tsx) on a data directory, as a kill -9 test
 * needs it; resolves with its URL once it listens. `started` hears the child at once, so a
 * test can kill it in its cleanup even if it never comes up.
 */
export function startEmulatorProcess(dataDir: string, started: (child: ChildProcess) => void): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`emulator exited ${code}: ${err}`)));
  });
}
