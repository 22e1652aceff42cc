import { ECSClient } from '@aws-sdk/client-ecs';
import { type CustomResourceRequest, respondToCloudFormation } from './respond-to-cloudformation.ts';
import { type OneOffTask, runTaskToCompletion } from './run-task-to-completion.ts';

/** The custom resource's properties: the task to run, as the construct renders them. */
export interface ProvisioningRequest extends CustomResourceRequest {
  readonly ResourceProperties: OneOffTask & { readonly ServiceToken: string };
}

/** Time kept back from the function's own timeout to stop the task and answer CloudFormation. */
const answerMarginMs = 60_000;

const client = new ECSClient({});

/**
 * The identity provisioning resource: on create and on every update (a new task definition, so a
 * new image) it runs the provisioning task to completion; a delete does nothing, as the roles and
 * the database go with the cluster. It always answers CloudFormation, so a failure fails the
 * deployment with the task's reason instead of leaving the stack waiting.
 */
export async function handler(
  request: ProvisioningRequest,
  context: { getRemainingTimeInMillis(): number },
): Promise<void> {
  const { ServiceToken: _, ...task } = request.ResourceProperties;
  let reason: string | undefined;
  if (request.RequestType !== 'Delete') {
    try {
      const deadline = Date.now() + context.getRemainingTimeInMillis() - answerMarginMs;
      const taskArn = await runTaskToCompletion(task, { client, deadline });
      console.log(JSON.stringify({ provisioned: taskArn }));
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
      console.error(JSON.stringify({ failed: reason }));
    }
  }
  await respondToCloudFormation(request, reason === undefined ? { ok: true } : { ok: false, reason });
}
