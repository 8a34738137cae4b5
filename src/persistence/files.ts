import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

/** Writes a file so that a crash leaves either the old or the new content: temp file, fsync, rename, fsync dir. */
export function writeAtomic(path: string, content: string): void {
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/** Data whose JSON is produced piece by piece (see SlicedJson). */
export interface SlicedJson {
  readonly sliced: true;
  /** Yields JSON text; awaiting between pieces lets requests run meanwhile. */
  pieces(): AsyncIterable<string>;
}

const isSliced = (data: unknown): data is SlicedJson => (data as SlicedJson | null)?.sliced === true;

/**
 * lowdb adapter for the snapshot: atomic, fsynced writes (temp file, fsync, rename); a
 * corrupt file is an error naming it. Sliced data is written as it is produced, so a large
 * snapshot never holds the event loop for long.
 */
export class AtomicJsonFile<T> implements Adapter<T> {
  constructor(readonly path: string) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new Error(`snapshot ${this.path} is corrupt: ${(e as Error).message}`);
    }
  }

  async write(data: T): Promise<void> {
    if (!isSliced(data)) {
      writeAtomic(this.path, JSON.stringify(data));
      return;
    }
    const temp = `${this.path}.tmp-${process.pid}`;
    const fd = openSync(temp, 'w');
    try {
      for await (const piece of data.pieces()) writeSync(fd, piece);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.path);
    const dir = openSync(dirname(this.path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}

/** One emulator per data directory: a LOCK file holding the owner's pid; a dead owner's lock is taken over. */
const heldHere = new Set<string>();

export function acquireLock(dir: string): () => void {
  const path = join(dir, 'LOCK');
  if (heldHere.has(path)) throw new Error(`data directory ${dir} is in use by process ${process.pid} (lock file ${path})`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldHere.add(path);
      return () => {
        heldHere.delete(path);
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new Error(`data directory ${dir} is in use by process ${owner} (lock file ${path})`);
      }
      unlinkSync(path);
    }
  }
  throw new Error(`cannot lock data directory ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

