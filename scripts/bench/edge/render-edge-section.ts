import { loadavg } from 'node:os';
import { howServicesStart } from '../../image-node.ts';
import { fillTemplate } from '../fill-template.ts';
import { describeMachine } from '../measure.ts';
import { tracedRow } from './edge-bench-targets.ts';
import type { EdgeRow } from './measure-edge-rows.ts';

const tierNames = ['edge', 'session', 'orchestrator', 'postgres', 'redis', 'hello'];

/** A row's CPU µs per request in one column; the Redis column adds up every node. */
function micros(row: EdgeRow, name: string): string {
  if (name === 'redis') {
    const values = Object.entries(row.cpu).filter(([key]) => key.startsWith('redis'));
    if (values.length === 0) return '';
    return String(values.reduce((sum, [, value]) => sum + (value ?? 0), 0));
  }
  const value = row.cpu[name];
  return value === undefined || value === null ? '' : String(value);
}

const percent = (share: number) => `${Math.round(100 * share)}%`;

/**
 * What exporting telemetry costs the edge: the traced row's share of the hello-world against the
 * untraced cookie row's (the row above it), so drift in the cores' speed cancels out.
 */
function telemetryCost(rows: EdgeRow[]): string {
  const index = rows.findIndex((row) => row.what === tracedRow);
  const [traced, untraced] = [rows[index], rows[index - 1]];
  if (!traced || !untraced) return 'not measured in this run';
  const share = (row: EdgeRow) => row.rps / row.ceiling.rps;
  const fewer = 100 * (1 - share(traced) / share(untraced));
  // Two edge processes differ by a few percent on their own; a traced edge can come out ahead.
  const [amount, direction] = fewer >= 0 ? [fewer, 'fewer'] : [-fewer, 'more'];
  return `${amount.toFixed(1)}% ${direction} requests per second than without an exporter`;
}

/** The "Edge" section of docs/benchmarks.md: how it was measured, the table, and how to read it. */
export function renderEdgeSection({
  rows,
  rounds,
  seconds,
  connections,
}: {
  rows: EdgeRow[];
  rounds: number;
  seconds: number;
  connections: number;
}): string {
  const table = [
    `| request | req/s | p50 ms | p99 ms | hello-world just before, req/s | vs hello-world (each round) | CPU µs per request: ${tierNames.join(' / ')} |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (row) =>
        `| ${row.what} | ${row.rps} | ${row.p50} | ${row.p99} | ${row.ceiling.rps} | ${(100 * (row.rps / row.ceiling.rps)).toFixed(1)}% (${row.shares.map(percent).join(', ')}) | ${tierNames
          .map((name) => micros(row, name) || '-')
          .join(' / ')} |`,
    ),
  ];
  return fillTemplate(new URL('./edge-section.md', import.meta.url), {
    machine: describeMachine(),
    loadAverage: String(loadavg()[0]?.toFixed(1)),
    connections,
    rounds,
    seconds,
    howServicesStart: howServicesStart(),
    table: table.join('\n'),
    helloCpu: rows.map((row) => row.ceiling.cpu.hello).join(', '),
    telemetryCost: telemetryCost(rows),
  });
}
