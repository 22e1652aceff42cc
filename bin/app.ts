import { App } from 'aws-cdk-lib';
import { composeAuthscale } from '../infra/compose.ts';
import { loadEnvironmentConfig } from '../infra/config/load-environment-config.ts';

// The only place infra reads its input: `-c env=dev|staging|prod`.
const app = new App();
composeAuthscale(app, loadEnvironmentConfig(app.node.tryGetContext('env')));
app.synth();
