/**
 * `npm run chaos`: the fault-injection suite. Each scenario starts the full topology with a
 * Toxiproxy proxy on every link, runs the mixed load, injects its fault, ends it, and checks the
 * invariants from the history of every request (scripts/chaos/history.ts). Exits 1 on any
 * violation.
 *
 *   npm run chaos                          every scenario (a few minutes)
 *   npm run chaos -- <scenario> ...        some of them
 *   npm run chaos -- --brief               shorter phases (CI)
 *   npm run chaos -- --list                the scenarios
 *   npm run chaos -- --write-docs          also writes the figures into docs/failure-modes.md
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeMachine } from './bench/measure.ts';
import { replaceSection } from './bench/replace-section.ts';
import { briefPhases, fullPhases, runScenario, type ScenarioFigures } from './chaos/run-scenario.ts';
import { scenarios } from './chaos/scenarios.ts';
import { preflight } from './preflight.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { brief: { type: 'boolean' }, list: { type: 'boolean' }, 'write-docs': { type: 'boolean' } },
});
if (values.list) {
  for (const scenario of scenarios) console.log(`${scenario.name.padEnd(34)} ${scenario.fault}`);
  process.exit(0);
}
const unknown = positionals.filter((name) => !scenarios.some((scenario) => scenario.name === name));
if (unknown.length > 0) {
  console.error(`unknown scenario: ${unknown.join(', ')} (npm run chaos -- --list names them)`);
  process.exit(2);
}
if (values['write-docs'] && (positionals.length > 0 || values.brief)) {
  console.error('--write-docs writes every scenario with full phases: run it without names and without --brief');
  process.exit(2);
}
preflight(['redis-server', 'postgresql', 'faketime']);

const chosen = positionals.length > 0 ? scenarios.filter(({ name }) => positionals.includes(name)) : scenarios;
const phases = values.brief ? briefPhases : fullPhases;
const results: ScenarioFigures[] = [];
// The harness unrefs the servers it starts, so waiting for one to exit would not keep Node alive.
const keepAlive = setInterval(() => {}, 60_000);
for (const scenario of chosen) {
  console.log(`\n${scenario.name}: ${scenario.fault}`);
  const figures = await runScenario(scenario, phases);
  results.push(figures);
  const errors = Object.entries(figures.errors).map(([kind, count]) => `${count} ${kind}`);
  console.log(
    `  ${figures.requests} requests; errors: ${errors.length > 0 ? errors.join(', ') : 'none'}; ` +
      `p99 during the fault ${figures.p99DuringFaultMs.toFixed(0)} ms; ` +
      `${recoveryOf(figures)}; ` +
      `revoked sessions seen at most ${figures.observedStalenessMs.toFixed(0)} ms after the acknowledgement`,
  );
  for (const violation of figures.violations.slice(0, 10))
    console.log(`  VIOLATION ${violation.invariant}: ${violation.detail}`);
  if (figures.violations.length > 10) console.log(`  ... and ${figures.violations.length - 10} more`);
  if (figures.logDir) console.log(`  service logs kept in ${figures.logDir}`);
}

clearInterval(keepAlive);
const violations = results.reduce((sum, { violations }) => sum + violations.length, 0);
console.log(`\n${results.length} scenario(s), ${violations} invariant violation(s)`);
if (values['write-docs']) {
  const path = 'docs/failure-modes.md';
  writeFileSync(
    path,
    replaceSection(readFileSync(path, 'utf8'), 'Fault injection: latest figures', figuresSection(results)),
  );
  console.log(`wrote the figures into ${path}`);
}
process.exit(violations > 0 ? 1 : 0);

function recoveryOf({ errors, recoveryMs }: ScenarioFigures): string {
  if (Object.keys(errors).length === 0) return 'no errors';
  return recoveryMs === null
    ? 'errors until the end'
    : `the last error ${(recoveryMs / 1000).toFixed(1)} s after the fault began`;
}

function figuresSection(results: ScenarioFigures[]): string {
  const rows = results.map((figures) => {
    const errors = Object.values(figures.errors).reduce((sum, count) => sum + count, 0);
    const runbook = figures.runbook ? `[${figures.runbook}](runbooks/${figures.runbook}.md)` : '';
    return `| \`${figures.name}\` | ${figures.fault} | ${runbook} | ${figures.requests} | ${errors} | ${figures.p99DuringFaultMs.toFixed(0)} ms | ${recoveryOf(figures)} | ${figures.violations.length} | ${figures.observedStalenessMs.toFixed(0)} ms |`;
  });
  return [
    '## Fault injection: latest figures',
    '',
    `Written by \`npm run chaos -- --write-docs\` on ${describeMachine()}: ${fullPhases.warm} s of load, ${fullPhases.fault} s of fault, ${fullPhases.recover} s after. Errors are requests answered 5xx or not at all; an error breaks an invariant only when it is a read the fault left a way to answer. The last column is the longest a revoked session was still served after its revoke was acknowledged.`,
    '',
    '| scenario | fault | runbook | requests | errors | p99 during the fault | recovery | violations | revoked seen after ack |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
