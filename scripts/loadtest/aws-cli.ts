import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SFNClient } from '@aws-sdk/client-sfn';
import { InfraConfigError, loadEnvironmentParameters } from '../../infra/config/load-environment-config.ts';
import type { AwsRun } from './arguments.ts';
import { startAwsRun, waitForAwsRun } from './aws-run.ts';

/**
 * `npm run loadtest -- --env <env> ...`: starts the run with the shell's AWS credentials, prints where
 * to follow it, and with `--wait` waits for its verdict. Returns the exit code.
 */
export async function runOnAws(run: AwsRun): Promise<number> {
  let parameters: ReturnType<typeof loadEnvironmentParameters>;
  try {
    parameters = loadEnvironmentParameters(run.environment);
  } catch (error) {
    if (!(error instanceof InfraConfigError)) throw error;
    console.error(error.message);
    return 2;
  }
  if (!parameters.loadTest) {
    console.error(`${parameters.name} has no load-test stack: its parameters have no loadTest block`);
    return 2;
  }
  const region = parameters.region;
  const stepFunctions = new SFNClient({ region });
  const { executionArn, runId } = await startAwsRun({
    environment: parameters.name,
    profile: run.profile,
    k6Args: Object.entries(run.scriptEnv).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
    cloudFormation: new CloudFormationClient({ region }),
    stepFunctions,
  });
  console.log(
    `started ${run.profile} on ${parameters.name} (${parameters.loadTest.workers} k6 tasks): ${executionArn}\n` +
      `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}\n` +
      `merged summary, once it ends: summaries/${runId}/summary.json in the stack's SummaryBucketName`,
  );
  if (!run.wait) return 0;
  const verdict = await waitForAwsRun(executionArn, stepFunctions);
  console.log(`${run.profile} on ${parameters.name}: ${verdict.status}${verdict.error ? ` (${verdict.error})` : ''}`);
  if (verdict.cause) console.log(verdict.cause);
  return verdict.status === 'SUCCEEDED' ? 0 : 1;
}
