import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { type RotationEvent, runRotationStep } from '../../constructs/secret-rotation/run-rotation-step.ts';

const secretsManager = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'eu-west-1' });
const SecretId = 'arn:aws:secretsmanager:eu-west-1:777788889999:secret:Shared-AbCdEf';
const ClientRequestToken = 'version-2';
const step = (Step: RotationEvent['Step']): RotationEvent => ({ SecretId, ClientRequestToken, Step });
/** A rotation that appends a letter, and accepts what it writes. */
const rotation = {
  next: (current: string | undefined) => `${current ?? ''}+`,
  isUsable: (value: string | undefined) => value?.endsWith('+') === true,
};
const notFound = () => new ResourceNotFoundException({ message: 'no pending version', $metadata: {} });

afterEach(() => secretsManager.reset());

describe('runRotationStep', () => {
  test('createSecret writes the value that follows the current one as the pending version', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId, VersionId: ClientRequestToken, VersionStage: 'AWSPENDING' })
      .rejects(notFound())
      .on(GetSecretValueCommand, { SecretId, VersionStage: 'AWSCURRENT' })
      .resolves({ SecretString: 'v1' });
    secretsManager.on(PutSecretValueCommand).resolves({});
    await runRotationStep(step('createSecret'), rotation, client);
    assert.deepEqual(secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input, {
      SecretId,
      ClientRequestToken,
      SecretString: 'v1+',
      VersionStages: ['AWSPENDING'],
    });
  });

  test('createSecret run again finds its pending version and writes no other value', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'v1+' });
    await runRotationStep(step('createSecret'), rotation, client);
    assert.equal(secretsManager.commandCalls(PutSecretValueCommand).length, 0);
  });

  test('createSecret lets any other failure through, so Secrets Manager retries the step', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));
    await assert.rejects(runRotationStep(step('createSecret'), rotation, client), /AccessDeniedException/);
    assert.equal(secretsManager.commandCalls(PutSecretValueCommand).length, 0);
  });

  test('setSecret has no downstream system to update', async () => {
    await runRotationStep(step('setSecret'), rotation, client);
    assert.equal(secretsManager.calls().length, 0);
  });

  test('testSecret refuses a pending value the services could not start with', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'v1+' });
    await runRotationStep(step('testSecret'), rotation, client);
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'garbage' });
    await assert.rejects(runRotationStep(step('testSecret'), rotation, client), /not a usable value/);
  });

  test('finishSecret moves AWSCURRENT to the pending version once', async () => {
    secretsManager.on(DescribeSecretCommand).resolves({
      VersionIdsToStages: { 'version-1': ['AWSCURRENT'], [ClientRequestToken]: ['AWSPENDING'] },
    });
    secretsManager.on(UpdateSecretVersionStageCommand).resolves({});
    await runRotationStep(step('finishSecret'), rotation, client);
    assert.deepEqual(secretsManager.commandCalls(UpdateSecretVersionStageCommand)[0]?.args[0].input, {
      SecretId,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: ClientRequestToken,
      RemoveFromVersionId: 'version-1',
    });
    secretsManager.reset();
    secretsManager.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { [ClientRequestToken]: ['AWSCURRENT'] } });
    await runRotationStep(step('finishSecret'), rotation, client);
    assert.equal(secretsManager.commandCalls(UpdateSecretVersionStageCommand).length, 0, 'already current');
  });

  test('refuses a step it does not know', async () => {
    await assert.rejects(runRotationStep(step('mystery' as never), rotation, client), /unknown rotation step mystery/);
  });
});
