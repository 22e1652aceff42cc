import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { environments } from '../config/environments.ts';
import { servicePorts } from '../stacks/services-stack.ts';
import { containersOf, describeEnvironment, ingressRules, secretSources } from './environment-assertions.ts';
import { synthesize } from './synthesize.ts';

describeEnvironment('dev');

test('an unacknowledged nag finding fails synth', () => {
  assert.throws(
    () =>
      synthesize('dev', (stacks) => {
        new s3.Bucket(stacks.edge, 'UnloggedBucket', { enforceSSL: false });
      }),
    /AwsSolutions-S1|AwsSolutions-S10/,
  );
});

test('the admin API port admits exactly the networks adminApi.allowedCidrs names', () => {
  const allowedCidrs = ['10.200.0.0/24', '192.168.10.0/24'];
  const synthesized = synthesize('dev', undefined, {
    ...environments,
    dev: { ...environments.dev, adminApi: { ...environments.dev.adminApi, allowedCidrs } },
  });
  const admitted = ingressRules(synthesized).filter(({ port }) => port === servicePorts.adminApi);
  assert.deepEqual(
    admitted.map(({ group, source }) => `${group.replace(/[0-9A-F]{8}$/, '')} from ${source}`).sort(),
    allowedCidrs.map((cidr) => `AdminApiSecurityGroup from ${cidr}`),
  );
});

test('the hooks an environment names reach the orchestrator, each secret from the team’s secret', () => {
  const arn = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbC123`;
  const synthesized = synthesize('dev', undefined, {
    ...environments,
    dev: {
      ...environments.dev,
      hooks: {
        beforeSignUp: {
          url: 'https://hooks.acme-corp.io/sign-up',
          secretArn: arn('sign-up'),
          nextSecretArn: arn('sign-up-next'),
          onFailure: 'open',
        },
        beforeToken: {
          url: 'https://hooks.acme-corp.io/token',
          secretArn: arn('token'),
          timeoutMs: 500,
          claimNamespace: 'https://acme-corp.io/claims/',
        },
      },
    },
  });
  const app = containersOf(synthesized).find(
    ({ service, container }) => service === 'orchestrator' && container.Name === 'app',
  )?.container;
  assert.ok(app);
  const environment = Object.fromEntries((app.Environment ?? []).map(({ Name, Value }) => [Name, Value]));
  assert.deepEqual(Object.fromEntries(Object.entries(environment).filter(([name]) => name.startsWith('HOOK_'))), {
    HOOK_BEFORE_SIGN_UP_URL: 'https://hooks.acme-corp.io/sign-up',
    HOOK_BEFORE_SIGN_UP_ON_FAILURE: 'open',
    HOOK_BEFORE_TOKEN_URL: 'https://hooks.acme-corp.io/token',
    HOOK_BEFORE_TOKEN_TIMEOUT_MS: '500',
    HOOK_BEFORE_TOKEN_CLAIM_NAMESPACE: 'https://acme-corp.io/claims/',
  });
  assert.deepEqual(secretSources(app, 'HOOK_BEFORE_SIGN_UP_SECRET'), [JSON.stringify(arn('sign-up'))]);
  assert.deepEqual(secretSources(app, 'HOOK_BEFORE_SIGN_UP_SECRET_NEXT'), [JSON.stringify(arn('sign-up-next'))]);
  assert.deepEqual(secretSources(app, 'HOOK_BEFORE_TOKEN_SECRET'), [JSON.stringify(arn('token'))]);
  // No other task is given them.
  for (const { service, container } of containersOf(synthesized).filter(({ service }) => service !== 'orchestrator')) {
    assert.ok(!(container.Secrets ?? []).some(({ Name }) => Name.startsWith('HOOK_')), service);
  }
});
