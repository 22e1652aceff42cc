/**
 * `npm run loadtest:check`: CI's check of the newest `npm run loadtest` run: it passed, the merged
 * summary counts every worker's iterations (and each worker ran some), and every worker left its
 * HTML report.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join('.authscale', 'loadtest');
const newest = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'summary.json')))
  .map((entry) => entry.name)
  .sort()
  .at(-1);
if (!newest) {
  console.error(`no load-test run under ${root}`);
  process.exit(1);
}
const summary = JSON.parse(readFileSync(join(root, newest, 'summary.json'), 'utf8')) as {
  passed: boolean;
  iterations: number;
  workers: Array<{ worker: number; iterations: number; report: string | null }>;
};
const problems = [
  ...(summary.passed ? [] : ['the run did not pass']),
  ...summary.workers.flatMap(({ worker, iterations, report }) => [
    ...(iterations > 0 ? [] : [`worker ${worker} ran no iteration`]),
    ...(report && existsSync(report) ? [] : [`worker ${worker} left no HTML report`]),
  ]),
];
const sum = summary.workers.reduce((total, { iterations }) => total + iterations, 0);
if (summary.iterations !== sum) problems.push(`merged iterations ${summary.iterations}, workers' sum ${sum}`);
if (problems.length > 0) {
  console.error(`${newest}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`${newest}: ${summary.workers.length} workers, ${summary.iterations} iterations, reports present`);
