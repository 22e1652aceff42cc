import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeExecutionCommand, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Profile } from '../../load-tests/profiles.ts';

/** The load-test stack of an environment, named as `infra/compose.ts` names it. */
export const loadTestStackName = (environment: string) => `authscale-${environment}-loadtest`;

export interface AwsRunOptions {
  readonly environment: string;
  readonly profile: Profile;
  /** Passed to every k6 task of the profile, e.g. `['-e', 'RATE=40']`. */
  readonly k6Args: readonly string[];
  readonly cloudFormation: Pick<CloudFormationClient, 'send'>;
  readonly stepFunctions: Pick<SFNClient, 'send'>;
  /** @default `new Date()` */
  readonly now?: () => Date;
}

/**
 * Starts one run of `profile` on the environment's load-test state machine, found by the
 * `StateMachineArn` output of its load-test stack, with the input the state machine checks:
 * `{profile, k6Args}`. The execution is named like a local run (`<time>-<profile>`); its summaries
 * land under `summaries/<that name>/` in the stack's bucket.
 */
export async function startAwsRun(options: AwsRunOptions): Promise<{ executionArn: string; runId: string }> {
  const stackName = loadTestStackName(options.environment);
  const { Stacks } = await options.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  const stateMachineArn = Stacks?.[0]?.Outputs?.find((output) => output.OutputKey === 'StateMachineArn')?.OutputValue;
  if (!stateMachineArn) throw new Error(`${stackName} has no StateMachineArn output: deploy it first`);
  const runId = `${(options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-')}-${options.profile}`;
  const { executionArn } = await options.stepFunctions.send(
    new StartExecutionCommand({
      stateMachineArn,
      name: runId,
      input: JSON.stringify({ profile: options.profile, k6Args: options.k6Args }),
    }),
  );
  if (!executionArn) throw new Error(`Step Functions started ${runId} but returned no execution ARN`);
  return { executionArn, runId };
}

/**
 * Polls the execution until it ends; the verdict is the state machine's: SUCCEEDED, or the error
 * and cause of the state that failed it (a breached threshold lists each failure).
 */
export async function waitForAwsRun(
  executionArn: string,
  stepFunctions: Pick<SFNClient, 'send'>,
  {
    pollIntervalMs = 15_000,
    sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  }: { pollIntervalMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<{ status: string; error?: string; cause?: string }> {
  for (;;) {
    const execution = await stepFunctions.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING' && execution.status !== 'PENDING_REDRIVE') {
      return {
        status: String(execution.status),
        ...(execution.error ? { error: execution.error } : {}),
        ...(execution.cause ? { cause: execution.cause } : {}),
      };
    }
    await sleep(pollIntervalMs);
  }
}
