import { median } from '../measure.ts';
import { fixed, whole } from './format-figures.ts';
import { failed, type ResultsMeasures } from './results-measures.ts';

const beforeDescription =
  'the seed\'s "before" (Express, express-session on Postgres via connect-pg-simple, session lookup + user row)';
const turnsDescription =
  'The bare Fastify hello-world (the ceiling) and authscale through the edge (its near cache on) took turns';

/** The throughput paragraph: the "before", and each turn of the ceiling and authscale. */
export function throughputParagraph({
  before,
  edge,
  seconds,
  turns,
}: Pick<ResultsMeasures, 'before' | 'edge'> & { seconds: number; turns: number }): string {
  const beforeFigure = failed(before) ? `not measured (${before})` : `${whole(before.requestsPerSecond)} req/s`;
  const head = `Throughput of authenticated \`GET /me\`, closed loop, 32 connections, ${seconds} s a run: ${beforeDescription} ${beforeFigure}`;
  if (failed(edge)) return `${head}; authscale: ${edge}.`;
  const shares = edge.rounds.map((round) => round.ours / round.ceiling);
  const eachTurn = edge.rounds
    .map(
      (round, index) =>
        `${whole(round.ceiling)} / ${whole(round.ours)} (${fixed(100 * (shares[index] as number), 0)}%)`,
    )
    .join(', ');
  const versusBefore = failed(before)
    ? ''
    : ` and ${fixed(edge.max / before.requestsPerSecond)}x the "before" (target >= 10x)`;
  return [
    `${head}.`,
    `${turnsDescription} ${turns} times while the stack ran, ceiling / authscale req/s: ${eachTurn}.`,
    `Median round: authscale at ${fixed(100 * median(shares), 1)}% of the ceiling (target >= 50%).`,
    `Median authscale run: ${whole(edge.max)} req/s${versusBefore}.`,
  ].join(' ');
}
