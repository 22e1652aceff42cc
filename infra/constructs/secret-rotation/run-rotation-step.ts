import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';

/** What Secrets Manager sends a rotation function, once per step. */
export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
}

/** What a secret's rotation decides; the steps around it are the same for every secret. */
export interface SecretRotation {
  /** The value that follows the current one (undefined when the secret has none yet). */
  readonly next: (current: string | undefined) => string;
  /** Whether the services can start with a value: the pending version must be, or it never becomes current. */
  readonly isUsable: (value: string | undefined) => boolean;
}

/**
 * One step of a Secrets Manager rotation of a secret the services read at start and nothing else
 * holds (there is no downstream system to update in `setSecret`). Each step can run again: Secrets
 * Manager retries a failed step with the same version id. Logs carry the step and the version id,
 * never the value.
 */
export async function runRotationStep(
  event: RotationEvent,
  rotation: SecretRotation,
  client: Pick<SecretsManagerClient, 'send'>,
): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  console.log(JSON.stringify({ step, versionId: token }));
  switch (step) {
    case 'createSecret':
      return createPending(client, secretId, token, rotation);
    case 'setSecret':
      return;
    case 'testSecret':
      return testPending(client, secretId, token, rotation);
    case 'finishSecret':
      return promotePending(client, secretId, token);
    default:
      throw new TypeError(`unknown rotation step ${String(step)}`);
  }
}

async function createPending(
  client: Pick<SecretsManagerClient, 'send'>,
  secretId: string,
  token: string,
  rotation: SecretRotation,
): Promise<void> {
  // A retried step finds its pending version already written, and must not write another value.
  try {
    await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const current = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }));
  await client.send(
    new PutSecretValueCommand({
      SecretId: secretId,
      ClientRequestToken: token,
      SecretString: rotation.next(current.SecretString),
      VersionStages: ['AWSPENDING'],
    }),
  );
}

async function testPending(
  client: Pick<SecretsManagerClient, 'send'>,
  secretId: string,
  token: string,
  rotation: SecretRotation,
): Promise<void> {
  const pending = await client.send(
    new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }),
  );
  if (!rotation.isUsable(pending.SecretString)) throw new TypeError('the pending version is not a usable value');
}

async function promotePending(
  client: Pick<SecretsManagerClient, 'send'>,
  secretId: string,
  token: string,
): Promise<void> {
  const description = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  const currentVersion = Object.entries(description.VersionIdsToStages ?? {}).find(([, stages]) =>
    stages.includes('AWSCURRENT'),
  )?.[0];
  if (currentVersion === token) return;
  await client.send(
    new UpdateSecretVersionStageCommand({
      SecretId: secretId,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: token,
      RemoveFromVersionId: currentVersion,
    }),
  );
}
