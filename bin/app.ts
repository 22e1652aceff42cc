import { resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { composeAuthscale, composePipeline } from '../infra/compose.ts';
import {
  contextKeys,
  deploymentFileName,
  loadEnvironmentConfigFromContext,
  readDeploymentFile,
} from '../infra/config/deployment-target.ts';
import { InfraConfigError } from '../infra/config/load-environment-config.ts';

// The only place infra reads its input: `-c env=dev|staging|prod`, and the values only the deploying
// team knows, from `-c authscale:<field>=...` or the deployment file (docs/deploy.md, "Configure").
const app = new App();
const context = (key: string): unknown => app.node.tryGetContext(key);
const deploymentFile = context(contextKeys.deploymentFile);
try {
  const file =
    typeof deploymentFile === 'string'
      ? readDeploymentFile(resolve(deploymentFile), { required: true })
      : readDeploymentFile(new URL(`../${deploymentFileName}`, import.meta.url).pathname);
  const config = loadEnvironmentConfigFromContext({ context, ...(file ? { file } : {}) });
  composeAuthscale(app, config);
  composePipeline(app, config);
} catch (error) {
  if (!(error instanceof InfraConfigError)) throw error;
  // A configuration mistake is the operator's to fix: the message lists every problem, a stack adds nothing.
  console.error(error.message);
  process.exit(1);
}
app.synth();
