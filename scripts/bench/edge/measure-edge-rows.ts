import autocannon from 'autocannon';
import type { EdgeBenchTarget } from './edge-bench-targets.ts';
import { type LoadWithCpu, loadWithCpu } from './load-with-cpu.ts';

export type EdgeRow = LoadWithCpu & { what: string; ceiling: LoadWithCpu; shares: number[] };

/**
 * Each target against the hello-world: the cores' speed drifts on a shared machine by tens of
 * percent within a minute, so each target takes `rounds` turns with the hello-world and is read
 * against the run just before it; its row is its median round by that share.
 */
export async function measureEdgeRows({
  targets,
  hello,
  rounds,
  seconds,
  connections,
}: {
  targets: EdgeBenchTarget[];
  hello: { url: string; pid: number };
  rounds: number;
  seconds: number;
  connections: number;
}): Promise<EdgeRow[]> {
  /** A short warm-up fills connection pools, JIT caches and the near cache. */
  const warmUp = (url: string, headers: Record<string, string>) =>
    autocannon({ url, headers, connections, duration: 2 });
  const ceiling = { url: `${hello.url}/me`, headers: {}, tiers: { hello: { pid: hello.pid } } };
  const rows: EdgeRow[] = [];
  for (const { what, url, headers, tiers } of targets) {
    await warmUp(ceiling.url, {});
    await warmUp(url, headers);
    const turns: Array<LoadWithCpu & { ceiling: LoadWithCpu; share: number }> = [];
    for (let round = 0; round < rounds; round++) {
      const before = await loadWithCpu({ ...ceiling, seconds, connections });
      const ours = await loadWithCpu({ url, headers, tiers, seconds, connections });
      turns.push({ ...ours, ceiling: before, share: ours.rps / before.rps });
    }
    const byShare = turns.toSorted((a, b) => a.share - b.share);
    const middle = byShare[Math.floor(byShare.length / 2)] as (typeof turns)[number];
    rows.push({ what, ...middle, shares: turns.map((turn) => turn.share) });
  }
  return rows;
}
