/**
 * `npm run check:images`: what CI can check of the service images without a Docker engine (the
 * delivery workflow builds and pushes them). The one Dockerfile parses, and each image's production
 * install would succeed against the committed lockfile.
 */
import { readFileSync } from 'node:fs';
import { imageServices, serviceDockerfile } from '../infra/constructs/service-image.ts';
import { dockerfileProblems, productionInstallProblem } from './images/image-checks.ts';

const root = new URL('..', import.meta.url).pathname;
const problems = dockerfileProblems(readFileSync(`${root}${serviceDockerfile}`, 'utf8')).map(
  (problem) => `${serviceDockerfile} ${problem}`,
);
for (const service of imageServices) {
  const problem = productionInstallProblem(root, service);
  if (problem) problems.push(`${service}: its production install does not match package-lock.json:\n${problem}`);
  else console.log(`${service}: npm ci --omit=dev --workspace services/${service} matches the lockfile`);
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`${serviceDockerfile} parses; ${imageServices.length} production installs match the lockfile`);
