import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { environments } from '../config/environments.ts';
import { servicePorts } from '../stacks/services-stack.ts';
import { describeEnvironment, ingressRules } from './environment-assertions.ts';
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
