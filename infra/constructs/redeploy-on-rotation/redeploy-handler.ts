import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';

/** The part of a Secrets Manager `RotationSucceeded` event (delivered via CloudTrail) this uses. */
export interface RotationSucceededEvent {
  readonly detail?: { readonly eventName?: string; readonly additionalEventData?: { readonly SecretId?: string } };
}

export interface RedeployTarget {
  readonly cluster: string;
  readonly service: string;
}

/**
 * Starts a rolling deployment of the service so its tasks start again with the rotated secret
 * (ECS injects secrets at task start). Returns the secret the event named, for the log line.
 */
export async function redeployAfterRotation(
  event: RotationSucceededEvent,
  target: RedeployTarget,
  client: Pick<ECSClient, 'send'>,
): Promise<string> {
  if (event.detail?.eventName !== 'RotationSucceeded') {
    throw new TypeError(`expected a RotationSucceeded event, got ${String(event.detail?.eventName)}`);
  }
  await client.send(
    new UpdateServiceCommand({ cluster: target.cluster, service: target.service, forceNewDeployment: true }),
  );
  return event.detail.additionalEventData?.SecretId ?? 'unknown secret';
}

// Read once per cold start; the construct sets both.
const target: RedeployTarget = Object.freeze({
  cluster: String(process.env.CLUSTER_NAME),
  service: String(process.env.SERVICE_NAME),
});
const client = new ECSClient({});

export async function handler(event: RotationSucceededEvent): Promise<void> {
  const secret = await redeployAfterRotation(event, target, client);
  console.log(JSON.stringify({ redeployed: target.service, after: 'RotationSucceeded', secret }));
}
