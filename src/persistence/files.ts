import { accessSync, closeSync, constants, linkSync, openSync, readFileSync, readSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { bootId, processStat } from '../proc.js';
import { TextLines } from './lines.js';

/** A JSON-lines file produced piece by piece: each piece is one or more whole lines. */
export interface JsonLines {
  /** Yields text or UTF-8 bytes; awaiting between pieces lets requests run meanwhile. */
  pieces(): AsyncIterable<string | Buffer>;
}

const CHUNK = 8 * 1024 * 1024;

/**
 * lowdb adapter for the snapshot, a JSON-lines file: one JSON value per line, so that neither
 * writing nor reading ever holds the whole state as one string (a JS string cannot pass
 * ~512 MiB; a snapshot may). Writes are atomic (temp file, fsync, rename, fsync of the
 * directory) and asynchronous, so a large snapshot never holds the event loop for long.
 * Reading yields the lines, unparsed (see TextLines).
 */
export class JsonLinesFile implements Adapter<TextLines | JsonLines | null> {
  constructor(readonly path: string) {}

  async read(): Promise<TextLines | null> {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const lines = new TextLines(this.path);
    const buffer = Buffer.allocUnsafe(CHUNK);
    let rest = '';
    try {
      for (;;) {
        const n = readSync(fd, buffer, 0, CHUNK, null);
        if (n === 0) break;
        // Split on the last newline of the chunk: a multi-byte character never straddles it.
        const last = buffer.lastIndexOf(10, n - 1);
        if (last < 0) {
          rest += buffer.toString('utf8', 0, n);
          continue;
        }
        lines.add(rest + buffer.toString('utf8', 0, last));
        rest = buffer.toString('utf8', last + 1, n);
      }
    } finally {
      closeSync(fd);
    }
    if (rest !== '') lines.add(rest);
    return lines;
  }

  async write(data: TextLines | JsonLines | null): Promise<void> {
    if (data === null) throw new Error(`nothing to write to ${this.path}`);
    const temp = `${this.path}.tmp-${process.pid}`;
    const file = await open(temp, 'w');
    try {
      if (!('pieces' in data)) throw new Error(`the lines of ${this.path} are written piece by piece only`);
      for await (const piece of data.pieces()) {
        // Two calls: FileHandle.write has one overload for text and one for bytes.
        if (typeof piece === 'string') await file.write(piece);
        else await file.write(piece);
      }
      await file.sync();
    } finally {
      await file.close();
    }
    // Asynchronous too: the directory's fsync may wait for the file system's journal.
    await rename(temp, this.path);
    const dir = await open(dirname(this.path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

/**
 * One emulator per data directory. The LOCK file names its owner as pid + process start time
 * (field 22 of /proc/<pid>/stat) + boot id, so a pid that another process has taken since
 * (after a reboot, or pid 1 in a new container) is not mistaken for the owner. Off Linux only
 * the pid is known, and a live pid is taken as the owner.
 */
interface Owner {
  pid: number;
  /** Clock ticks after boot; null where /proc is not readable. */
  start: string | null;
  boot: string | null;
}

/** How long a live owner is given to go away (a restart right after kill -9); tests shorten it. */
export const lockTiming = { waitMs: 3000, pollMs: 50 };

const heldHere = new Set<string>();

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function me(): Owner {
  return { pid: process.pid, start: processStat(process.pid)?.start ?? null, boot: bootId() };
}

/** A lock written by an older version holds only the pid. */
function parseOwner(text: string): Owner | null {
  if (/^\s*\d+\s*$/.test(text)) return { pid: Number(text), start: null, boot: null };
  try {
    const v = JSON.parse(text) as Partial<Owner>;
    if (!Number.isInteger(v.pid) || (v.pid as number) <= 0) return null;
    return { pid: v.pid as number, start: typeof v.start === 'string' ? v.start : null, boot: typeof v.boot === 'string' ? v.boot : null };
  } catch {
    return null;
  }
}

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * 'stale': the recorded process is gone, is another process now, or has exited and awaits
 * reaping (a zombie has closed all its files and can write nothing more); 'live' otherwise.
 */
function ownerState(owner: Owner | null): 'stale' | 'live' {
  if (owner === null) return 'stale'; // not a lock this program writes, or torn by a crash (see acquireLock)
  // Our own pid but not a lock of this process: a previous process that had our pid (pid 1 in a container).
  if (owner.pid === process.pid) return 'stale';
  const boot = bootId();
  if (owner.boot !== null && boot !== null && owner.boot !== boot) return 'stale';
  if (!signalable(owner.pid)) return 'stale';
  const stat = processStat(owner.pid);
  if (stat === null) return 'live'; // no /proc: the pid is all there is to go by
  if (stat.state === 'Z' || stat.state === 'X') return 'stale';
  if (owner.start !== null && owner.start !== stat.start) return 'stale';
  return 'live';
}

/** Creates the lock file with its whole content at once: written aside, then hard-linked (fails if it exists). */
function createLock(path: string, content: string): boolean {
  const aside = `${path}.${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(aside, content, { flag: 'wx' });
  try {
    linkSync(aside, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
    // A file system without hard links: exclusive create; a reader may see it empty for an instant (see acquireLock).
    try {
      writeFileSync(path, content, { flag: 'wx' });
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e2;
    }
  } finally {
    rmSync(aside, { force: true });
  }
}

/**
 * Removes a stale lock only if it is still the one judged stale: it is renamed aside first, so
 * of two processes taking over the same stale lock only one removes it; a lock that turns out
 * to be another's fresh one is put back.
 */
function removeStale(path: string, judged: string): void {
  const aside = `${path}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    if (readText(aside) !== judged) linkSync(aside, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    rmSync(aside, { force: true });
  }
}

function mtimeMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Takes the data directory's lock, or throws naming the process that holds it. A stale lock is
 * taken over; a live owner is given `lockTiming.waitMs` to exit (a restart issued right after
 * kill -9 finds the old process still being torn down). Returns the release function, which
 * removes the file only while it is still this process's.
 */
export async function acquireLock(dir: string): Promise<() => void> {
  // The same directory under another name (relative, through a symlink) is the same lock.
  const path = join(realpathSync(dir), 'LOCK');
  if (heldHere.has(path)) throw new Error(`data directory ${dir} is in use by process ${process.pid} (this process; lock file ${path})`);
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    // Typically a bind mount into a container whose user does not own the host directory.
    const uid = process.getuid?.();
    throw new Error(
      `data directory ${dir} is not writable by ${uid === undefined ? 'this user' : `uid ${uid}`} (${(e as NodeJS.ErrnoException).code}): ` +
        'make this user its owner, or run as its owner (docker run --user "$(id -u):$(id -g)")',
    );
  }
  const content = JSON.stringify(me());
  const deadline = Date.now() + lockTiming.waitMs;
  for (;;) {
    if (createLock(path, content)) {
      heldHere.add(path);
      return () => {
        heldHere.delete(path);
        if (readText(path) === content) rmSync(path, { force: true });
      };
    }
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // removed meanwhile: try again
      throw new Error(`cannot read the lock file ${path}: ${(e as Error).message}`);
    }
    const owner = parseOwner(text);
    // An unreadable lock may be one being written this instant: only an old one is stale.
    if (owner === null && Date.now() - mtimeMs(path) < 1000) {
      await sleep(lockTiming.pollMs);
      continue;
    }
    if (ownerState(owner) === 'stale') {
      removeStale(path, text);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `data directory ${dir} is in use by process ${owner!.pid} (lock file ${path}); stop that process, or use another --data-dir`,
      );
    }
    await sleep(lockTiming.pollMs);
  }
}
