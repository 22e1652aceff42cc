/**
 * `npm run check:images`: what CI can check of the images without a Docker engine (the delivery
 * workflow builds and pushes them). The services' one Dockerfile and the k6 image's
 * (`load-tests/Dockerfile`) parse, and each service image's production install would succeed
 * against the committed lockfile.
 */
import { readFileSync } from 'node:fs';
import { loadTestDockerfile } from '../infra/constructs/load-test-runner.ts';
import { imageServices, serviceDockerfile } from '../infra/constructs/service-image.ts';
import { dockerfileProblems, productionInstallProblem } from './images/image-checks.ts';

const root = new URL('..', import.meta.url).pathname;
const dockerfiles = [serviceDockerfile, `load-tests/${loadTestDockerfile}`];
const problems = dockerfiles.flatMap((dockerfile) =>
  dockerfileProblems(readFileSync(`${root}${dockerfile}`, 'utf8')).map((problem) => `${dockerfile} ${problem}`),
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
console.log(`${dockerfiles.join(' and ')} parse; ${imageServices.length} production installs match the lockfile`);
