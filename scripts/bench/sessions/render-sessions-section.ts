import { loadavg } from 'node:os';
import { fillTemplate } from '../fill-template.ts';
import { describeMachine, ms } from '../measure.ts';
import type { SessionsRow } from './measure-backend.ts';
import type { redisGetBaseline } from './redis-get-baseline.ts';
import type { revocationVisibility } from './revocation-visibility.ts';
import { sessionsBenchSettings } from './sessions-bench-settings.ts';

const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
const dash = (value: number | undefined) => (value === undefined ? '-' : ms(value));

/** The "Sessions" section of docs/benchmarks.md: the table, the targets met or not, revocation. */
export function renderSessionsSection({
  rows,
  baseline,
  visibility,
}: {
  rows: SessionsRow[];
  baseline: Awaited<ReturnType<typeof redisGetBaseline>>;
  visibility: Awaited<ReturnType<typeof revocationVisibility>>;
}): string {
  // The targets are the replica's own validation; the HTTP row adds the hop and is shown alongside.
  const replicaRows = rows.filter((row) => !row.backend.includes('HTTP'));
  const worstHit = Math.max(...replicaRows.map((row) => row.hitP99 ?? 0));
  const worstRedisMiss = Math.max(
    ...replicaRows.filter((row) => row.backend.startsWith('redis')).map((row) => row.missP99),
  );
  const table = [
    '| backend | near cache | miss p50 | miss p99 | hit p50 | hit p99 | miss ops/s | hit ops/s |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.backend} | ${row.nearCache} | ${ms(row.missP50)} | ${ms(row.missP99)} | ${dash(row.hitP50)} | ${dash(row.hitP99)} | ${row.missOpsPerSec} | ${row.hitOpsPerSec ?? '-'} |`,
    ),
  ];
  const { sessionsPerRun, concurrency, throughputMs } = sessionsBenchSettings;
  return fillTemplate(new URL('./sessions-section.md', import.meta.url), {
    machine: describeMachine(),
    loadAverage: String(loadavg()[0]?.toFixed(1)),
    sessionsPerRun,
    concurrency,
    throughputSeconds: throughputMs / 1000,
    table: table.join('\n'),
    baselineP50: ms(baseline.p50),
    baselineP99: ms(baseline.p99),
    hitVerdict: verdict(worstHit <= 1),
    worstHit: ms(worstHit),
    missBound: ms(2 * baseline.p99),
    missVerdict: verdict(worstRedisMiss <= 2 * baseline.p99),
    worstRedisMiss: ms(worstRedisMiss),
    replicaP50: ms(visibility.p50),
    replicaP99: ms(visibility.p99),
    replicaMax: ms(visibility.max),
    edgeP50: ms(visibility.edgeP50),
    edgeP99: ms(visibility.edgeP99),
    edgeMax: ms(visibility.edgeMax),
    afterAckMax: ms(visibility.afterAckMax),
  });
}
