/**
 * `npx tsx scripts/pipeline-target.ts <environment>`: the delivery workflow's first step in every
 * job that touches an environment. It writes the deployment file (`authscale.local.json`) from the
 * repository variable `AUTHSCALE_DEPLOYMENT_TARGETS` (the same JSON a team keeps locally), validates
 * it exactly as `cdk synth` will, and prints what the job needs, as `name=value` lines for
 * `$GITHUB_OUTPUT`: the account and region, the roles to assume, the application stacks and the
 * public origin the smoke test runs against.
 */
import { writeFileSync } from 'node:fs';
import { deploymentFileName, loadEnvironmentConfigFromContext } from '../infra/config/deployment-target.ts';
import { InfraConfigError, parseEnvironmentName } from '../infra/config/load-environment-config.ts';
import { pipelineTargetOf } from '../infra/pipeline-target.ts';

try {
  const environment = parseEnvironmentName(process.argv[2]);
  const targets = process.env.AUTHSCALE_DEPLOYMENT_TARGETS;
  if (!targets)
    throw new InfraConfigError('AUTHSCALE_DEPLOYMENT_TARGETS', [
      'not set: the repository variable holding authscale.local.json',
    ]);
  const contents: unknown = JSON.parse(targets);
  const config = loadEnvironmentConfigFromContext({
    context: (key) => (key === 'env' ? environment : undefined),
    file: { path: 'AUTHSCALE_DEPLOYMENT_TARGETS', contents },
  });
  writeFileSync(deploymentFileName, `${JSON.stringify(contents, null, 2)}\n`);
  for (const [name, value] of Object.entries(pipelineTargetOf(config))) {
    console.log(`${name}=${Array.isArray(value) ? value.join(' ') : value}`);
  }
} catch (error) {
  if (!(error instanceof InfraConfigError) && !(error instanceof SyntaxError)) throw error;
  console.error(error.message);
  process.exit(1);
}
