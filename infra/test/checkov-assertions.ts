import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Synthesized } from './synthesize.ts';

/** The checkov metadata `infra/checkov-skips.ts` writes on a resource. */
interface CheckovMetadata {
  readonly skip: ReadonlyArray<{ readonly id: string; readonly comment: string }>;
}

/** The `checkov` metadata of every resource of every stack that has one. */
function checkovSkips(synthesized: Synthesized): Array<{ id: string; checks: string[]; comments: string[] }> {
  return Object.values(synthesized.templates).flatMap((template) =>
    Object.entries(template.toJSON().Resources as Record<string, { Metadata?: { checkov?: CheckovMetadata } }>)
      .filter(([, resource]) => resource.Metadata?.checkov)
      .map(([id, resource]) => {
        const skip = resource.Metadata?.checkov?.skip ?? [];
        return { id, checks: skip.map((entry) => entry.id), comments: skip.map((entry) => entry.comment) };
      }),
  );
}

/**
 * The findings of the second policy scanner (checkov, run by `npm run synth` over the prod templates),
 * fixed in the templates of every environment; the few it accepts are skipped on their resource with
 * a reason. Registered inside an environment's describe, reading the synthesized environment.
 */
export function describeCheckovFixes(synthesized: () => Synthesized): void {
  test('every log group is encrypted with the environment logs key, which only CloudWatch Logs of this account may use', () => {
    const { templates } = synthesized();
    const [keyId, key] = Object.entries(templates.network.findResources('AWS::KMS::Key')).find(([id]) =>
      id.startsWith('LogsKey'),
    ) ?? [undefined, undefined];
    assert.ok(keyId && key, 'no logs key');
    assert.equal(key.Properties.EnableKeyRotation, true);
    const serviceStatement = JSON.stringify(key.Properties.KeyPolicy);
    assert.match(serviceStatement, /"Service":"logs\.eu-west-1\.amazonaws\.com"/);
    assert.match(serviceStatement, /kms:EncryptionContext:aws:logs:arn/);
    const logGroups = synthesized().resourcesOfType('AWS::Logs::LogGroup');
    assert.ok(logGroups.length >= 10, `only ${logGroups.length} log groups`);
    for (const { stack, id, resource } of logGroups) {
      const kmsKeyId = JSON.stringify(resource.Properties.KmsKeyId ?? null);
      assert.ok(kmsKeyId.includes(keyId), `${stack}/${id} is not encrypted with the logs key: ${kmsKeyId}`);
    }
  });

  test('every Aurora instance sends enhanced monitoring metrics every minute', () => {
    const instances = synthesized().resourcesOfType('AWS::RDS::DBInstance');
    assert.ok(instances.length >= 1);
    for (const { id, resource } of instances) {
      assert.equal(resource.Properties.MonitoringInterval, 60, id);
      assert.ok(resource.Properties.MonitoringRoleArn, `${id} has no monitoring role`);
    }
  });

  test('a permission that lets an AWS service invoke a function is limited to this account or a source ARN', () => {
    const { config } = synthesized();
    const permissions = synthesized().resourcesOfType('AWS::Lambda::Permission');
    const fromServices = permissions.filter(({ resource }) =>
      String(resource.Properties.Principal).endsWith('.amazonaws.com'),
    );
    assert.ok(fromServices.length >= 2);
    for (const { id, resource } of fromServices) {
      const { SourceArn, SourceAccount } = resource.Properties;
      assert.ok(SourceArn || SourceAccount === config.account, `${id} can be invoked on another account's behalf`);
    }
  });

  test('a rotation that fails to redeploy its service leaves its event in an encrypted queue that alarms', () => {
    const functions = synthesized()
      .resourcesOfType('AWS::Lambda::Function')
      .filter(({ id }) => /^Redeploy(Edge|Session|Orchestrator|WebhookDispatcher|AdminApi)OnRotationFunction/.test(id));
    assert.equal(functions.length, 5);
    for (const { id, resource } of functions) {
      const target = JSON.stringify((resource.Properties.DeadLetterConfig as { TargetArn: unknown })?.TargetArn);
      assert.match(target, /OnRotationDeadLetters/, `${id} has no dead-letter queue`);
    }
    const queues = synthesized().resourcesOfType('AWS::SQS::Queue');
    for (const { id, resource } of queues) assert.equal(resource.Properties.KmsMasterKeyId, 'alias/aws/sqs', id);
    const alarms = synthesized()
      .resourcesOfType('AWS::CloudWatch::Alarm')
      .filter(({ id }) => id.includes('OnRotationRedeployFailed'));
    assert.equal(alarms.length, 5);
    for (const { id, resource } of alarms) assert.ok((resource.Properties.AlarmActions as unknown[]).length, id);
  });

  test('the access-log bucket keeps versions, and they expire with the logs', () => {
    const { templates, config } = synthesized();
    templates.edge.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [
          {
            ExpirationInDays: config.edge.accessLogRetentionDays,
            NoncurrentVersionExpiration: { NoncurrentDays: config.edge.accessLogRetentionDays },
            Status: 'Enabled',
          },
        ],
      },
    });
  });

  test('checkov skips only the reviewed checks, each on its resource with a reason', () => {
    const skips = checkovSkips(synthesized());
    const skipped = skips.flatMap(({ id, checks }) =>
      checks.map((check) => `${id.replace(/[0-9A-F]{8}$/, '')} ${check}`),
    );
    const allowed =
      /^(\S+ CKV_AWS_11[5-7]|Redeploy\w+OnRotationFunction CKV_AWS_173|(LoadBalancerAccessLogs|SignInCanaryArtifacts) CKV_AWS_18|LoadBalancerSecurityGroup CKV_AWS_260)$/;
    for (const entry of skipped) assert.match(entry, allowed);
    // 9 functions outside the VPC, unreserved; 4 without a dead-letter queue (their callers wait for
    // them); 5 environments of names; the access-log and canary-artifact buckets and the port 80 redirect.
    assert.equal(skipped.length, 9 * 2 + 4 + 5 + 3);
    for (const { id, comments } of skips) {
      for (const comment of comments) assert.ok(comment.length > 40, `${id}: a skip without a reason`);
    }
  });
}
