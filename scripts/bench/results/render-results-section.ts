import { howServicesStart } from '../../image-node.ts';
import { fillTemplate } from '../fill-template.ts';
import { describeMachine } from '../measure.ts';
import { fixed, whole } from './format-figures.ts';
import { failed, type ResultsMeasures } from './results-measures.ts';
import { resultsTableRows } from './results-table-rows.ts';
import { throughputParagraph } from './throughput-paragraph.ts';

const perCore = (value: number | string, what: string) =>
  failed(value) ? `${what}: ${value}` : `${what}: ${whole(value)}/s`;

/** The "Results table" section of docs/benchmarks.md. */
export function renderResultsSection({
  measures,
  sessions,
  startedAt,
  loadAverage,
  throughputSeconds,
  throughputTurns,
}: {
  measures: ResultsMeasures;
  /** The `--sessions` argument, as given. */
  sessions: string;
  startedAt: Date;
  /** The 1-minute load average's range during the run. */
  loadAverage: { min: number; max: number };
  throughputSeconds: number;
  throughputTurns: number;
}): string {
  const table = [
    '| measure | seed 000 before | seed 000 after | authscale target | measured here |',
    '| --- | --- | --- | --- | --- |',
    ...resultsTableRows(measures).map((cells) => `| ${cells.join(' | ')} |`),
  ];
  return fillTemplate(new URL('./results-section.md', import.meta.url), {
    sessionsArgument: sessions === '1000000' ? '' : ` -- --sessions ${sessions}`,
    startedAt: startedAt.toISOString().slice(0, 16).replace('T', ' '),
    machine: describeMachine(),
    loadMin: fixed(loadAverage.min),
    loadMax: fixed(loadAverage.max),
    howServicesStart: howServicesStart(),
    table: table.join('\n'),
    throughput: throughputParagraph({ ...measures, seconds: throughputSeconds, turns: throughputTurns }),
    passwords: perCore(measures.passwords, "password checks (Argon2id, 19 MiB, 2 passes, the orchestrator's verify)"),
    passkeys: perCore(
      measures.passkeys,
      'passkey verifications (ES256, @simplewebauthn/server verifyAuthenticationResponse)',
    ),
  });
}
