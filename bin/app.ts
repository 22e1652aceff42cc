import { App } from 'aws-cdk-lib';
import { composeAuthscale } from '../infra/compose.ts';
import { InfraConfigError, loadEnvironmentConfig } from '../infra/config/load-environment-config.ts';

// The only place infra reads its input: `-c env=dev|staging|prod`.
const app = new App();
try {
  composeAuthscale(app, loadEnvironmentConfig(app.node.tryGetContext('env')));
} catch (error) {
  if (!(error instanceof InfraConfigError)) throw error;
  // A configuration mistake is the operator's to fix: the message lists every problem, a stack adds nothing.
  console.error(error.message);
  process.exit(1);
}
app.synth();
