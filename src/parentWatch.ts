import { processStat } from './proc.js';

/** Shells that npm runs scripts through (`sh -c "node dist/cli.js"`); its `script-shell` may be another. */
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'busybox']);

interface Watched {
  pid: number;
  /** Null off Linux: the pid alone is checked. */
  start: string | null;
}

function alive(p: Watched): boolean {
  try {
    process.kill(p.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (p.start === null) return true;
  const stat = processStat(p.pid);
  return stat !== null && stat.state !== 'Z' && stat.start === p.start;
}

/**
 * Calls `onGone` once when the process that started this one exits. Under `npm start` the
 * chain is npm → sh → node: killing npm with SIGTERM takes the shell along but not node (its
 * parent changes), and SIGKILL leaves the shell waiting on node — so the parent is watched, and
 * through shells the first process above them (npm). Polled with an unref'd timer, so the
 * watch never keeps the process alive by itself.
 */
export function watchParent(onGone: (why: string) => void, intervalMs = 1000): () => void {
  const parent = process.ppid;
  const chain: Watched[] = [];
  for (let pid = parent; pid > 1; ) {
    const stat = processStat(pid);
    chain.push({ pid, start: stat?.start ?? null });
    if (!stat || !SHELLS.has(stat.comm)) break;
    pid = stat.ppid;
  }
  // Only npm (the first process above the shells) counts: a script that backgrounds the server
  // (`"pretest": "sqs-emulator &"`) ends its shell at once, and the server must outlive it.
  // (Often that shell is gone before this runs: then nothing is watched, the server is detached.)
  const npm = chain.at(-1);
  const timer = setInterval(() => {
    if (!npm || alive(npm)) return;
    clearInterval(timer);
    onGone(`parent process ${npm.pid} exited`);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
