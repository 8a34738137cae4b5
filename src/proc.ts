import { readFileSync } from 'node:fs';

/** What /proc/<pid>/stat says of a process (Linux only: null elsewhere, or once it is gone). */
export interface ProcessStat {
  /** Field 2: the executable's name, without the parentheses. */
  comm: string;
  /** Field 3: R, S, D, Z (exited, not yet reaped), X... */
  state: string;
  /** Field 4. */
  ppid: number;
  /** Field 22: start time in clock ticks after boot; with the pid it names one process for the whole uptime. */
  start: string;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** See proc(5), /proc/pid/stat. */
export function processStat(pid: number): ProcessStat | null {
  const text = readText(`/proc/${pid}/stat`);
  if (text === null) return null;
  // The name may itself hold spaces and parentheses: it ends at the last ')'.
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  const [state, ppid] = fields;
  const start = fields[19];
  if (close < 0 || !state || !ppid || !start) return null;
  return { comm: text.slice(text.indexOf('(') + 1, close), state, ppid: Number(ppid), start };
}

/** Changes at every boot: a pid and start time recorded before it name nothing now. */
export function bootId(): string | null {
  return readText('/proc/sys/kernel/random/boot_id')?.trim() || null;
}
