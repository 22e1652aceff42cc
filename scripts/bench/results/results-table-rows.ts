import { fixed, whole } from './format-figures.ts';
import { failed, type ResultsMeasures } from './results-measures.ts';

/** " (HTTP 503 x10, no answer x2)" for the errors a run had; nothing when it had none. */
const kinds = (counts: Record<string, number>) => {
  const entries = Object.entries(counts);
  return entries.length === 0 ? '' : ` (${entries.map(([kind, count]) => `${kind} x${count}`).join(', ')})`;
};

/** The results table's rows: measure, seed 000 before and after, authscale's target, the figure here. */
export function resultsTableRows({
  edge,
  live,
  failover,
}: Pick<ResultsMeasures, 'edge' | 'live' | 'failover'>): string[][] {
  const replica = failed(failover) ? failover : failover.replica;
  const primary = failed(failover) ? failover : failover.primary;
  return [
    [
      'authenticated request p99 at half of max rate',
      '2.3 s',
      '42 ms',
      '<= 10 ms',
      failed(edge)
        ? edge
        : `${fixed(edge.atHalf.p99)} ms at ${whole(edge.half)} req/s (max ${whole(edge.max)} req/s); ${edge.atHalf.errors} errors`,
    ],
    [
      'live sessions held',
      '~15k',
      '130k',
      '1,000,000 in the local Redis Cluster, <= 400 bytes each, lookup p99 unchanged from 10k',
      failed(live)
        ? live
        : `${whole(live.count)} held (filled in ${fixed(live.fillSeconds)} s); ${whole(live.bytesPerSession)} bytes each by used_memory on the primaries (${whole(live.keyBytesPerSession)} by MEMORY USAGE of its user's key); lookup p99 ${fixed(live.lookupP99AtSmall, 2)} ms at ${whole(live.smallCount)}, ${fixed(live.lookupP99AtFull, 2)} ms at ${whole(live.count)}`,
    ],
    [
      'failover, session replica killed',
      '~30 s',
      '~300 ms',
      'zero client errors, p99 during the kill <= 300 ms',
      failed(replica)
        ? replica
        : `${replica.errors} client errors${kinds(replica.errorKinds)} of ${whole(replica.requests)} requests; p99 in the 3 s after the kill ${fixed(replica.windowP99)} ms (edge near cache off: every request reached a replica)`,
    ],
    [
      'failover, Redis primary killed',
      '',
      '',
      "zero read errors, zero lost acknowledged writes, writes back within the cluster's failover window",
      failed(primary)
        ? primary
        : `${primary.readErrors} read errors${kinds(primary.readErrorKinds)} (p99 ${fixed(primary.readWindowP99)} ms in the 3 s after the kill); ${primary.lostAcknowledgedWrites} of ${whole(primary.acknowledgedWrites)} acknowledged writes lost (${primary.writeFailures} writes refused after the store's retry deadline); ${whole(primary.acknowledgedAfterKill)} acknowledged after the kill; writes unavailable: slowest acknowledged write ${whole(primary.slowestAcknowledgedWriteMs)} ms, longest gap between acknowledgements (or until the run ended) ${whole(primary.longestGapMs)} ms`,
    ],
  ];
}
