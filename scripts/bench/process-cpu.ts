import { readdirSync, readFileSync } from 'node:fs';

// Linux reports CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel build.
const microsPerTick = 10_000;

interface ProcStat {
  ppid: number;
  ticks: number;
}

/** utime + stime and the parent of one process, from /proc; null once it is gone. */
function procStat(pid: number): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/**
 * CPU microseconds used so far by `pid` and, with `withChildren`, by its live children (Postgres
 * serves each connection from a child of the postmaster). Null where /proc does not exist.
 */
export function cpuMicros(pid: number, { withChildren = false } = {}): number | null {
  const own = procStat(pid);
  if (!own) return null;
  let ticks = own.ticks;
  if (withChildren) {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const child = procStat(Number(entry));
      if (child?.ppid === pid) ticks += child.ticks;
    }
  }
  return ticks * microsPerTick;
}

/** CPU time per request of each named process over one measured run. */
export async function cpuPerRequest(
  processes: Record<string, { pid: number; withChildren?: boolean }>,
  run: () => Promise<{ requests: number }>,
): Promise<Record<string, number | null>> {
  const read = () =>
    Object.fromEntries(
      Object.entries(processes).map(([name, { pid, withChildren }]) => [name, cpuMicros(pid, { withChildren })]),
    );
  const before = read();
  const { requests } = await run();
  const after = read();
  return Object.fromEntries(
    Object.keys(processes).map((name) => {
      const start = before[name];
      const end = after[name];
      return [name, start == null || end == null || requests === 0 ? null : Math.round((end - start) / requests)];
    }),
  );
}
