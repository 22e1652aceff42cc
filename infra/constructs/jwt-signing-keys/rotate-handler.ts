import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { isSigningKeySet, nextSigningKeySet } from './next-signing-key-set.ts';

interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
}

const client = new SecretsManagerClient({});

/**
 * Secrets Manager rotation for the JWT signing key set. The keys are used only inside the
 * orchestrator, so there is no downstream system to update in `setSecret`. Logs carry the step and
 * the version id, never key material.
 */
export async function handler(event: RotationEvent): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  console.log(JSON.stringify({ step, versionId: token }));
  switch (step) {
    case 'createSecret':
      return createPending(secretId, token);
    case 'setSecret':
      return;
    case 'testSecret':
      return testPending(secretId, token);
    case 'finishSecret':
      return promotePending(secretId, token);
    default:
      throw new TypeError(`unknown rotation step ${String(step)}`);
  }
}

async function createPending(secretId: string, token: string): Promise<void> {
  try {
    await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const current = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }));
  const next = nextSigningKeySet(parseOrNull(current.SecretString));
  await client.send(
    new PutSecretValueCommand({
      SecretId: secretId,
      ClientRequestToken: token,
      SecretString: JSON.stringify(next),
      VersionStages: ['AWSPENDING'],
    }),
  );
}

async function testPending(secretId: string, token: string): Promise<void> {
  const pending = await client.send(
    new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }),
  );
  if (!isSigningKeySet(parseOrNull(pending.SecretString))) {
    throw new TypeError('the pending version is not a usable signing key set');
  }
}

async function promotePending(secretId: string, token: string): Promise<void> {
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

function parseOrNull(value: string | undefined): unknown {
  try {
    return value === undefined ? null : JSON.parse(value);
  } catch {
    return null;
  }
}
