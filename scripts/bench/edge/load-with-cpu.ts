import autocannon from 'autocannon';
import { cpuPerRequest } from '../process-cpu.ts';
import type { Tiers } from './edge-bench-targets.ts';

export type LoadWithCpu = Awaited<ReturnType<typeof loadWithCpu>>;

/**
 * One closed-loop autocannon run of `url`, with the CPU each of `tiers` spent per request. Any
 * answer but a 2xx fails the run: a figure with errors in it would flatter the path it measures.
 */
export async function loadWithCpu({
  url,
  headers,
  tiers,
  seconds,
  connections,
}: {
  url: string;
  headers: Record<string, string>;
  tiers: Tiers;
  seconds: number;
  connections: number;
}) {
  let result: autocannon.Result | undefined;
  const cpu = await cpuPerRequest(tiers, async () => {
    result = await autocannon({ url, headers, connections, duration: seconds });
    return { requests: result.requests.total };
  });
  const measured = result as autocannon.Result;
  if (measured.non2xx > 0 || measured.errors > 0) {
    const statuses = JSON.stringify(measured.statusCodeStats);
    throw new Error(
      `${url}: ${measured.non2xx} non-2xx answers (${statuses}) and ${measured.errors} errors under load`,
    );
  }
  return { rps: Math.round(measured.requests.average), p50: measured.latency.p50, p99: measured.latency.p99, cpu };
}
