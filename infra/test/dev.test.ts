import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describeEnvironment } from './environment-assertions.ts';
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
