import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory of one process in KiB (VmRSS in /proc), or null once it is gone. */
export function rssKiB(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return null;
  }
}

/** Every live descendant of `pid`: children, their children, and so on. */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone between the listing and the read.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of parents.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * The summed resident memory of `pids` (with `withDescendants`, of their process trees too), in
 * MiB. A page shared by two processes (Postgres's shared buffers) counts once for each.
 */
export function rssMiB(pids: number[], { withDescendants = false } = {}): number | null {
  const all = withDescendants ? pids.flatMap((pid) => [pid, ...descendants(pid)]) : pids;
  const sizes = all.map(rssKiB).filter((size): size is number => size !== null);
  return sizes.length === 0 ? null : Math.round(sizes.reduce((sum, size) => sum + size, 0) / 1024);
}
