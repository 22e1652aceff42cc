/** One measured "who is this session" path, authscale's or a peer's. */
export interface PeerRow {
  /** `authscale` for the project's own rows, otherwise the peer's name. */
  target: string;
  configuration: string;
  /** Whether a revoked session stops being answered at once (the freshness column says how). */
  instantRevocation: boolean;
  freshness: string;
  /** Median round: its req/s and p99 ms, and its share of the hello-world run just before it. */
  rps: number;
  p99: number;
  share: number;
  /** Every round's share of the hello-world. */
  shares: number[];
  /** Resident memory after the run, MiB: the server process(es), and the data stores beside them. */
  serverRssMiB: number | null;
  storesRssMiB: number | null;
  /** Median wall time of a password sign-in, one at a time, ms. */
  signInMs: number | null;
}

/** A target that could not be measured, and why. */
export interface SkippedTarget {
  target: string;
  configuration: string;
  reason: string;
}

export const authscale = 'authscale';

/** How many times `ours` is the best peer, by share of the hello-world (read within each round). */
export interface Comparison {
  ours: PeerRow;
  best: PeerRow;
  ratio: number;
}

/** The peer row with the highest share of the hello-world, among those `admit` admits. */
export function bestPeer(rows: PeerRow[], admit: (row: PeerRow) => boolean = () => true): PeerRow | undefined {
  return rows
    .filter((row) => row.target !== authscale && admit(row))
    .reduce<PeerRow | undefined>((best, row) => (best && best.share >= row.share ? best : row), undefined);
}

export function compare(ours: PeerRow | undefined, best: PeerRow | undefined): Comparison | undefined {
  return ours && best ? { ours, best, ratio: ours.share / best.share } : undefined;
}

const percent = (share: number) => `${Math.round(100 * share)}%`;
const orDash = (value: number | null, format: (value: number) => string) => (value === null ? '-' : format(value));

/** The table of every measured row, then one line per skipped target. */
export function renderPeersTable(rows: PeerRow[], skipped: SkippedTarget[] = []): string {
  const lines = [
    '| target | configuration | req/s | p99 ms | share of hello-world (each round) | RSS MiB: server / data stores | sign-in ms | freshness promise |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((row) =>
      [
        '',
        row.target,
        row.configuration,
        row.rps,
        row.p99,
        `${(100 * row.share).toFixed(1)}% (${row.shares.map(percent).join(', ')})`,
        `${orDash(row.serverRssMiB, String)} / ${orDash(row.storesRssMiB, String)}`,
        orDash(row.signInMs, (value) => value.toFixed(0)),
        row.freshness,
        '',
      ]
        .join(' | ')
        .trim(),
    ),
  ];
  const notMeasured = skipped.map((skip) => `Not measured: ${skip.target}, ${skip.configuration}: ${skip.reason}.`);
  return [...lines, ...(notMeasured.length > 0 ? ['', ...notMeasured] : [])].join('\n');
}

/** One line: how many times `ours` is `best`, against the target multiple. */
export function comparisonLine(label: string, comparison: Comparison | undefined, target: number): string {
  if (!comparison) return `${label}: not computed (a row is missing).`;
  const { ours, best, ratio } = comparison;
  const met = ratio >= target ? 'met' : 'not met';
  return `${label}: ${ratio.toFixed(1)}x (${percent(ours.share)} of the hello-world against ${best.target}, ${best.configuration}, ${percent(best.share)}); target >= ${target}x: ${met}.`;
}

/**
 * The lines under the table: the stack's and `npm start`'s multiple of the best peer, against
 * every peer row and against the peers that see a revocation at once.
 */
export function comparisonLines(
  rows: PeerRow[],
  { stack, start }: { stack: string; start: string },
  targets = { stack: 5, start: 2 },
): string[] {
  const ours = (configuration: string) =>
    rows.find((row) => row.target === authscale && row.configuration === configuration);
  const best = bestPeer(rows);
  const bestFresh = bestPeer(rows, (row) => row.instantRevocation);
  const lines = [
    comparisonLine('The stack against the best peer', compare(ours(stack), best), targets.stack),
    comparisonLine('`npm start` against the best peer', compare(ours(start), best), targets.start),
  ];
  if (bestFresh && bestFresh !== best) {
    lines.push(
      comparisonLine(
        'The stack against the best peer that sees a revocation at once',
        compare(ours(stack), bestFresh),
        targets.stack,
      ),
      comparisonLine(
        '`npm start` against the best peer that sees a revocation at once',
        compare(ours(start), bestFresh),
        targets.start,
      ),
    );
  }
  return lines;
}
