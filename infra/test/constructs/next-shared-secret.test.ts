import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { runRotationStep } from '../../constructs/secret-rotation/run-rotation-step.ts';
import {
  generateSharedSecretPart,
  isSharedSecret,
  nextSharedSecret,
  type SharedSecretValue,
} from '../../constructs/shared-secret-rotation/next-shared-secret.ts';
import { sharedSecretRotation } from '../../constructs/shared-secret-rotation/rotate-handler.ts';

/** What a task holding `value` accepts, and what it sends. */
const accepted = (value: SharedSecretValue) => new Set([value.previous, value.current, value.next]);
const sent = (value: SharedSecretValue) => value.current;

describe('nextSharedSecret', () => {
  test('generates 256-bit base64url values, each different', () => {
    const part = generateSharedSecretPart();
    assert.match(part, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(generateSharedSecretPart(), part);
  });

  test('each rotation makes next current, keeps current as previous and publishes a fresh next', () => {
    const before = nextSharedSecret(JSON.stringify(nextSharedSecret(undefined)));
    const after = nextSharedSecret(JSON.stringify(before));
    assert.equal(after.current, before.next);
    assert.equal(after.previous, before.current);
    assert.ok(!accepted(before).has(after.next), 'a fresh next value');
    assert.ok(isSharedSecret(after));
  });

  test('tasks one rotation apart accept what the other sends, in both directions; two apart do not', () => {
    const first = nextSharedSecret(undefined);
    const second = nextSharedSecret(JSON.stringify(first));
    const third = nextSharedSecret(JSON.stringify(second));
    for (const [older, newer] of [
      [first, second],
      [second, third],
    ] as const) {
      assert.ok(accepted(newer).has(sent(older)), 'a task that has not restarted is answered by one that has');
      assert.ok(accepted(older).has(sent(newer)), 'and the other way round');
    }
    assert.ok(!accepted(third).has(sent(first)));
  });

  test('keeps a single value, as generated at deploy or before the secret rotated, as previous and current', () => {
    const single = 'A1b2'.repeat(16);
    const value = nextSharedSecret(single);
    assert.deepEqual([value.previous, value.current], [single, single], 'tasks holding it keep working');
    assert.notEqual(value.next, single);
    // Digits alone parse as JSON, and are still the value.
    assert.equal(nextSharedSecret('7'.repeat(64)).current, '7'.repeat(64));
  });

  test('starts afresh from anything that is neither, and never keeps a value the services would refuse', () => {
    for (const bootstrap of [undefined, '', 'short', '{}', '{"current":"short"}', 'null', `  ${'x'.repeat(40)}`]) {
      const value = nextSharedSecret(bootstrap);
      assert.ok(isSharedSecret(value), String(bootstrap));
      assert.equal(value.previous, value.current);
      assert.notEqual(value.current, value.next);
    }
    assert.equal(isSharedSecret({ previous: 'x'.repeat(43), current: 'x'.repeat(43) }), false);
  });
});

describe('the shared-secret rotation function', () => {
  const secretsManager = mockClient(SecretsManagerClient);
  const client = new SecretsManagerClient({ region: 'eu-west-1' });
  const SecretId = 'arn:aws:secretsmanager:eu-west-1:777788889999:secret:InternalApiToken-AbCdEf';
  afterEach(() => secretsManager.reset());

  test('writes the next value as the pending version, and tests it before it becomes current', async () => {
    const current = { previous: 'p'.repeat(43), current: 'c'.repeat(43), next: 'n'.repeat(43) };
    secretsManager
      .on(GetSecretValueCommand, { SecretId, VersionStage: 'AWSPENDING' })
      .rejects(new ResourceNotFoundException({ message: 'none', $metadata: {} }))
      .on(GetSecretValueCommand, { SecretId, VersionStage: 'AWSCURRENT' })
      .resolves({ SecretString: JSON.stringify(current) });
    secretsManager.on(PutSecretValueCommand).resolves({});
    await runRotationStep({ SecretId, ClientRequestToken: 'v2', Step: 'createSecret' }, sharedSecretRotation, client);
    const written = secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input.SecretString;
    const pending = JSON.parse(String(written)) as SharedSecretValue;
    assert.deepEqual([pending.previous, pending.current], [current.current, current.next]);

    secretsManager.reset();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: written });
    await runRotationStep({ SecretId, ClientRequestToken: 'v2', Step: 'testSecret' }, sharedSecretRotation, client);
    for (const unusable of ['x'.repeat(64), JSON.stringify({ ...pending, next: 'short' })]) {
      secretsManager.on(GetSecretValueCommand).resolves({ SecretString: unusable });
      await assert.rejects(
        runRotationStep({ SecretId, ClientRequestToken: 'v2', Step: 'testSecret' }, sharedSecretRotation, client),
        /not a usable value/,
      );
    }
  });
});
