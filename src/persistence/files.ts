import { closeSync, openSync, readFileSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

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
 * Reading yields the parsed lines; a line that is not JSON is an error naming the file and line.
 */
export class JsonLinesFile implements Adapter<unknown[] | JsonLines | null> {
  constructor(readonly path: string) {}

  async read(): Promise<unknown[] | null> {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const values: unknown[] = [];
    const buffer = Buffer.allocUnsafe(CHUNK);
    let rest = '';
    let line = 0;
    const parse = (text: string): void => {
      line++;
      try {
        values.push(JSON.parse(text));
      } catch (e) {
        throw new Error(`snapshot ${this.path} is corrupt at line ${line}: ${(e as Error).message}`);
      }
    };
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
        const lines = (rest + buffer.toString('utf8', 0, last)).split('\n');
        rest = buffer.toString('utf8', last + 1, n);
        for (const text of lines) parse(text);
      }
    } finally {
      closeSync(fd);
    }
    if (rest !== '') parse(rest);
    return values;
  }

  async write(data: unknown[] | JsonLines | null): Promise<void> {
    if (data === null) throw new Error(`nothing to write to ${this.path}`);
    const temp = `${this.path}.tmp-${process.pid}`;
    const file = await open(temp, 'w');
    try {
      if (Array.isArray(data)) await file.write(data.map((v) => JSON.stringify(v)).join('\n') + '\n');
      else {
        for await (const piece of data.pieces()) {
          // Two calls: FileHandle.write has one overload for text and one for bytes.
          if (typeof piece === 'string') await file.write(piece);
          else await file.write(piece);
        }
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

