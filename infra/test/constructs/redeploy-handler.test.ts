import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { redeployAfterRotation } from '../../constructs/redeploy-on-rotation/redeploy-handler.ts';

const ecs = mockClient(ECSClient);
const target = { cluster: 'authscale-prod-cluster', service: 'authscale-prod-orchestrator' };
const secretArn = 'arn:aws:secretsmanager:eu-west-1:777788889999:secret:AppSecret-AbCdEf';

afterEach(() => ecs.reset());

describe('redeployAfterRotation', () => {
  test('forces a new deployment of the service when one of its secrets rotated', async () => {
    ecs.on(UpdateServiceCommand).resolves({});
    const secret = await redeployAfterRotation(
      { detail: { eventName: 'RotationSucceeded', additionalEventData: { SecretId: secretArn } } },
      target,
      new ECSClient({ region: 'eu-west-1' }),
    );
    assert.equal(secret, secretArn);
    assert.deepEqual(ecs.commandCalls(UpdateServiceCommand)[0]?.args[0].input, {
      cluster: target.cluster,
      service: target.service,
      forceNewDeployment: true,
    });
  });

  test('refuses any other event and redeploys nothing', async () => {
    await assert.rejects(
      redeployAfterRotation(
        { detail: { eventName: 'RotationFailed' } },
        target,
        new ECSClient({ region: 'eu-west-1' }),
      ),
      /expected a RotationSucceeded event, got RotationFailed/,
    );
    assert.equal(ecs.commandCalls(UpdateServiceCommand).length, 0);
  });

  test('lets an ECS failure through so EventBridge retries the event', async () => {
    ecs.on(UpdateServiceCommand).rejects(new Error('ServiceNotActiveException'));
    await assert.rejects(
      redeployAfterRotation(
        { detail: { eventName: 'RotationSucceeded' } },
        target,
        new ECSClient({ region: 'eu-west-1' }),
      ),
      /ServiceNotActiveException/,
    );
  });
});
